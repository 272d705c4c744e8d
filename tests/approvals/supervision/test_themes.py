"""一件事 in supervision: per theme, the cases received and completed, the working days to complete
the whole, the members decided on time, and the time saved against the members' statutory limits
one after another; read in a number of queries that does not grow with the cases."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from approvals.selectors.supervision import Period
from approvals.selectors.theme_supervision import theme_statistics
from tests.approvals.supervision.conftest import MARCH, day, theme_case_decided
from tests.support import events

pytestmark = pytest.mark.django_db


def test_the_figures_of_a_theme_for_a_month(restaurant, march_cases):
    with translation.override("en"):
        stats = theme_statistics(MARCH)

    [row] = stats.rows
    assert (row.code, row.name) == ("RESTAURANT", "Open a restaurant")
    assert row.received == 3  # A, B, C (D was received in February)
    assert row.completed == 3  # A, B and D; C is still running
    # Members decided in March with a due date: A's three, B's registration, C's registration,
    # D's food licence; A's sign was late.
    assert (row.members_timed, row.members_on_time) == (6, 5)
    # Receipt to last decision: A 9 working days, B 2, D (Wed 25 Feb to Tue 3 Mar, Saturday 28
    # February a working day after the Spring Festival) 5.
    assert sorted(row.durations.elements()) == [2, 5, 9]
    # Statutory days: A 3 + 20 in a chain beside the sign's 20 (23; 43 one after another);
    # B and D 23 either way.
    assert row.chain_days == 23 * 3
    assert row.sequential_days == 43 + 23 + 23
    assert row.average_saved_days == pytest.approx(20 / 3)
    assert stats.total.completed == 3


def test_another_period_counts_what_happened_in_it(restaurant, march_cases):
    stats = theme_statistics(Period(dt.date(2026, 2, 1), dt.date(2026, 2, 28)))

    [row] = stats.rows
    assert (row.received, row.completed) == (1, 0)  # D, completed only in March
    assert row.average_saved_days is None


def test_the_statistics_read_a_fixed_number_of_queries(restaurant, march_cases):
    theme_statistics(MARCH)  # the working-day calendar is loaded once per process
    with CaptureQueriesContext(connection) as few:
        theme_statistics(MARCH)
    for n in range(6):
        theme_case_decided(
            restaurant,
            sign=bool(n % 2),
            received=day(2 + n),
            decisions={
                "registration": (day(5 + n), day(6 + n), "approved"),
                "food": (day(16 + n), day(20), "approved"),
                "sign": (day(12), day(10), "approved"),
            },
        )
    with CaptureQueriesContext(connection) as many:
        stats = theme_statistics(MARCH)

    assert len(many) == len(few)
    assert stats.rows[0].completed == 9


def test_the_themes_page_shows_the_figures_to_a_supervisor(
    city, march_cases, verified_client_factory
):
    client = verified_client_factory(city.supervisor)

    response = client.get(
        reverse("approvals:supervision_themes"),
        {"start": "2026-03-01", "end": "2026-03-31"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Open a restaurant" in page
    assert 'data-testid="saved-days">6.7<' in page  # (20 + 0 + 0) / 3
    assert "svg" in page and "chart-svg" in page


def test_the_themes_page_in_chinese(city, march_cases, verified_client_factory):
    client = verified_client_factory(city.supervisor)

    response = client.get(
        reverse("approvals:supervision_themes"),
        {"start": "2026-03-01", "end": "2026-03-31"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    page = response.content.decode()
    assert "我要开餐馆" in page
    assert "一件事" in page


@pytest.mark.parametrize("who", ["reviewer", "head", "clerk", "citizen"])
def test_only_supervisors_open_the_themes_page(city, march_cases, verified_client_factory, who):
    client = verified_client_factory(getattr(city, who))

    response = client.get(reverse("approvals:supervision_themes"))

    assert response.status_code == 403
    assert "Open a restaurant" not in response.content.decode()


def test_the_themes_page_needs_a_sign_in(client, city):
    response = client.get(reverse("approvals:supervision_themes"))

    assert response.status_code == 302
    assert "/accounts/" in response["Location"]


@pytest.mark.parametrize(
    "query",
    [
        {"start": "2026-02-30", "end": "2026-03-31"},
        {"start": "<script>", "end": "2026-03-31"},
        {"start": "2026-03-31", "end": "2026-03-01"},
    ],
)
def test_a_hostile_period_is_refused_with_the_form(city, verified_client_factory, query):
    client = verified_client_factory(city.supervisor)

    response = client.get(reverse("approvals:supervision_themes"), query)

    assert response.status_code == 400
    assert "<script>" not in response.content.decode()


def test_the_themes_page_query_count_does_not_grow_with_the_cases(
    city, restaurant, march_cases, verified_client_factory
):
    client = verified_client_factory(city.supervisor)
    url = reverse("approvals:supervision_themes")
    query = {"start": "2026-03-01", "end": "2026-03-31"}
    client.get(url, query)  # the working-day calendar is loaded once per process
    with CaptureQueriesContext(connection) as few:
        client.get(url, query)
    for n in range(5):
        theme_case_decided(
            restaurant,
            sign=True,
            received=day(2 + n),
            decisions={
                "registration": (day(5 + n), day(6 + n), "approved"),
                "food": (day(16 + n), day(20), "approved"),
                "sign": (day(12), day(10), "approved"),
            },
        )
    with CaptureQueriesContext(connection) as many:
        client.get(url, query)

    assert len(many) == len(few)


def test_the_export_has_a_row_per_theme_and_is_audited(city, march_cases, verified_client_factory):
    client = verified_client_factory(city.supervisor)

    response = client.get(
        reverse("approvals:supervision_themes_export"),
        {"start": "2026-03-01", "end": "2026-03-31"},
    )

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response.status_code == 200
    assert rows[0][:4] == ["code", "name", "received", "completed"]
    assert rows[1][0] == "RESTAURANT" and rows[1][2:4] == ["3", "3"]
    assert rows[1][-1] == "6.67"
    event = events("supervision.themes_exported").get()
    assert event.actor == city.supervisor


@pytest.mark.parametrize("who", ["reviewer", "citizen"])
def test_only_supervisors_export(city, march_cases, verified_client_factory, who):
    client = verified_client_factory(getattr(city, who))

    response = client.get(reverse("approvals:supervision_themes_export"))

    assert response.status_code == 403
    assert not events("supervision.themes_exported").exists()
