"""The straightforward aggregates the supervision dashboard showed before issue 12, counted from
the rows themselves, and the figures the dashboard shows now, to compare: the statistics of a
period and the running tasks by light (test_dashboard_scale.py, and the deadlines' set-based
catch-up)."""

import datetime as dt
from collections import Counter

from django.db.models import Count, F, Q
from django.utils import timezone, translation

from approvals.domain.working_days import CalendarNotCovered, SlaLight
from approvals.models import Application, ApplicationStatus, ReviewTask, TaskStatus
from approvals.models.working_calendar import sla_light_expression, working_calendar
from approvals.selectors.supervision import (
    APPROVED,
    DECIDED,
    LIGHTS,
    Period,
    running_tasks_by_light,
    statistics,
)

TODAY = dt.date(2026, 6, 15)  # the suite's fixed day (tests/conftest.py)
D = dt.timedelta


def _in(period: Period, column: str) -> Q:
    return Q(**{f"{column}__gte": period.start, f"{column}__lte": period.end})


def reference_statistics(period: Period) -> dict:
    """Per department, per service and in total: (received, accepted, approved, denied, on
    time, timed, sorted working days), from one scan of the applications and each decided
    application's working days, as the selector computed them before the roll-up."""
    decided_in = _in(period, "decided_on")
    rows = (
        Application.objects.filter(
            _in(period, "received_on") | _in(period, "accepted_on") | decided_in
        )
        .values("service_version__item_id", "service_version__item__department_id")
        .annotate(
            received=Count("pk", filter=_in(period, "received_on")),
            accepted=Count("pk", filter=_in(period, "accepted_on")),
            approved=Count("pk", filter=decided_in & Q(status__in=APPROVED)),
            denied=Count("pk", filter=decided_in & Q(status=ApplicationStatus.DENIED)),
            on_time=Count(
                "pk",
                filter=decided_in
                & Q(status__in=DECIDED, decision_due_on__isnull=False)
                & Q(decided_on__lte=F("decision_due_on")),
            ),
            timed=Count(
                "pk", filter=decided_in & Q(status__in=DECIDED, decision_due_on__isnull=False)
            ),
        )
        .order_by()
    )
    names = ("received", "accepted", "approved", "denied", "on_time", "timed")
    result = {"departments": {}, "services": {}, "total": [0] * 6 + [[]]}
    department_of = {}
    for row in rows:
        item, department = (
            row["service_version__item_id"],
            row["service_version__item__department_id"],
        )
        department_of[item] = department
        for target in (
            result["departments"].setdefault(department, [0] * 6 + [[]]),
            result["services"].setdefault(item, [0] * 6 + [[]]),
            result["total"],
        ):
            for index, name in enumerate(names):
                target[index] += row[name]
    calendar = working_calendar()
    decided = Application.objects.filter(
        decided_in, status__in=DECIDED, accepted_on__isnull=False
    ).values_list("service_version__item_id", "accepted_on", "decided_on")
    for item, accepted_on, decided_on in decided:
        try:
            days = calendar.working_days_between(accepted_on, decided_on)
        except CalendarNotCovered:
            continue
        for target in (
            result["services"][item],
            result["departments"][department_of[item]],
            result["total"],
        ):
            target[6].append(days)
    freeze = lambda figures: (*figures[:6], sorted(figures[6]))  # noqa: E731
    return {
        "departments": {key: freeze(v) for key, v in result["departments"].items()},
        "services": {key: freeze(v) for key, v in result["services"].items()},
        "total": freeze(result["total"]),
    }


def shown_statistics(period: Period) -> dict:
    stats = statistics(period)

    def freeze(row):
        figures = (row.received, row.accepted, row.approved, row.denied, row.on_time, row.timed)
        return (*figures, sorted(row.durations.elements()))

    return {
        "departments": {row.key: freeze(row) for row in stats.by_department},
        "services": {row.key: freeze(row) for row in stats.by_service},
        "total": freeze(stats.total),
    }


def reference_running() -> dict:
    """Open tasks per department and per service item by light (a task without one, with no due
    date, is green), counted from the tasks themselves with their light derived as the pages do."""
    result = {"departments": Counter(), "services": Counter()}
    rows = (
        ReviewTask.objects.filter(status=TaskStatus.OPEN)
        .annotate(light=sla_light_expression(timezone.localdate()))
        .values("department_id", "application__service_version__item_id", "light")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        light = row["light"] if row["light"] in LIGHTS else SlaLight.GREEN
        result["departments"][(row["department_id"], light)] += row["n"]
        result["services"][(row["application__service_version__item_id"], light)] += row["n"]
    return result


def shown_running() -> dict:
    running = running_tasks_by_light()
    result = {"departments": Counter(), "services": Counter()}
    for kind, rows in (("departments", running.by_department), ("services", running.by_service)):
        for row in rows:
            for light in LIGHTS:
                if getattr(row, light):
                    result[kind][(row.key, light)] += getattr(row, light)
    return result


PERIODS = [
    Period.ending(TODAY),  # the dashboard's default
    Period(TODAY - D(days=80), TODAY),
    Period(TODAY - D(days=10), TODAY - D(days=10)),
    Period(TODAY, TODAY),
    Period(TODAY - D(days=45), TODAY - D(days=5)),
    Period(dt.date(2003, 11, 1), TODAY + D(days=3)),
]


def assert_same_statistics() -> None:
    with translation.override("en"):
        for period in PERIODS:
            assert shown_statistics(period) == reference_statistics(period), period
