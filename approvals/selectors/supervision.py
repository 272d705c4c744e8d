"""Reads for electronic supervision (电子监察) and the public satisfaction page.

Every function runs a fixed number of queries, and reads a number of rows that does not grow with
the history (issue 12):

- running tasks by light sum the open-task ledger (``OpenTaskCount``, kept by triggers: a few rows
  per department, service and due date) over each light's band of due dates, never the tasks
  themselves;
- the statistics of a period add up the rolled-up days (``StatisticsDay``: one row per day and
  service version; ``StatisticsDuration``: a histogram of working days per day and service
  version, from which the average and the 90th percentile are exact), and count live, from the
  applications by their date indexes, only the days not rolled up yet: today, a day changed
  since its roll-up, every day under another working-day calendar. ``day_figures`` and
  ``day_durations`` are the one definition of the figures, for the live days and the roll-up
  (``approvals.services.statistics_rollup``) alike;
- ratings per department (for the public satisfaction page) come the same way, from
  ``StatisticsRatingDay`` and ``day_ratings``;
- the card and rectification lists are the first ``limit`` rows of an index.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial, reduce
from operator import or_

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone, translation

from approvals.domain.china_time import china_today
from approvals.domain.working_days import SlaLight, WorkingCalendar
from approvals.models import (
    Application,
    ApplicationStatus,
    CommitmentStatus,
    OpenTaskCount,
    ServiceRating,
    ServiceVersion,
    StatisticsChange,
    StatisticsDay,
    StatisticsDuration,
    StatisticsRolledDay,
    SupervisionCard,
    TaskStatus,
)
from approvals.models.working_calendar import calendar_key, sla_light_sums, working_calendar

DEFAULT_PERIOD_DAYS = 30
APPROVED = (ApplicationStatus.APPROVED, ApplicationStatus.LICENCE_ISSUED, ApplicationStatus.CLOSED)
DECIDED = (*APPROVED, ApplicationStatus.DENIED)
LIGHTS = (SlaLight.GREEN, SlaLight.YELLOW, SlaLight.RED, SlaLight.PAUSED)
# The dashboard shows the first cards; the administration lists them all.
CARD_LIST_LIMIT = 50
ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # included

    @classmethod
    def ending(cls, today: dt.date | None = None, days: int = DEFAULT_PERIOD_DAYS) -> Period:
        today = today or china_today()
        return cls(today - dt.timedelta(days=days), today)

    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=n) for n in range((self.end - self.start).days + 1)]


def localized_name(zh: str, en: str) -> str:
    """The Chinese or English name, by the active language; the other one where it is missing
    (as the catalogue's bilingual names do)."""
    if (translation.get_language() or "").startswith("zh"):
        return zh or en
    return en or zh


def days_q(column: str, days: Iterable[dt.date]) -> Q:
    """``column`` on one of ``days``, as date ranges (one per run of consecutive days), which an
    index on the column answers with a range scan each."""
    runs: list[list[dt.date]] = []
    for day in sorted(set(days)):
        if runs and day == runs[-1][1] + ONE_DAY:
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return reduce(or_, (Q(**{f"{column}__range": (a, b)}) for a, b in runs))


def times_q(column: str, days: Iterable[dt.date]) -> Q:
    """A timestamp ``column`` on one of ``days`` (local dates): a range of instants per run of
    consecutive days, from local midnight to local midnight, which an index answers directly
    (``column__date`` would convert every row)."""
    runs: list[list[dt.date]] = []
    for day in sorted(set(days)):
        if runs and day == runs[-1][1] + ONE_DAY:
            runs[-1][1] = day
        else:
            runs.append([day, day])
    midnight = lambda day: timezone.make_aware(dt.datetime.combine(day, dt.time.min))  # noqa: E731
    return reduce(
        or_,
        (
            Q(**{f"{column}__gte": midnight(a), f"{column}__lt": midnight(b + ONE_DAY)})
            for a, b in runs
        ),
    )


# --- Running tasks by SLA light -------------------------------------------------------------


@dataclass
class LightRow:
    key: int
    name: str
    green: int = 0
    yellow: int = 0
    red: int = 0
    paused: int = 0  # the clock is stopped (Art. 45)

    @property
    def total(self) -> int:
        return self.green + self.yellow + self.red + self.paused


@dataclass
class RunningTasks:
    by_department: list[LightRow]
    by_service: list[LightRow]


def ledger_light_sums(today: dt.date) -> dict:
    """The open tasks of each light in a group of ledger rows (``OpenTaskCount``,
    ``OfficialTaskCount``): sums over the light's band of due dates."""
    return sla_light_sums(today, partial(Sum, "tasks"), paused=Q(clock_stopped=True))


def add_lights(target, row: dict) -> None:
    """Add a ledger group's ``n`` tasks to ``target``'s light counts, by ``ledger_light_sums``;
    what is in no band (no due date yet, or past the calendar) counts as green."""
    lit = 0
    for light in LIGHTS:
        if light != SlaLight.GREEN:
            setattr(target, light, getattr(target, light) + row[light])
            lit += row[light]
    target.green += row["n"] - lit


def running_tasks_by_light() -> RunningTasks:
    """Open review tasks by SLA light, per department and per service: one grouped query over the
    open-task ledger, its lights summed over their bands of due dates. A paused clock has its own
    column; a task without a light (no due date yet, or one past the calendar) counts as green."""
    rows = (
        OpenTaskCount.objects.values(
            "department_id",
            "department__name_zh",
            "department__name_en",
            "service_version_id",
            "service_version__item_id",
            "service_version__name_zh",
            "service_version__name_en",
        )
        .annotate(n=Sum("tasks"), **ledger_light_sums(china_today()))
        .filter(n__gt=0)
        .order_by()
    )
    departments: dict[int, LightRow] = {}
    services: dict[int, LightRow] = {}
    # A service is named after its newest version that has running tasks.
    for row in sorted(rows, key=lambda r: -r["service_version_id"]):
        department = departments.setdefault(
            row["department_id"],
            LightRow(
                row["department_id"],
                localized_name(row["department__name_zh"], row["department__name_en"]),
            ),
        )
        item_id = row["service_version__item_id"]
        service = services.setdefault(
            item_id,
            LightRow(
                item_id,
                localized_name(row["service_version__name_zh"], row["service_version__name_en"]),
            ),
        )
        for target in (department, service):
            add_lights(target, row)
    order = lambda r: (-r.red, -r.yellow, r.name, r.key)  # noqa: E731
    return RunningTasks(
        by_department=sorted(departments.values(), key=order),
        by_service=sorted(services.values(), key=order),
    )


def overdue_cards(limit: int = CARD_LIST_LIMIT) -> list[SupervisionCard]:
    """Cards of work still running (the task open, the application still at the window, or the
    pledge still awaiting its verification after the licence), red before yellow, newest
    first: the first ``limit``.

    Three branches, each walking a card index in that order and stopping at ``limit`` (an OR
    across the task, the application and the commitment would make PostgreSQL read every
    card)."""
    cards = (
        SupervisionCard.objects.select_related(
            "application__service_version", "department", "task", "commitment"
        )
        # What the list shows, not the form data and service definitions beside it.
        .only(
            "colour",
            "issued_on",
            "department__name_zh",
            "department__name_en",
            "application__tracking_number",
            "application__intake_due_on",
            "application__service_version__name_zh",
            "application__service_version__name_en",
            "task__due_on",
            "commitment__verification_due_on",
        )
        .order_by("colour", "-issued_on", "-pk")  # "red" sorts before "yellow"
    )
    branches = (
        cards.filter(task__status=TaskStatus.OPEN),
        cards.filter(task__isnull=True, application__status=ApplicationStatus.SUBMITTED),
        cards.filter(commitment__isnull=False, commitment__status=CommitmentStatus.VERIFYING),
    )
    merged = [card for branch in branches for card in branch[:limit]]
    merged.sort(key=lambda card: (card.colour, -card.issued_on.toordinal(), -card.pk))
    return merged[:limit]


# --- Statistics per department and per service ------------------------------------------------

FIGURES = ("received", "accepted", "decided", "approved", "denied", "on_time", "timed")


def day_figures(days: Iterable[dt.date]) -> dict[tuple[dt.date, int], dict[str, int]]:
    """Per (day, service version): applications received, accepted and decided that day (each by
    its own date), approved and denied among those decided (by their status now), decided by the
    statutory due date (``on_time``) and decided with a known due date (``timed``: a due date still
    unknown at the calendar's end is neither on time nor late). Three grouped range scans of the
    date indexes."""
    days = list(days)
    figures: dict[tuple[dt.date, int], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(FIGURES, 0)
    )
    if not days:
        return {}
    for column, name in (("received_on", "received"), ("accepted_on", "accepted")):
        rows = (
            Application.objects.filter(days_q(column, days))
            .values_list(column, "service_version_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for day, version_id, n in rows:
            figures[(day, version_id)][name] = n
    timed = Q(status__in=DECIDED, decision_due_on__isnull=False)
    decided = (
        Application.objects.filter(days_q("decided_on", days))
        .values("decided_on", "service_version_id")
        .annotate(
            decided=Count("pk"),
            approved=Count("pk", filter=Q(status__in=APPROVED)),
            denied=Count("pk", filter=Q(status=ApplicationStatus.DENIED)),
            on_time=Count("pk", filter=timed & Q(decided_on__lte=F("decision_due_on"))),
            timed=Count("pk", filter=timed),
        )
        .order_by()
    )
    for row in decided:
        target = figures[(row["decided_on"], row["service_version_id"])]
        for name in ("decided", "approved", "denied", "on_time", "timed"):
            target[name] = row[name]
    return dict(figures)


def day_durations(
    days: Iterable[dt.date], calendar: WorkingCalendar
) -> dict[tuple[dt.date, int, int], int]:
    """Per (day, service version, working days): how many applications decided that day took
    that many working days from acceptance to decision (the day of acceptance not counted).
    Dates the calendar does not cover are left out. One grouped query: a row per distinct
    (acceptance day, decision day) pair, not per application."""
    days = list(days)
    if not days:
        return {}
    rows = (
        Application.objects.filter(
            days_q("decided_on", days), status__in=DECIDED, accepted_on__isnull=False
        )
        .values_list("decided_on", "service_version_id", "accepted_on")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = list(rows)
    between = calendar.working_days_between_pairs(
        (accepted_on, decided_on) for decided_on, _version, accepted_on, _n in rows
    )
    durations: dict[tuple[dt.date, int, int], int] = defaultdict(int)
    for decided_on, version_id, accepted_on, n in rows:
        working_days = between.get((accepted_on, decided_on))
        if working_days is not None:  # None: the calendar does not cover the dates
            durations[(decided_on, version_id, working_days)] += n
    return dict(durations)


def day_ratings(days: Iterable[dt.date]) -> dict[tuple[dt.date, int], dict[str, int]]:
    """Per (day, department): ratings (好差评) given that local day, and those of 4 or 5."""
    days = list(days)
    if not days:
        return {}
    rows = (
        ServiceRating.objects.filter(times_q("created_at", days))
        .annotate(day=TruncDate("created_at"))
        .values("day", "department_id")
        .annotate(ratings=Count("pk"), satisfied=Count("pk", filter=Q(grade__gte=4)))
        .order_by()
    )
    return {
        (row["day"], row["department_id"]): {
            "ratings": row["ratings"],
            "satisfied": row["satisfied"],
        }
        for row in rows
    }


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
    # Working days from acceptance to decision -> how many applications took that long.
    durations: Counter = field(default_factory=Counter)

    @property
    def decided(self) -> int:
        return self.approved + self.denied

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.timed if self.timed else None

    @property
    def average_days(self) -> float | None:
        count = self.durations.total()
        if not count:
            return None
        return sum(days * n for days, n in self.durations.items()) / count

    @property
    def p90_days(self) -> int | None:
        return percentile_of_counts(self.durations, 90)


def percentile(values: list[int], pct: int) -> int | None:
    """Nearest-rank percentile: the smallest value with at least ``pct`` % of values at or
    below it."""
    return percentile_of_counts(Counter(values), pct)


def percentile_of_counts(counts: Counter, pct: int) -> int | None:
    """``percentile`` of the values that ``counts`` holds (value -> how many times)."""
    total = counts.total()
    if not total:
        return None
    rank = max(1, math.ceil(pct / 100 * total))
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        if seen >= rank:
            return value
    return None  # not reached: seen ends at total >= rank


@dataclass
class Statistics:
    period: Period
    by_department: list[StatRow]
    by_service: list[StatRow]
    total: StatRow


def rolled_days(period: Period, today: dt.date, key: str) -> set[dt.date]:
    """The days of ``period`` whose roll-up is complete and current: before today, counted with
    this calendar, and not changed since."""
    last = min(period.end, today - ONE_DAY)
    if last < period.start:
        return set()
    return set(
        StatisticsRolledDay.objects.filter(day__range=(period.start, last), calendar_key=key)
        .exclude(Exists(StatisticsChange.objects.filter(day=OuterRef("day"))))
        .values_list("day", flat=True)
    )


def statistics(period: Period, *, today: dt.date | None = None) -> Statistics:
    """Received, accepted, approved, denied, on time (decided by the statutory due date), and
    the working days from acceptance to decision (average, 90th percentile), for the period:
    the rolled-up days summed, the others counted live (see the module docstring)."""
    today = today or china_today()
    calendar = working_calendar()
    rolled = rolled_days(period, today, calendar_key(calendar))
    live = [day for day in period.days() if day not in rolled]

    per_version: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
    durations: dict[int, Counter] = defaultdict(Counter)
    if rolled:
        sums = (
            StatisticsDay.objects.filter(days_q("day", rolled))
            .values("service_version_id")
            .annotate(**{name: Sum(name) for name in FIGURES})
            .order_by()
        )
        for row in sums:
            target = per_version[row["service_version_id"]]
            for name in FIGURES:
                target[name] += row[name]
        histogram = (
            StatisticsDuration.objects.filter(days_q("day", rolled))
            .values_list("service_version_id", "working_days")
            .annotate(n=Sum("applications"))
            .order_by()
        )
        for version_id, working_days, n in histogram:
            durations[version_id][working_days] += n
    for (_day, version_id), figures in day_figures(live).items():
        target = per_version[version_id]
        for name in FIGURES:
            target[name] += figures[name]
    for (_day, version_id, working_days), n in day_durations(live, calendar).items():
        durations[version_id][working_days] += n

    versions = ServiceVersion.objects.filter(pk__in=list(per_version)).values(
        "pk",
        "item_id",
        "name_zh",
        "name_en",
        "item__department_id",
        "item__department__name_zh",
        "item__department__name_en",
    )
    departments: dict[int, StatRow] = {}
    services: dict[int, StatRow] = {}
    total = StatRow(0, "")
    # A service is named after its newest version in the period.
    for version in sorted(versions, key=lambda v: -v["pk"]):
        department_id = version["item__department_id"]
        targets = (
            departments.setdefault(
                department_id,
                StatRow(
                    department_id,
                    localized_name(
                        version["item__department__name_zh"], version["item__department__name_en"]
                    ),
                ),
            ),
            services.setdefault(
                version["item_id"],
                StatRow(version["item_id"], localized_name(version["name_zh"], version["name_en"])),
            ),
            total,
        )
        figures = per_version[version["pk"]]
        for target in targets:
            for name in ("received", "accepted", "approved", "denied", "on_time", "timed"):
                setattr(target, name, getattr(target, name) + figures[name])
            target.durations.update(durations.get(version["pk"], {}))
    by_name = lambda rows: sorted(rows, key=lambda r: (r.name, r.key))  # noqa: E731
    return Statistics(
        period=period,
        by_department=by_name(departments.values()),
        by_service=by_name(services.values()),
        total=total,
    )
