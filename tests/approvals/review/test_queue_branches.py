"""The queue read by branches shows exactly what the single visibility rule allows, in the same
order, and the counts the database keeps equal the open tasks whatever writes them."""

import datetime as dt
import random

import pytest
from django.db.models import Count, Q, Sum
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from accounts.models import OfficialRole
from approvals.db.statement_shapes import forget_shapes
from approvals.models import ApplicationUserObjectPermission, OpenTaskCount, ReviewTask
from approvals.models.working_calendar import clock_stopped, sla_light_expression, working_calendar
from approvals.selectors import policy
from approvals.selectors.tasks import (
    LIGHTS,
    QUEUE_PAGE_SIZE,
    QueueFilters,
    department_queue,
    queue_rows,
    queue_summary,
)
from approvals.services.supervision_rollup import open_task_counts_compact, open_task_counts_rebuild
from tests.factories import (
    ApplicationFactory,
    ClockPauseFactory,
    DepartmentFactory,
    OfficialFactory,
    ReviewTaskFactory,
    ServiceVersionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ["reviewer", "approver", "department_head"]
BUCKET = ("department_id", "role", "service_version_id", "due_on", "clock_stopped", "assigned")


def kept_counts() -> set[tuple]:
    rows = OpenTaskCount.objects.values(*BUCKET).annotate(n=Sum("tasks")).filter(n__gt=0)
    return {(*(r[c] for c in BUCKET), r["n"]) for r in rows.order_by()}


def counted() -> set[tuple]:
    rows = (
        ReviewTask.objects.filter(status="open")
        .values(
            "department_id",
            "role",
            "application__service_version_id",
            "due_on",
            stopped=clock_stopped(),
            assigned=Q(assignee__isnull=False),
        )
        .annotate(n=Count("pk"))
    )
    return {
        (
            row["department_id"],
            row["role"],
            row["application__service_version_id"],
            row["due_on"],
            bool(row["stopped"]),
            bool(row["assigned"]),
            row["n"],
        )
        for row in rows
    }


def lit(rows):
    """``rows`` with their SLA light today, as the pages derive it."""
    return rows.annotate(light=sla_light_expression(timezone.localdate()))


@pytest.fixture
def world():
    """Two departments, two services, officials in every kind of position, and 120 open and closed
    tasks spread over them at random (a fixed seed), some claimed, one application granted."""
    rng = random.Random(12)
    departments = [DepartmentFactory(), DepartmentFactory()]
    versions = [ServiceVersionFactory(published=True), ServiceVersionFactory(published=True)]
    applications = [
        ApplicationFactory(under_review=True, service_version=rng.choice(versions))
        for _ in range(30)
    ]
    reviewer = OfficialFactory(department=departments[0], role=OfficialRole.REVIEWER).user
    OfficialFactory(user=reviewer, department=departments[1], role=OfficialRole.APPROVER)
    head = OfficialFactory(department=departments[1], role=OfficialRole.DEPARTMENT_HEAD).user
    outsider = OfficialFactory(department=DepartmentFactory(), role=OfficialRole.REVIEWER).user
    assignees = [reviewer, head, outsider, UserFactory()]
    today = timezone.localdate()
    for _ in range(120):
        ReviewTaskFactory(
            application=rng.choice(applications),
            department=rng.choice(departments),
            role=rng.choice(ROLES),
            status=rng.choice(["open", "open", "open", "approved", "cancelled"]),
            light=rng.choice(["green"] * 6 + ["paused"]),  # "paused": its clock stopped too
            assignee=rng.choice([None, None, *assignees]),
            due_on=rng.choice([None, today + dt.timedelta(days=rng.randint(-9, 30))]),
        )
    granted = applications[0]
    from guardian.shortcuts import assign_perm

    assign_perm("approvals.view_application", outsider, granted)
    return {
        "reviewer": reviewer,
        "head": head,
        "outsider": outsider,
        "versions": versions,
        "departments": departments,
    }


def old_rule(user, filters: QueueFilters):
    """The queue as one ``OR`` over every rule, sorted in the database: what it always showed."""
    rows = ReviewTask.objects.filter(policy.official_task_visibility(user), status="open")
    if filters.service:
        rows = rows.filter(application__service_version__item__code=filters.service)
    if filters.light:
        rows = lit(rows).filter(light=filters.light)
    if filters.state == "mine":
        rows = rows.filter(assignee=user)
    elif filters.state == "unclaimed":
        rows = rows.filter(assignee__isnull=True)
    elif filters.state == "others":
        rows = rows.filter(assignee__isnull=False).exclude(assignee=user)
    if filters.due_from:
        rows = rows.filter(due_on__gte=filters.due_from)
    return list(rows.order_by("due_on", "pk").values_list("pk", flat=True))


@pytest.mark.parametrize("who", ["reviewer", "head", "outsider"])
def test_the_branches_show_what_the_rule_allows_in_the_same_order(world, who):
    user = world[who]
    code = world["versions"][0].item.code
    for filters in [
        QueueFilters(),
        QueueFilters(state="mine"),
        QueueFilters(state="unclaimed"),
        QueueFilters(state="others"),
        QueueFilters(light="red"),
        QueueFilters(light="yellow"),
        QueueFilters(light="paused"),
        QueueFilters(service=code, light="green"),
        QueueFilters(due_from=timezone.localdate()),
    ]:
        expected = old_rule(user, filters)
        rows = queue_rows(user, filters)
        assert rows.count() == len(expected), filters
        assert [task.pk for task in rows[0 : len(expected) + 5]] == expected, filters
        # any page is the same slice of it
        assert [task.pk for task in rows[3:7]] == expected[3:7], filters


@pytest.mark.parametrize("who", ["reviewer", "head", "outsider"])
def test_the_counts_and_services_are_those_of_the_visible_tasks(world, who):
    user = world[who]
    visible = ReviewTask.objects.filter(policy.official_task_visibility(user), status="open")

    queue = department_queue(user)

    assert queue.counts == {
        "total": visible.count(),
        "red": lit(visible).filter(light="red").count(),
        "yellow": lit(visible).filter(light="yellow").count(),
        "green": lit(visible).filter(light="green").count(),
        "paused": lit(visible).filter(light="paused").count(),
        "unclaimed": visible.filter(assignee__isnull=True).count(),
        "mine": visible.filter(assignee=user).count(),
        "others": visible.filter(assignee__isnull=False).exclude(assignee=user).count(),
    }
    # the service filter's choices come from the same statement as the counts
    summary = queue_summary(user)
    assert summary.counts == queue.counts
    assert summary.services == sorted(
        set(visible.values_list("application__service_version__item__code", flat=True))
    )


def test_the_counts_read_the_catalogue_only_for_the_pages_service_filter(world):
    """Only the queue page's filter needs the services' codes: a queue taken without the page's
    summary counts without joining the catalogue (its planning cost a few milliseconds at 1M)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = world["head"]
    with CaptureQueriesContext(connection) as plain:
        department_queue(user)
    with CaptureQueriesContext(connection) as for_the_page:
        summary = queue_summary(user)

    counts_sql = [q["sql"] for q in plain.captured_queries if "approvals_opentaskcount" in q["sql"]]
    assert len(counts_sql) == 1
    assert '"approvals_serviceitem"' not in counts_sql[0]
    # the due dates are grouped, and banded into lights outside the statement (sla_band_of)
    assert "CASE" not in counts_sql[0]
    assert any('"approvals_serviceitem"' in q["sql"] for q in for_the_page.captured_queries)
    assert summary.services


def test_the_counts_take_stopped_clocks_and_undated_tasks_seen_outside_the_pairs(world):
    """Claims outside the official's pairs and grants outside both are counted by band of due
    dates with their stopped clocks beside: a stopped clock is "paused" whatever its due date
    (none, overdue, far off), once, and a claim inside the pairs only as "mine"."""
    reviewer, outsider = world["reviewer"], world["outsider"]
    granted = ApplicationUserObjectPermission.objects.get(user=outsider).content_object
    stopped = ApplicationFactory(under_review=True)
    ClockPauseFactory(application=stopped, started_on=timezone.localdate(), ended_on=None)
    today = timezone.localdate()
    elsewhere = DepartmentFactory()
    for application, due_on, assignee in [
        (stopped, None, reviewer),  # claimed outside the pairs, clock stopped, no due date
        (stopped, today - dt.timedelta(days=3), reviewer),  # the same, overdue
        (stopped, today + dt.timedelta(days=40), outsider),  # claimed by the outsider
        (granted, None, None),  # granted to the outsider, undated, unclaimed
    ]:
        ReviewTaskFactory(
            application=application,
            department=elsewhere,
            role="reviewer",
            status="open",
            assignee=assignee,
            due_on=due_on,
        )
    for user in (reviewer, outsider):
        visible = lit(
            ReviewTask.objects.filter(policy.official_task_visibility(user), status="open")
        )

        counts = department_queue(user).counts

        assert counts == {
            "total": visible.count(),
            **{light: visible.filter(light=light).count() for light in LIGHTS},
            "unclaimed": visible.filter(assignee__isnull=True).count(),
            "mine": visible.filter(assignee=user).count(),
            "others": visible.filter(assignee__isnull=False).exclude(assignee=user).count(),
        }
    assert counts["paused"] >= 1


def test_a_granted_application_shows_its_tasks_to_an_outsider_once(world):
    outsider = world["outsider"]
    granted = ApplicationUserObjectPermission.objects.get(user=outsider).content_object

    shown = [task.pk for task in queue_rows(outsider, QueueFilters())[0:200]]

    assert len(shown) == len(set(shown))
    assert set(granted.tasks.filter(status="open").values_list("pk", flat=True)) <= set(shown)


def test_the_kept_counts_follow_every_kind_of_change(world):
    # given the tasks as the fixture wrote them
    assert kept_counts() == counted()
    tasks = list(ReviewTask.objects.order_by("pk"))
    rng = random.Random(7)
    other = DepartmentFactory()
    # when tasks are claimed, released, change due date, move, close, reopen and are deleted, one
    # by one and set-wise
    today = timezone.localdate()
    for task in rng.sample(tasks, 40):
        change = rng.choice(["claim", "release", "due", "close", "reopen", "move", "comment"])
        if change == "claim":
            task.assignee = world["reviewer"]
        elif change == "release":
            task.assignee = None
        elif change == "due":
            task.due_on = rng.choice([None, today + dt.timedelta(days=rng.randint(-9, 30))])
        elif change == "close":
            task.status = "approved"
        elif change == "reopen":
            task.status = "open"
        elif change == "move":
            task.department = other
        else:
            task.comment = "noted"
        task.save()
    ReviewTask.objects.filter(status="open", due_on__gte=today).update(due_on=today)
    ReviewTask.objects.filter(pk__in=[task.pk for task in tasks[:10]]).delete()
    # then the kept counts are still the counts
    assert kept_counts() == counted()


def test_compacting_or_rebuilding_the_ledger_keeps_the_counts(world):
    ReviewTask.objects.filter(status="open", due_on__isnull=False).update(
        due_on=timezone.localdate()
    )
    before = kept_counts()

    open_task_counts_compact()
    assert kept_counts() == before == counted()
    open_task_counts_rebuild()
    assert kept_counts() == before == counted()


def test_a_queue_page_reads_neither_the_answers_nor_the_service_texts(world):
    """The rows carry what the page and the API show; the widest columns stay in the database."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        page = department_queue(world["head"]).page
        shown = [
            (task.application.tracking_number, task.application.service_version.name)
            for task in page.object_list
        ]

    assert shown
    sql = " ".join(query["sql"] for query in captured.captured_queries)
    assert '"approvals_application"."data"' not in sql
    assert '"approvals_serviceversion"."form_schema"' not in sql
    assert '"approvals_serviceversion"."workflow_definition"' not in sql


@pytest.mark.parametrize(("who", "statements"), [("reviewer", 3), ("head", 4)])
def test_a_queue_page_is_read_in_a_fixed_few_statements(
    world, who, statements, django_assert_num_queries
):
    """Positions; one statement for the counts (the kept counts, the claims and the grants, as a
    union); one statement for the page's rows with what they show (their keys are a subquery of
    it); a head's members to assign to. Nothing per row: what the page and the API print is
    loaded with the rows. (The lights are read from the working-day calendar, which each process
    loads once.)"""
    working_calendar()
    with django_assert_num_queries(statements):
        queue = department_queue(world[who])
        shown = [
            (
                task.due_on,
                task.sla_light,
                task.revision,
                task.get_role_display(),
                task.application.tracking_number,
                task.application.status,
                task.application.decision_due_on,
                task.application.service_version.name,
                task.application.service_version.item.code,
                task.department.name,
                task.department.code,
                task.assignee.email if task.assignee else None,
            )
            for task in queue.page.object_list
        ]

    assert len(shown) == min(queue.counts["total"], 25)


# --- The statements compiled once per shape (approvals/db/statement_shapes.py) -------------------


@pytest.fixture
def one_pair(world):
    """Officials of one (department, role) pair each, as many as the outsider's: the outsider
    (claims, a grant), a reviewer of the first department and an approver of the second."""
    forget_shapes()
    departments = world["departments"]
    yield {
        "outsider": world["outsider"],
        "reviewer": OfficialFactory(department=departments[0], role=OfficialRole.REVIEWER).user,
        "approver": OfficialFactory(department=departments[1], role=OfficialRole.APPROVER).user,
    }
    forget_shapes()


def lit_counts(user, today=None) -> dict:
    """The queue's counts counted from the visible open tasks, lit as of ``today``."""
    visible = ReviewTask.objects.filter(policy.official_task_visibility(user), status="open")
    lights = dict(
        visible.annotate(light=sla_light_expression(today or timezone.localdate())).values_list(
            "pk", "light"
        )
    )
    return {
        "total": visible.count(),
        **{light: sum(shown == light for shown in lights.values()) for light in LIGHTS},
        "unclaimed": visible.filter(assignee__isnull=True).count(),
        "mine": visible.filter(assignee=user).count(),
        "others": visible.filter(assignee__isnull=False).exclude(assignee=user).count(),
    }


@pytest.fixture
def compilations(monkeypatch):
    """The models of the statements Django compiles (``SQLCompiler.as_sql`` called)."""
    calls = []
    as_sql = SQLCompiler.as_sql

    def counted(self, *args, **kwargs):
        calls.append(self.query.model.__name__)
        return as_sql(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counted)
    return calls


def test_a_second_official_of_the_same_kind_is_read_by_the_first_ones_statements(
    one_pair, compilations
):
    first, second = one_pair["outsider"], one_pair["reviewer"]
    department_queue(first)  # the shape's statements compiled (and checked) once
    compilations.clear()

    queue = department_queue(second)

    # then only the official's positions go through Django's compiler: the counts and the page
    # are the first official's statements, read with the second one's values
    assert compilations == ["OfficialPosition"]
    assert queue.counts == lit_counts(second)
    assert queue.page.paginator.count == queue.counts["total"]
    shown = [task.pk for task in queue.page.object_list]
    assert shown == old_rule(second, QueueFilters())[:QUEUE_PAGE_SIZE]
    lights = dict(lit(ReviewTask.objects.filter(pk__in=shown)).values_list("pk", "light"))
    assert [task.sla_light for task in queue.page.object_list] == [lights[pk] for pk in shown]


@pytest.mark.parametrize(
    "filters",
    [
        QueueFilters(),
        QueueFilters(state="mine"),
        QueueFilters(light="red"),
        QueueFilters(light="green"),
        QueueFilters(service="the first service"),
    ],
)
def test_each_official_sees_their_own_queue_whoever_was_read_first(one_pair, world, filters):
    if filters.service:
        filters.service = world["versions"][0].item.code
    for who in ["outsider", "reviewer", "approver", "outsider", "reviewer"]:
        user = one_pair[who]
        expected = old_rule(user, filters)

        rows = queue_rows(user, filters)

        assert [task.pk for task in rows[0:200]] == expected, who
        assert [task.pk for task in rows[2:5]] == expected[2:5], who
        assert department_queue(user).counts == lit_counts(user), who


def test_a_reused_statement_lights_the_rows_of_the_day_it_is_read(one_pair, monkeypatch):
    """Today's bands of due dates are part of a shape: the next days' queue is not read with
    the dates of the day before."""
    department_queue(one_pair["outsider"])
    later = timezone.localdate() + dt.timedelta(days=20)
    monkeypatch.setattr("approvals.selectors.tasks.china_today", lambda: later)
    second = one_pair["reviewer"]

    queue = department_queue(second)

    assert queue.counts == lit_counts(second, today=later)
    shown = [task.pk for task in queue.page.object_list]
    rows = ReviewTask.objects.filter(pk__in=shown)
    lights = dict(rows.annotate(light=sla_light_expression(later)).values_list("pk", "light"))
    assert [task.sla_light for task in queue.page.object_list] == [lights[pk] for pk in shown]
