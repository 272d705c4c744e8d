"""Supervision trends (issue 18): the figures per week of a hand-made March, the same whether
counted live or read from the roll-up (and then without touching the applications), the cases
behind a column, who may open the pages, the form, and query counts that do not grow with rows."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from approvals.domain.trend_periods import DAY, MONTH, WEEK
from approvals.models import ServiceRating
from approvals.selectors.supervision import Period
from approvals.selectors.supervision_trends import (
    department_tree,
    official_workload,
    trend_cases,
    trend_ratings,
    trends,
)
from approvals.services.supervision_rollup import statistics_rollup
from tests.approvals.supervision.conftest import MARCH, day
from tests.factories import ApplicationFactory, OfficialFactory, ReviewTaskFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)  # the suite's fixed day


def _figures(points):
    return [
        (
            point.bucket.start.day,
            point.received,
            point.decided,
            point.late,
            point.on_time_rate,
            point.ratings,
            point.satisfied,
        )
        for point in points
    ]


# Weeks of March 2026 (the 1st is a Sunday): start, received, decided, late, on-time rate,
# ratings, satisfied.
MARCH_WEEKS = [
    (1, 0, 0, 0, None, 0, 0),
    (2, 4, 1, 0, 1.0, 0, 0),  # A, B, C, G received; G decided
    (9, 0, 2, 0, 1.0, 2, 1),  # C, A decided; ratings 5 and 2
    (16, 1, 1, 1, 0.0, 0, 0),  # D received; B decided late
    (23, 1, 1, 1, 0.0, 0, 0),  # E received and decided late
    (30, 0, 0, 0, None, 0, 0),
]


def test_weekly_figures_of_a_hand_made_march(city, trend_march):
    assert _figures(trends(MARCH, WEEK, today=TODAY)) == MARCH_WEEKS


def test_one_department_counts_its_services_and_its_ratings(city, trend_march):
    market = trends(MARCH, WEEK, department_id=city.bureau.pk, today=TODAY)
    health = trends(MARCH, MONTH, department_id=city.other.pk, today=TODAY)

    assert [(p.received, p.decided, p.late) for p in market] == [
        (0, 0, 0),
        (3, 0, 0),
        (0, 2, 0),
        (1, 1, 1),
        (1, 1, 1),
        (0, 0, 0),
    ]
    assert _figures(health) == [(1, 1, 1, 0, 1.0, 0, 0)]


def test_the_rolled_up_days_give_the_same_figures_without_reading_applications(city, trend_march):
    # (The roll-up marks the days from the first one with data: 1 March, before any, would
    # still be counted live.)
    period = Period(day(2), day(31))
    live = _figures(trends(period, WEEK, today=TODAY))
    statistics_rollup(today=TODAY)

    with CaptureQueriesContext(connection) as captured:
        rolled = _figures(trends(period, WEEK, today=TODAY))

    assert rolled == live == MARCH_WEEKS[1:]
    tables = " ".join(query["sql"] for query in captured)
    assert "approvals_application" not in tables
    assert "approvals_servicerating" not in tables


def test_a_change_after_the_roll_up_is_counted(city, trend_march):
    statistics_rollup(today=TODAY)
    # A is reopened and decided again, late, on the 18th.
    trend_march["A"].decided_on, trend_march["A"].decision_due_on = day(18), day(17)
    trend_march["A"].save(update_fields=["decided_on", "decision_due_on"])

    weeks = _figures(trends(MARCH, WEEK, today=TODAY))

    assert weeks[2][:4] == (9, 0, 1, 0)
    assert weeks[3][:4] == (16, 1, 2, 2)


def test_daily_points_sum_to_the_monthly_point(city, trend_march):
    days = trends(MARCH, DAY, today=TODAY)
    (month,) = trends(MARCH, MONTH, today=TODAY)

    assert len(days) == 31
    assert sum(p.received for p in days) == month.received == 6
    assert sum(p.late for p in days) == month.late == 2


# --- The cases behind a column ------------------------------------------------------------------


def test_the_late_column_lists_exactly_its_late_decisions(city, trend_march):
    week = trend_cases(kind="late", start=day(16), end=day(22))
    month_market = trend_cases(kind="late", start=day(1), end=day(31), department_id=city.bureau.pk)
    month_health = trend_cases(kind="late", start=day(1), end=day(31), department_id=city.other.pk)

    assert [a.pk for a in week.cases] == [trend_march["B"].pk]
    assert [a.pk for a in month_market.cases] == [trend_march["B"].pk, trend_march["E"].pk]
    assert month_health.cases == []


def test_the_decided_column_lists_by_decision_date_a_page_at_a_time(city, trend_march):
    first = trend_cases(kind="decided", start=day(2), end=day(15), limit=2)
    second = trend_cases(
        kind="decided", start=day(2), end=day(15), limit=2, cursor=first.next_cursor
    )

    assert [a.pk for a in first.cases] == [trend_march["G"].pk, trend_march["C"].pk]
    assert [a.pk for a in second.cases] == [trend_march["A"].pk]
    assert second.next_cursor == ""


def test_a_garbled_cursor_starts_from_the_beginning(city, trend_march):
    page = trend_cases(kind="received", start=day(2), end=day(2), cursor="nonsense")

    assert {a.pk for a in page.cases} == {trend_march[n].pk for n in "ABG"}


# --- Pages --------------------------------------------------------------------------------------


def _trends_url(**query):
    return reverse("approvals:supervision_trends"), query


def test_a_supervisor_opens_the_trend_and_follows_the_late_column(
    city, trend_march, verified_client_factory
):
    client = verified_client_factory(city.supervisor)

    response = client.get(
        reverse("approvals:supervision_trends"),
        {"start": "2026-03-01", "end": "2026-03-31", "granularity": "week"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<svg") == 4
    assert page.count("<table") == 4  # each chart's numbers
    late_links = re.findall(r'href="(/supervision/trends/cases/\?kind=late[^"]*)"', page)
    # one column link and one table link per late week
    assert len(late_links) == 4
    assert "2026-03-16 – 2026-03-22" in page

    cases = client.get(late_links[0].replace("&amp;", "&"), HTTP_ACCEPT_LANGUAGE="en")

    text = cases.content.decode()
    assert cases.status_code == 200
    assert trend_march["B"].tracking_number in text
    for other in "ACDEG":
        assert trend_march[other].tracking_number not in text
    assert trend_march["B"].person.id_number not in text


def test_the_trend_page_in_chinese(city, trend_march, verified_client_factory):
    client = verified_client_factory(city.supervisor)

    response = client.get(reverse("approvals:supervision_trends"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 200
    assert "监察趋势" in response.content.decode()


def test_an_invalid_period_keeps_what_was_typed(city, verified_client_factory):
    client = verified_client_factory(city.supervisor)

    response = client.get(
        reverse("approvals:supervision_trends"),
        {"start": "2026-03-31", "end": "2026-03-01", "granularity": "week"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    too_many = client.get(
        reverse("approvals:supervision_trends"),
        {"start": "2025-06-01", "end": "2026-03-01", "granularity": "day"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert 'value="2026-03-31"' in page and 'value="2026-03-01"' in page
    assert "The end of the period is before its start." in page
    assert too_many.status_code == 400
    assert "choose weekly or monthly steps" in too_many.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "everything", "start": "2026-03-01", "end": "2026-03-31"},
        {"kind": "late", "start": "2026-03-31", "end": "2026-03-01"},
        {"kind": "late", "start": "2026-03-01", "end": "2026-03-31", "department": "999999"},
        {"kind": "late", "start": "garbage", "end": "2026-03-31"},
    ],
)
def test_a_forged_list_address_is_not_found(city, verified_client_factory, query):
    client = verified_client_factory(city.supervisor)

    assert client.get(reverse("approvals:supervision_trend_cases"), query).status_code == 404


PAGES = [
    ("approvals:supervision_trends", {}),
    (
        "approvals:supervision_trend_cases",
        {"kind": "late", "start": "2026-03-01", "end": "2026-03-31"},
    ),
    ("approvals:supervision_trend_ratings", {"start": "2026-03-01", "end": "2026-03-31"}),
    ("approvals:supervision_workload", {}),
]


@pytest.mark.parametrize(("name", "query"), PAGES)
@pytest.mark.parametrize("who", ["reviewer", "head", "clerk", "citizen"])
def test_only_supervisors_open_the_trend_pages(
    city, trend_march, verified_client_factory, who, name, query
):
    client = verified_client_factory(getattr(city, who))

    response = client.get(reverse(name), query)

    assert response.status_code == 403
    assert trend_march["B"].tracking_number not in response.content.decode()


@pytest.mark.parametrize(("name", "query"), PAGES)
def test_the_trend_pages_need_a_sign_in(client, city, name, query):
    response = client.get(reverse(name), query)

    assert response.status_code == 302
    assert "/accounts/" in response["Location"]


# --- Workload and the department tree ------------------------------------------------------------


def test_the_department_tree_carries_each_nodes_open_work_and_cards(city, under_review):
    ReviewTaskFactory(application=under_review.application, department=city.bureau, light="red")
    ReviewTaskFactory(department=city.other, light="yellow")
    ReviewTaskFactory(department=city.bureau, light="green", status="done")

    with translation.override("en"):
        tree = department_tree()

    government = next(node for node in tree if node.pk == city.bureau.parent_id)
    bureau = next(node for node in government.children if node.pk == city.bureau.pk)
    assert (bureau.open_tasks, bureau.red, bureau.cards) == (2, 1, 1)
    assert government.open_tasks == 0 and government.subtree_open == 2
    health = next(node for node in tree if node.pk == city.other.pk)
    assert (health.open_tasks, health.yellow, health.cards) == (1, 1, 1)


def test_workload_per_official(city, under_review):
    colleague = OfficialFactory(department=city.bureau, role="reviewer", user__display_name="Li")
    under_review.assignee = city.reviewer
    under_review.save(update_fields=["assignee"])
    for light in ("red", "yellow"):
        ReviewTaskFactory(department=city.bureau, assignee=colleague.user, light=light)
    ReviewTaskFactory(department=city.bureau, light="green")  # nobody's yet
    ReviewTaskFactory(department=city.bureau, assignee=colleague.user, status="done")
    ReviewTaskFactory(department=city.other, assignee=city.other_reviewer)

    loads = official_workload(city.bureau.pk)

    assert [(row.pk, row.green, row.yellow, row.red) for row in loads] == [
        (colleague.user.pk, 0, 1, 1),
        (city.reviewer.pk, 1, 0, 0),
        (None, 1, 0, 0),
    ]
    assert loads[0].name == "Li"


def test_the_workload_per_official_reads_its_ledger_in_one_query_not_the_tasks(city, under_review):
    # given a department with many open tasks, some claimed
    for n in range(30):
        ReviewTaskFactory(
            department=city.bureau,
            assignee=[None, city.reviewer, city.head][n % 3],
            light=["green", "yellow", "red"][n % 3],
        )
    # when its workload per official is read
    with CaptureQueriesContext(connection) as captured:
        loads = official_workload(city.bureau.pk)
    # then one query, on the ledger the triggers keep, never on the review tasks
    assert len(captured) == 1
    assert "approvals_officialtaskcount" in captured[0]["sql"]
    assert "approvals_reviewtask" not in captured[0]["sql"]
    assert {(row.pk, row.total) for row in loads} == {
        (None, 11),
        (city.reviewer.pk, 10),
        (city.head.pk, 10),
    }


def test_the_workload_page_shows_the_tree_and_one_departments_officials(
    city, under_review, verified_client_factory
):
    client = verified_client_factory(city.supervisor)

    response = client.get(
        reverse("approvals:supervision_workload"),
        {"department": city.bureau.pk},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="department-tree"' in page
    assert "Market bureau" in page
    assert 'data-testid="official-workload"' in page
    assert "Not claimed yet" in page


# --- Query counts ---------------------------------------------------------------------------------


def _more(city, count: int) -> None:
    for n in range(count):
        application = ApplicationFactory(
            service_version=city.version,
            submitted=True,
            status="denied",
            received_on=day(2 + n % 20),
            accepted_on=day(3 + n % 20),
            decided_on=day(5 + n % 20),
            decision_due_on=day(4 + n % 20),
        )
        ReviewTaskFactory(
            application=application,
            department=city.bureau,
            assignee=city.reviewer,
            light=["green", "red"][n % 2],
        )
        rating = ServiceRating.objects.create(
            application=application, department=city.bureau, grade=1 + n % 5, rater=city.citizen
        )
        noon = dt.datetime.combine(day(6 + n % 20), dt.time(12), tzinfo=dt.UTC)
        ServiceRating.objects.filter(pk=rating.pk).update(created_at=noon)


def _queries(client, name, query) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(name), query)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("name", "query"),
    [
        (
            "approvals:supervision_trends",
            {"start": "2026-03-01", "end": "2026-03-31", "granularity": "day"},
        ),
        (
            "approvals:supervision_trends",
            {"start": "2026-03-01", "end": "2026-03-31", "granularity": "week", "department": "1"},
        ),
        (
            "approvals:supervision_trend_cases",
            {"kind": "late", "start": "2026-03-01", "end": "2026-03-31"},
        ),
        ("approvals:supervision_trend_ratings", {"start": "2026-03-01", "end": "2026-03-31"}),
        ("approvals:supervision_workload", {"department": "1"}),
    ],
)
def test_query_counts_do_not_grow_with_the_rows(city, verified_client_factory, name, query):
    client = verified_client_factory(city.supervisor)
    if "department" in query:
        query = {**query, "department": str(city.bureau.pk)}
    _more(city, 3)
    _queries(client, name, query)  # the working-day calendar is loaded once per process
    few = _queries(client, name, query)

    _more(city, 30)
    many = _queries(client, name, query)

    assert many == few


@pytest.mark.parametrize(
    "query",
    [
        {"department": "abc"},
        {"department": "999999"},
        {"granularity": "year"},
        {"start": "2026-02-30", "end": "2026-03-31"},
        {"start": "<script>", "end": "2026-03-31"},
    ],
)
def test_hostile_trend_queries_are_refused_with_the_form(city, verified_client_factory, query):
    client = verified_client_factory(city.supervisor)

    response = client.get(reverse("approvals:supervision_trends"), query)

    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="trend-form"' in page
    assert "<script>" not in page


def test_the_satisfaction_column_lists_its_ratings_without_comments(
    city, trend_march, verified_client_factory
):
    ServiceRating.objects.filter(application=trend_march["C"]).update(comment="电话13800138000")
    client = verified_client_factory(city.supervisor)
    trend = client.get(
        reverse("approvals:supervision_trends"),
        {"start": "2026-03-01", "end": "2026-03-31", "granularity": "week"},
    ).content.decode()
    (link,) = set(re.findall(r'href="(/supervision/trends/ratings/\?[^"]*)"', trend))

    response = client.get(link.replace("&amp;", "&"), HTTP_ACCEPT_LANGUAGE="en")

    page = response.content.decode()
    assert response.status_code == 200
    assert "start=2026-03-09" in link and "end=2026-03-15" in link
    assert trend_march["A"].tracking_number in page and trend_march["C"].tracking_number in page
    assert "13800138000" not in page


def test_the_ratings_list_a_page_at_a_time_for_one_department(city, trend_march):
    first = trend_ratings(start=day(1), end=day(31), department_id=city.bureau.pk, limit=1)
    second = trend_ratings(
        start=day(1), end=day(31), department_id=city.bureau.pk, limit=1, after=first.next_after
    )
    none = trend_ratings(start=day(1), end=day(31), department_id=city.other.pk)
    outside = trend_ratings(start=day(13), end=day(31))

    assert [r.application_id for r in first.ratings] == [trend_march["A"].pk]
    assert [r.application_id for r in second.ratings] == [trend_march["C"].pk]
    assert second.next_after is None
    assert none.ratings == [] and outside.ratings == []


def test_back_from_a_list_to_the_departments_trends(city, trend_march, verified_client_factory):
    client = verified_client_factory(city.supervisor)
    cases = client.get(
        reverse("approvals:supervision_trend_cases"),
        {"kind": "late", "start": "2026-03-16", "end": "2026-03-22", "department": city.bureau.pk},
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    back = re.search(r'href="(/supervision/trends/\?[^"]*)"', cases).group(1)

    response = client.get(back.replace("&amp;", "&"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "Market bureau, from" in response.content.decode()
