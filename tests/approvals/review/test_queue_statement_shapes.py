"""The queue's statements are compiled once per shape (approvals/db/statement_shapes.py): a second
official of the same kind is read by the first one's SQL with their own values, and sees their own
tasks, counts and lights, never the first one's."""

import datetime as dt
import random

import pytest
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from accounts.models import OfficialRole
from approvals.db.statement_shapes import forget_shapes
from approvals.models import ReviewTask
from approvals.models.working_calendar import sla_light_expression
from approvals.selectors import policy
from approvals.selectors.tasks import (
    LIGHTS,
    QUEUE_PAGE_SIZE,
    QueueFilters,
    department_queue,
    queue_rows,
)
from tests.factories import (
    ApplicationFactory,
    DepartmentFactory,
    OfficialFactory,
    ReviewTaskFactory,
    ServiceVersionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def officials():
    """Three officials of one pair each (two reviewers of two departments, an approver of the
    first), 90 open and closed tasks over both departments and roles at random, claims by each
    (some outside their pair) and an application granted to the second reviewer."""
    forget_shapes()
    rng = random.Random(21)
    departments = [DepartmentFactory(), DepartmentFactory()]
    versions = [ServiceVersionFactory(published=True), ServiceVersionFactory(published=True)]
    applications = [
        ApplicationFactory(under_review=True, service_version=rng.choice(versions))
        for _ in range(20)
    ]
    first = OfficialFactory(department=departments[0], role=OfficialRole.REVIEWER).user
    second = OfficialFactory(department=departments[1], role=OfficialRole.REVIEWER).user
    approver = OfficialFactory(department=departments[0], role=OfficialRole.APPROVER).user
    today = timezone.localdate()
    for _ in range(90):
        ReviewTaskFactory(
            application=rng.choice(applications),
            department=rng.choice(departments),
            role=rng.choice(["reviewer", "approver"]),
            status=rng.choice(["open", "open", "open", "approved"]),
            assignee=rng.choice([None, None, first, second, approver]),
            due_on=rng.choice([None, today + dt.timedelta(days=rng.randint(-9, 30))]),
        )
    from guardian.shortcuts import assign_perm

    assign_perm("approvals.view_application", second, applications[0])
    yield {"first": first, "second": second, "approver": approver, "versions": versions}
    forget_shapes()


def visible(user, *, today=None):
    rows = ReviewTask.objects.filter(policy.official_task_visibility(user), status="open")
    return rows.annotate(light=sla_light_expression(today or timezone.localdate()))


def expected_page(user, filters: QueueFilters) -> list[int]:
    rows = visible(user)
    if filters.state == "mine":
        rows = rows.filter(assignee=user)
    if filters.service:
        rows = rows.filter(application__service_version__item__code=filters.service)
    if filters.light:
        rows = rows.filter(light=filters.light)
    return list(rows.order_by("due_on", "pk").values_list("pk", flat=True))


def expected_counts(user) -> dict:
    rows = visible(user)
    return {
        "total": rows.count(),
        **{light: rows.filter(light=light).count() for light in LIGHTS},
        "unclaimed": rows.filter(assignee__isnull=True).count(),
        "mine": rows.filter(assignee=user).count(),
        "others": rows.filter(assignee__isnull=False).exclude(assignee=user).count(),
    }


@pytest.fixture
def compilations(monkeypatch):
    """How many statements Django compiles (``SQLCompiler.as_sql`` called from outside)."""
    calls = []
    as_sql = SQLCompiler.as_sql

    def counted(self, *args, **kwargs):
        calls.append(self.query.model)
        return as_sql(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counted)
    return calls


def test_a_second_official_of_the_same_kind_is_read_by_the_first_ones_statements(
    officials, compilations
):
    first, second = officials["first"], officials["second"]
    department_queue(first)  # the shape's statements compiled (and checked) once
    compilations.clear()

    queue = department_queue(second)

    # then only the official's positions are read through Django's compiler: the counts and the
    # page come from the first official's statements, with the second one's values
    assert [model.__name__ for model in compilations] == ["OfficialPosition"]
    assert queue.counts == expected_counts(second)
    assert queue.page.paginator.count == expected_counts(second)["total"]
    first_page = expected_page(second, QueueFilters())[:QUEUE_PAGE_SIZE]
    assert [task.pk for task in queue.page.object_list] == first_page
    lights = dict(visible(second).values_list("pk", "light"))
    assert all(task.sla_light == lights[task.pk] for task in queue.page.object_list)


@pytest.mark.parametrize(
    "filters",
    [
        QueueFilters(),
        QueueFilters(state="mine"),
        QueueFilters(light="red"),
        QueueFilters(light="green"),
        QueueFilters(service="first-service"),
    ],
)
def test_each_official_sees_their_own_queue_whoever_was_read_first(officials, filters):
    if filters.service:
        filters.service = officials["versions"][0].item.code
    for who in ["first", "second", "approver", "first", "second"]:
        user = officials[who]

        rows = queue_rows(user, filters)
        shown = [task.pk for task in rows[0:200]]

        assert shown == expected_page(user, filters), who
        assert [task.pk for task in rows[2:5]] == expected_page(user, filters)[2:5], who
        assert department_queue(user).counts == expected_counts(user), who


def test_a_reused_statement_lights_the_rows_of_the_day_it_is_read(officials, monkeypatch):
    """Today's bands of due dates are part of a shape: the next day's queue is not read with
    the dates of the day before."""
    first, second = officials["first"], officials["second"]
    department_queue(first)
    later = timezone.localdate() + dt.timedelta(days=20)
    monkeypatch.setattr("approvals.selectors.tasks.china_today", lambda: later)

    queue = department_queue(second)

    lights = dict(visible(second, today=later).values_list("pk", "light"))
    assert queue.counts["red"] == sum(light == "red" for light in lights.values())
    assert [task.sla_light for task in queue.page.object_list] == [
        lights[task.pk] for task in queue.page.object_list
    ]
