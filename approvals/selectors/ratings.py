"""Reads for service evaluation (好差评): the public satisfaction rates, and the rectification
tasks of bad ratings for department heads and the supervision dashboard. A fixed number of
queries each."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import Http404

from accounts.models import Department, User
from approvals.domain.china_time import china_today
from approvals.models import RectificationStatus, RectificationTask, StatisticsRatingDay
from approvals.models.working_calendar import calendar_key, sla_light_for, working_calendar
from approvals.selectors import policy
from approvals.selectors.supervision import (
    Period,
    day_ratings,
    days_q,
    localized_name,
    rolled_days,
    statistics,
)


@dataclass
class SatisfactionRow:
    name: str
    ratings: int
    satisfied: int
    decided: int
    on_time_rate: float | None  # as the supervision statistics count it (StatRow.on_time_rate)

    @property
    def satisfaction_rate(self) -> float | None:
        return self.satisfied / self.ratings if self.ratings else None


def satisfaction_by_department(period: Period) -> list[SatisfactionRow]:
    """For the public page: per department, the share of ratings of 4 or 5 and the share of
    decisions made on time. Counts only — no application, applicant or comment. Ratings come
    from the rolled-up days and, for the days not rolled up yet, from the ratings themselves
    (as the statistics do, ``approvals.selectors.supervision``)."""
    rolled = rolled_days(period, china_today(), calendar_key(working_calendar()))
    live = [day for day in period.days() if day not in rolled]
    ratings: dict[int, dict[str, int]] = defaultdict(lambda: {"ratings": 0, "satisfied": 0})
    if rolled:
        sums = (
            StatisticsRatingDay.objects.filter(days_q("day", rolled))
            .values("department_id")
            .annotate(ratings=Sum("ratings"), satisfied=Sum("satisfied"))
            .order_by()
        )
        for row in sums:
            for name in ("ratings", "satisfied"):
                ratings[row["department_id"]][name] += row[name]
    for (_day, department_id), counts in day_ratings(live).items():
        for name in ("ratings", "satisfied"):
            ratings[department_id][name] += counts[name]
    rated = {department_id for department_id, row in ratings.items() if row["ratings"]}
    names = {
        row["pk"]: localized_name(row["name_zh"], row["name_en"])
        for row in Department.objects.filter(pk__in=rated).values("pk", "name_zh", "name_en")
    }
    stats = {row.key: row for row in statistics(period).by_department}
    rows = []
    for department_id in rated | {key for key, row in stats.items() if row.decided}:
        stat = stats.get(department_id)
        rows.append(
            SatisfactionRow(
                name=names[department_id] if department_id in rated else stat.name,
                ratings=ratings[department_id]["ratings"] if department_id in rated else 0,
                satisfied=ratings[department_id]["satisfied"] if department_id in rated else 0,
                decided=stat.decided if stat else 0,
                on_time_rate=stat.on_time_rate if stat else None,
            )
        )
    return sorted(rows, key=lambda r: (r.name, r.ratings))


@dataclass
class RectificationRow:
    task: RectificationTask
    light: str


def _with_lights(tasks, today: dt.date) -> list[RectificationRow]:
    rows = []
    for task in tasks:
        light = sla_light_for(today, task.due_on) if task.status == RectificationStatus.OPEN else ""
        rows.append(RectificationRow(task, light))
    return rows


def _rectifications():
    return RectificationTask.objects.select_related(
        "department", "rating__application__service_version", "done_by"
    ).defer(
        # Not shown, and large: the form data and the service definition.
        "rating__application__data",
        "rating__application__service_version__form_schema",
        "rating__application__service_version__workflow_definition",
    )


# The dashboard shows the first ones; the administration lists them all.
RECTIFICATION_LIST_LIMIT = 50


def open_rectifications(
    today: dt.date | None = None, limit: int = RECTIFICATION_LIST_LIMIT
) -> list[RectificationRow]:
    """For the supervision dashboard: the first ``limit`` open rectifications, the earliest due
    first (a walk of the ``rectification_open_due`` index)."""
    tasks = _rectifications().filter(status=RectificationStatus.OPEN).order_by("due_on", "pk")
    return _with_lights(tasks[:limit], today or china_today())


def rectifications_for_head(user: User, today: dt.date | None = None) -> list[RectificationRow]:
    """The rectifications of the departments ``user`` heads: open ones first, then the 50 most
    recently done."""
    departments = (
        policy.active_positions(user).filter(role="department_head").values("department_id")
    )
    mine = _rectifications().filter(department_id__in=departments)
    tasks = list(mine.filter(status=RectificationStatus.OPEN).order_by("due_on", "pk")) + list(
        mine.filter(status=RectificationStatus.DONE).order_by("-done_at")[:50]
    )
    return _with_lights(tasks, today or china_today())


def get_rectification_for_head(user: User, pk: int) -> RectificationTask:
    """The rectification ``pk`` if ``user`` heads its department; ``Http404`` otherwise."""
    task = _rectifications().filter(pk=pk).first()
    if task is None:
        raise Http404
    try:
        policy.require_department_head(user, task.department)
    except PermissionDenied:
        raise Http404 from None
    return task
