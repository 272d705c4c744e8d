"""The electronic supervision dashboard: numbers on a small known data set, constant query
counts, cards, charts, export (audited), access."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from approvals.models import CardColour, RectificationTask, ServiceRating, SupervisionCard
from approvals.selectors.supervision import (
    percentile,
    running_tasks_by_light,
    statistics,
)
from tests.approvals.supervision.conftest import MARCH, day, march_application
from tests.factories import (
    ApplicationFactory,
    ReviewTaskFactory,
)
from tests.support import due_for_light, events

pytestmark = pytest.mark.django_db


@pytest.fixture
def march(city, health_version):
    """March 2026 (no holiday in it). Market bureau: A approved on time in 5 working days, B
    denied late in 10, C licence issued on time in 1, D still at the window, E denied on time in 2;
    F is April's. Health bureau: G approved on time in 1."""

    market = city.version
    march_application(market, day(2), day(3), day(10), day(31), "approved")  # A
    march_application(market, day(2), day(3), day(17), day(16), "denied")  # B
    march_application(market, day(5), day(6), day(9), day(31), "licence_issued")  # C
    march_application(market, day(20))  # D
    march_application(market, day(23), day(24), day(26), day(31), "denied")  # E
    march_application(market, day(1, 4), day(2, 4), day(3, 4), day(30, 4), "approved")  # F
    march_application(health_version, day(2), day(3), day(4), day(31), "approved")  # G


def test_statistics_per_department_on_a_known_data_set(city, march):
    with translation.override("en"):
        stats = statistics(MARCH)

    market, health = (
        next(row for row in stats.by_department if row.key == department.pk)
        for department in (city.bureau, city.other)
    )
    assert (market.received, market.accepted, market.approved, market.denied) == (5, 4, 2, 2)
    assert market.on_time == 3
    assert market.on_time_rate == 0.75
    assert market.durations == {1: 1, 2: 1, 5: 1, 10: 1}
    assert market.average_days == 4.5
    assert market.p90_days == 10
    assert (health.received, health.approved, health.on_time_rate, health.p90_days) == (
        1,
        1,
        1.0,
        1,
    )
    assert (stats.total.received, stats.total.decided) == (6, 5)
    assert [row.name for row in stats.by_service] == ["Clinic permit", "Food business licence"]


def test_percentile_is_nearest_rank():
    assert percentile([], 90) is None
    assert percentile([7], 90) == 7
    assert percentile(list(range(1, 11)), 90) == 9
    assert percentile(list(range(1, 12)), 90) == 10


def test_running_tasks_by_light(city, under_review):
    ReviewTaskFactory(application=under_review.application, department=city.bureau, light="red")
    ReviewTaskFactory(department=city.other, light="yellow")
    ReviewTaskFactory(department=city.other, light="green", status="done")

    running = running_tasks_by_light()

    rows = {row.key: (row.green, row.yellow, row.red) for row in running.by_department}
    assert rows == {city.bureau.pk: (1, 0, 1), city.other.pk: (0, 1, 0)}
    assert running.by_department[0].key == city.bureau.pk  # red first


def _many(city, count: int) -> None:
    for n in range(count):
        application = ApplicationFactory(
            service_version=city.version,
            submitted=True,
            status="approved",
            received_on=day(2),
            accepted_on=day(3),
            decided_on=day(10),
            decision_due_on=day(31),
        )
        task = ReviewTaskFactory(
            application=application, department=city.bureau, light=["green", "red"][n % 2]
        )
        SupervisionCard.objects.create(
            application=application,
            task=task,
            department=city.bureau,
            colour=CardColour.RED,
            reason="late",
            issued_on=day(20),
        )
        rating = ServiceRating.objects.create(
            application=application, department=city.bureau, grade=1, rater=city.citizen
        )
        RectificationTask.objects.create(rating=rating, department=city.bureau, due_on=day(31))


def _dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(
            reverse("approvals:supervision_dashboard"), {"start": "2026-03-01", "end": "2026-03-31"}
        )
    assert response.status_code == 200
    return len(captured)


def test_the_dashboard_query_count_does_not_grow_with_the_applications(
    city, verified_client_factory
):
    client = verified_client_factory(city.supervisor)
    _many(city, 3)
    _dashboard_queries(client)  # the working-day calendar is loaded once per process
    few = _dashboard_queries(client)

    _many(city, 27)
    many = _dashboard_queries(client)

    assert many == few


def test_the_dashboard_shows_numbers_charts_and_red_cards(
    city, march, under_review, verified_client_factory
):
    under_review.due_on = due_for_light("red")
    under_review.save(update_fields=["due_on"])
    SupervisionCard.objects.create(
        application=under_review.application,
        task=under_review,
        department=city.bureau,
        colour=CardColour.RED,
        reason="overdue",
        issued_on=day(20),
    )
    client = verified_client_factory(city.supervisor)

    response = client.get(
        reverse("approvals:supervision_dashboard"),
        {"start": "2026-03-01", "end": "2026-03-31"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<svg") == 3
    assert "Running tasks by SLA light, per department" in page
    assert "75.0%" in page
    assert "4.5" in page
    assert under_review.application.tracking_number in page
    assert "Red: overdue" in page


def test_the_period_defaults_to_the_last_30_days(city, verified_client_factory):
    client = verified_client_factory(city.supervisor)

    response = client.get(reverse("approvals:supervision_dashboard"))

    period = response.context["period"]
    assert (period.end - period.start).days == 30


def test_a_bad_period_keeps_the_input_and_shows_the_error(city, verified_client_factory):
    client = verified_client_factory(city.supervisor)

    response = client.get(
        reverse("approvals:supervision_dashboard"), {"start": "2026-03-31", "end": "2026-03-01"}
    )

    page = response.content.decode()
    assert "2026-03-31" in page
    assert "error-message" in page


def test_the_export_is_a_csv_and_is_audited(city, march, verified_client_factory):
    client = verified_client_factory(city.supervisor)

    response = client.get(
        reverse("approvals:supervision_export"),
        {"start": "2026-03-01", "end": "2026-03-31"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["level", "name", "received", "accepted"]
    market = next(row for row in rows if row[:2] == ["department", "Market bureau"])
    assert market[2:] == ["5", "4", "2", "2", "0.7500", "4.50", "10"]
    event = events("supervision.exported").get()
    assert event.actor == city.supervisor
    assert event.changes == {"period": [None, ["2026-03-01", "2026-03-31"]]}


@pytest.mark.parametrize("who", ["reviewer", "head", "clerk"])
def test_only_supervisors_open_the_dashboard(city, verified_client_factory, who):
    client = verified_client_factory(getattr(city, who))

    assert client.get(reverse("approvals:supervision_dashboard")).status_code == 403
    assert client.get(reverse("approvals:supervision_export")).status_code == 403
    assert not events("supervision.exported").exists()


def test_a_supervisor_without_the_second_factor_is_sent_to_it(city, client):
    client.force_login(city.supervisor)

    response = client.get(reverse("approvals:supervision_dashboard"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_setup"))


@pytest.mark.parametrize(
    ("language", "heading"), [("en", "Electronic supervision"), ("zh-hans", "电子监察")]
)
def test_the_dashboard_in_both_languages(city, verified_client_factory, language, heading):
    client = verified_client_factory(city.supervisor)

    response = client.get(reverse("approvals:supervision_dashboard"), HTTP_ACCEPT_LANGUAGE=language)

    assert heading in response.content.decode()


def test_a_decision_whose_due_date_is_still_unknown_is_neither_on_time_nor_late(city, march):
    # given, besides March's, a market decision whose statutory date the calendar did not reach
    ApplicationFactory(
        service_version=city.version,
        submitted=True,
        status="approved",
        received_on=day(2),
        accepted_on=day(3),
        decided_on=day(12),
        decision_due_on=None,
    )
    stats = statistics(MARCH)
    market = next(row for row in stats.by_department if row.key == city.bureau.pk)
    # then it counts as decided but stays out of the on-time rate (still 3 of the 4 timed)
    assert (market.approved + market.denied, market.on_time, market.timed) == (5, 3, 4)
    assert market.on_time_rate == 0.75


def test_the_statistics_export_neutralises_formulas_in_names(city, march, verified_client_factory):
    from django.urls import reverse

    city.bureau.name_en = '=HYPERLINK("http://example.invalid")'
    city.bureau.save(update_fields=["name_en"])
    client = verified_client_factory(city.supervisor)
    response = client.get(
        reverse("approvals:supervision_export"),
        {"start": "2026-03-01", "end": "2026-03-31"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    body = response.content.decode()
    assert "'=HYPERLINK" in body and ",=HYPERLINK" not in body


def test_the_tables_name_their_rows_departments_and_services(city, march, verified_client_factory):
    client = verified_client_factory(city.supervisor)

    page = client.get(
        reverse("approvals:supervision_dashboard"),
        {"start": "2026-03-01", "end": "2026-03-31"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    ).content.decode()

    assert "姓名" not in page  # a person's name: not what a department or a service has
    headings = re.findall(r'<thead><tr>\s*<th scope="col">([^<]+)</th>', page)
    assert "部门" in headings and "办理事项" in headings, headings


def test_a_value_the_table_shows_as_a_dash_draws_no_bar():
    from django.template.loader import render_to_string

    from approvals.views.charts import bar_chart

    chart = bar_chart(
        chart_id="on-time",
        title="On time",
        rows=[("Market bureau", [None]), ("Fire brigade", [50.0])],
        series=[("rate", "On time (%)")],
        label_heading="Department",
        maximum=100,
    )

    html = render_to_string("approvals/supervision/_bar_chart.html", {"chart": chart})

    assert html.count("<rect") == 1
    assert html.count(">—</text>") == 1 and ">0</text>" not in html
    assert '<th scope="col">Department</th>' in html


def test_a_paused_clock_is_its_own_light_on_the_dashboard(city, verified_client_factory):
    # given a task whose clock is stopped, and one that is late
    ReviewTaskFactory(department=city.other, light="paused")
    ReviewTaskFactory(department=city.other, light="red")
    # then supervision counts it as paused, not green
    running = running_tasks_by_light()
    (row,) = [row for row in running.by_department if row.key == city.other.pk]
    assert (row.green, row.yellow, row.red, row.paused, row.total) == (0, 0, 1, 1, 2)
    # and the dashboard shows its column in both languages
    client = verified_client_factory(city.supervisor)
    for language, label in (("en", "Paused"), ("zh-hans", "暂停")):
        page = client.get(
            reverse("approvals:supervision_dashboard"), HTTP_ACCEPT_LANGUAGE=language
        ).content.decode()
        assert label in page and 'data-testid="paused-count"' in page
