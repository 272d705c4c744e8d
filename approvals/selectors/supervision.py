"""Reads for electronic supervision (电子监察) and the public satisfaction page.

Every function runs a fixed number of queries whatever the number of applications: counts are
grouped aggregates in the database; only the working days of the period's decided applications
(for the average and the 90th percentile) are read row by row, as two dates each.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.utils import timezone, translation

from approvals.calendar import working_calendar
from approvals.domain.working_days import CalendarNotCovered, SlaLight
from approvals.models import (
    Application,
    ApplicationStatus,
    ReviewTask,
    SupervisionCard,
    TaskStatus,
)

DEFAULT_PERIOD_DAYS = 30
APPROVED = (ApplicationStatus.APPROVED, ApplicationStatus.LICENCE_ISSUED, ApplicationStatus.CLOSED)
DECIDED = (*APPROVED, ApplicationStatus.DENIED)
LIGHTS = (SlaLight.GREEN, SlaLight.YELLOW, SlaLight.RED)
CARD_LIST_LIMIT = 200


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # included

    @classmethod
    def ending(cls, today: dt.date | None = None, days: int = DEFAULT_PERIOD_DAYS) -> Period:
        today = today or timezone.localdate()
        return cls(today - dt.timedelta(days=days), today)


def localized_name(zh: str, en: str) -> str:
    """The Chinese or English name, by the active language; the other one where it is missing
    (as the catalogue's bilingual names do)."""
    if (translation.get_language() or "").startswith("zh"):
        return zh or en
    return en or zh


# --- Running tasks by SLA light -------------------------------------------------------------


@dataclass
class LightRow:
    key: int
    name: str
    green: int = 0
    yellow: int = 0
    red: int = 0

    @property
    def total(self) -> int:
        return self.green + self.yellow + self.red


@dataclass
class RunningTasks:
    by_department: list[LightRow]
    by_service: list[LightRow]


def running_tasks_by_light() -> RunningTasks:
    """Open review tasks by SLA light, per department and per service (one grouped query)."""
    rows = (
        ReviewTask.objects.filter(status=TaskStatus.OPEN)
        .values(
            "department_id",
            "department__name_zh",
            "department__name_en",
            "application__service_version__item_id",
            "application__service_version__item__code",
            "application__service_version__name_zh",
            "application__service_version__name_en",
            "sla_light",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    departments: dict[int, LightRow] = {}
    services: dict[int, LightRow] = {}
    for row in rows:
        # A task the sweep has not lit yet (or whose clock is paused) counts as green.
        light = row["sla_light"] if row["sla_light"] in LIGHTS else SlaLight.GREEN
        department = departments.setdefault(
            row["department_id"],
            LightRow(
                row["department_id"],
                localized_name(row["department__name_zh"], row["department__name_en"]),
            ),
        )
        item_id = row["application__service_version__item_id"]
        service = services.setdefault(
            item_id,
            LightRow(
                item_id,
                localized_name(
                    row["application__service_version__name_zh"],
                    row["application__service_version__name_en"],
                ),
            ),
        )
        for target in (department, service):
            setattr(target, light, getattr(target, light) + row["n"])
    return RunningTasks(
        by_department=sorted(departments.values(), key=lambda r: (-r.red, -r.yellow, r.name)),
        by_service=sorted(services.values(), key=lambda r: (-r.red, -r.yellow, r.name)),
    )


def overdue_cards(limit: int = CARD_LIST_LIMIT) -> list[SupervisionCard]:
    """Cards of work still running (the task open, or the application still at the window),
    red before yellow, newest first."""
    return list(
        SupervisionCard.objects.filter(
            Q(task__status=TaskStatus.OPEN)
            | Q(task__isnull=True, application__status=ApplicationStatus.SUBMITTED)
        )
        .select_related("application__service_version__item", "department", "task")
        .order_by("colour", "-issued_on", "-pk")[:limit]  # "red" sorts before "yellow"
    )


# --- Statistics per department and per service ------------------------------------------------


@dataclass
class StatRow:
    key: int
    name: str
    received: int = 0
    accepted: int = 0
    approved: int = 0
    denied: int = 0
    on_time: int = 0
    # Decided with a known statutory due date: the on-time rate's denominator (a due date still
    # unknown at the calendar's end is neither on time nor late).
    timed: int = 0
    working_days: list[int] = field(default_factory=list)

    @property
    def decided(self) -> int:
        return self.approved + self.denied

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.timed if self.timed else None

    @property
    def average_days(self) -> float | None:
        return sum(self.working_days) / len(self.working_days) if self.working_days else None

    @property
    def p90_days(self) -> int | None:
        return percentile(self.working_days, 90)


def percentile(values: list[int], pct: int) -> int | None:
    """Nearest-rank percentile: the smallest value with at least ``pct`` % of values at or
    below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


@dataclass
class Statistics:
    period: Period
    by_department: list[StatRow]
    by_service: list[StatRow]
    total: StatRow


def _in(period: Period, column: str) -> Q:
    return Q(**{f"{column}__gte": period.start, f"{column}__lte": period.end})


def statistics(period: Period) -> Statistics:
    """Received, accepted, approved, denied, on time (decided by the statutory due date), and
    the working days from acceptance to decision (average, 90th percentile), for the period."""
    decided_in = _in(period, "decided_on")
    counts = (
        Application.objects.filter(
            _in(period, "received_on") | _in(period, "accepted_on") | decided_in
        )
        .values(
            "service_version__item_id",
            "service_version__item__department_id",
            "service_version__item__department__name_zh",
            "service_version__item__department__name_en",
            "service_version__name_zh",
            "service_version__name_en",
        )
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
    departments: dict[int, StatRow] = {}
    services: dict[int, StatRow] = {}
    total = StatRow(0, "")
    service_department: dict[int, int] = {}
    for row in counts:
        department_id = row["service_version__item__department_id"]
        item_id = row["service_version__item_id"]
        service_department[item_id] = department_id
        targets = (
            departments.setdefault(
                department_id,
                StatRow(
                    department_id,
                    localized_name(
                        row["service_version__item__department__name_zh"],
                        row["service_version__item__department__name_en"],
                    ),
                ),
            ),
            services.setdefault(
                item_id,
                StatRow(
                    item_id,
                    localized_name(
                        row["service_version__name_zh"], row["service_version__name_en"]
                    ),
                ),
            ),
            total,
        )
        for target in targets:
            for name in ("received", "accepted", "approved", "denied", "on_time", "timed"):
                setattr(target, name, getattr(target, name) + row[name])
    calendar = working_calendar()
    decided = Application.objects.filter(
        decided_in, status__in=DECIDED, accepted_on__isnull=False
    ).values_list("service_version__item_id", "accepted_on", "decided_on")
    for item_id, accepted_on, decided_on in decided:
        try:
            days = calendar.working_days_between(accepted_on, decided_on)
        except CalendarNotCovered:
            continue
        for target in (
            services.get(item_id),
            departments.get(service_department.get(item_id)),
            total,
        ):
            if target is not None:
                target.working_days.append(days)
    by_name = lambda rows: sorted(rows, key=lambda r: r.name)  # noqa: E731
    return Statistics(
        period=period,
        by_department=by_name(departments.values()),
        by_service=by_name(services.values()),
        total=total,
    )
