"""Reads for service evaluation (好差评): the public satisfaction rates, and the rectification
tasks of bad ratings for department heads and the supervision dashboard. A fixed number of
queries each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from approvals import policy
from approvals.calendar import sla_light_for
from approvals.models import RectificationStatus, RectificationTask, ServiceRating
from approvals.selectors.supervision import Period, localized_name, statistics


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
    decisions made on time. Counts only — no application, applicant or comment."""
    ratings = {
        row["department_id"]: row
        for row in ServiceRating.objects.filter(
            created_at__date__gte=period.start, created_at__date__lte=period.end
        )
        .values("department_id", "department__name_zh", "department__name_en")
        .annotate(n=Count("pk"), satisfied=Count("pk", filter=Q(grade__gte=4)))
        .order_by()
    }
    stats = {row.key: row for row in statistics(period).by_department}
    rows = []
    for department_id in set(ratings) | {key for key, row in stats.items() if row.decided}:
        rating = ratings.get(department_id)
        stat = stats.get(department_id)
        name = (
            localized_name(rating["department__name_zh"], rating["department__name_en"])
            if rating
            else stat.name
        )
        rows.append(
            SatisfactionRow(
                name=name,
                ratings=rating["n"] if rating else 0,
                satisfied=rating["satisfied"] if rating else 0,
                decided=stat.decided if stat else 0,
                on_time_rate=stat.on_time_rate if stat else None,
            )
        )
    return sorted(rows, key=lambda r: r.name)


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
    return _with_lights(tasks[:limit], today or timezone.localdate())


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
    return _with_lights(tasks, today or timezone.localdate())


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
