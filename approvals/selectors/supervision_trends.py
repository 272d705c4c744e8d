"""Supervision trends (issue 18): the statistics of a period per day, ISO week or month, and the
applications behind one bar of a trend chart.

The trend reads what the dashboard's statistics read (``approvals.selectors.supervision``): the
rolled-up days (``StatisticsDay``, ``StatisticsRatingDay``) summed per bucket, and only the days
not rolled up yet (today, a day changed since its roll-up) counted live from the applications'
date indexes; a fixed number of queries, whatever the history. The list behind a bar reads one
date index of the applications from the bucket's first day, a page at a time (keyset).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import F, Q, Sum
from django.utils import timezone

from accounts.models import Department
from approvals.domain.china_time import china_today
from approvals.domain.trend_periods import Bucket, bucket_start, buckets
from approvals.models import (
    Application,
    OfficialTaskCount,
    ServiceRating,
    ServiceVersion,
    StatisticsDay,
    StatisticsRatingDay,
)
from approvals.models.working_calendar import calendar_key, working_calendar
from approvals.selectors.supervision import (
    DECIDED,
    FIGURES,
    LIGHTS,
    Period,
    add_lights,
    day_figures,
    day_ratings,
    days_q,
    ledger_light_sums,
    localized_name,
    rolled_days,
    running_tasks_by_light,
)

CASES_PAGE_SIZE = 50


@dataclass
class TrendPoint:
    bucket: Bucket
    received: int = 0
    accepted: int = 0
    decided: int = 0
    approved: int = 0
    denied: int = 0
    on_time: int = 0
    timed: int = 0  # decided with a known statutory due date
    ratings: int = 0
    satisfied: int = 0  # ratings of 4 or 5

    @property
    def late(self) -> int:
        """Decided after the statutory due date (overdue decisions)."""
        return self.timed - self.on_time

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.timed if self.timed else None

    @property
    def satisfaction_rate(self) -> float | None:
        return self.satisfied / self.ratings if self.ratings else None


def department_versions(department_id: int) -> set[int]:
    """The service versions of the department's items (the statistics are per version)."""
    return set(
        ServiceVersion.objects.filter(item__department_id=department_id).values_list(
            "pk", flat=True
        )
    )


def trends(
    period: Period,
    granularity: str,
    *,
    department_id: int | None = None,
    today: dt.date | None = None,
) -> list[TrendPoint]:
    """One point per bucket of ``period``: received, accepted, decided (approved, denied, on
    time, late) and ratings, for every department or for one (its services' applications, the
    ratings given to it)."""
    today = today or china_today()
    points = [TrendPoint(bucket) for bucket in buckets(period.start, period.end, granularity)]
    index = {point.bucket.start: point for point in points}

    def point_of(day: dt.date) -> TrendPoint:
        return index[max(bucket_start(day, granularity), period.start)]

    versions = None if department_id is None else department_versions(department_id)
    rolled = rolled_days(period, today, calendar_key(working_calendar()))
    live = [day for day in period.days() if day not in rolled]
    if rolled and versions != set():
        day_rows = StatisticsDay.objects.filter(days_q("day", rolled))
        if versions is not None:
            day_rows = day_rows.filter(service_version_id__in=versions)
        for row in (
            day_rows.values("day").annotate(**{name: Sum(name) for name in FIGURES}).order_by()
        ):
            point = point_of(row["day"])
            for name in FIGURES:
                setattr(point, name, getattr(point, name) + row[name])
    if rolled:
        rating_rows = StatisticsRatingDay.objects.filter(days_q("day", rolled))
        if department_id is not None:
            rating_rows = rating_rows.filter(department_id=department_id)
        for row in (
            rating_rows.values("day")
            .annotate(ratings=Sum("ratings"), satisfied=Sum("satisfied"))
            .order_by()
        ):
            point = point_of(row["day"])
            point.ratings += row["ratings"]
            point.satisfied += row["satisfied"]
    for (day, version_id), figures in day_figures(live).items():
        if versions is None or version_id in versions:
            point = point_of(day)
            for name in FIGURES:
                setattr(point, name, getattr(point, name) + figures[name])
    for (day, rated_department), counts in day_ratings(live).items():
        if department_id is None or rated_department == department_id:
            point = point_of(day)
            point.ratings += counts["ratings"]
            point.satisfied += counts["satisfied"]
    return points


# --- The applications behind a bar -------------------------------------------------------------

# What a bar counts, as the date it counts by and the applications it counts (as ``day_figures``
# counts them).
CASE_KINDS = {
    "received": ("received_on", Q()),
    "decided": ("decided_on", Q()),
    "late": (
        "decided_on",
        Q(status__in=DECIDED, decision_due_on__isnull=False, decided_on__gt=F("decision_due_on")),
    ),
}


@dataclass
class CasePage:
    cases: list[Application]
    next_cursor: str = ""  # empty on the last page


def parse_cursor(cursor: str) -> tuple[dt.date, int] | None:
    """``YYYY-MM-DD.ID`` (the last row of the previous page), or None when absent or garbled."""
    try:
        day, pk = cursor.split(".", 1)
        return dt.date.fromisoformat(day), int(pk)
    except (ValueError, AttributeError):
        return None


def trend_cases(
    *,
    kind: str,
    start: dt.date,
    end: dt.date,
    department_id: int | None = None,
    cursor: str = "",
    limit: int = CASES_PAGE_SIZE,
) -> CasePage:
    """The applications one bar counts (``kind`` of ``CASE_KINDS``, from ``start`` to ``end``
    included, of one department's services or all), by that date then id, ``limit`` after
    ``cursor``. Only what the list shows is read: no form data, no applicant."""
    column, condition = CASE_KINDS[kind]
    cases = Application.objects.filter(condition, **{f"{column}__range": (start, end)})
    if department_id is not None:
        cases = cases.filter(service_version_id__in=department_versions(department_id))
    after = parse_cursor(cursor)
    if after is not None:
        day, pk = after
        cases = cases.filter(Q(**{f"{column}__gt": day}) | Q(**{column: day, "pk__gt": pk}))
    rows = list(
        cases.select_related("service_version__item__department")
        .only(
            "tracking_number",
            "status",
            "received_on",
            "accepted_on",
            "decided_on",
            "decision_due_on",
            "service_version__name_zh",
            "service_version__name_en",
            "service_version__item__department__name_zh",
            "service_version__item__department__name_en",
        )
        .order_by(column, "pk")[: limit + 1]
    )
    next_cursor = ""
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = f"{getattr(last, column).isoformat()}.{last.pk}"
    return CasePage(cases=rows, next_cursor=next_cursor)


@dataclass
class RatingPage:
    ratings: list[ServiceRating]
    next_after: int | None = None  # the last id shown, when there is more


def trend_ratings(
    *,
    start: dt.date,
    end: dt.date,
    department_id: int | None = None,
    after: int | None = None,
    limit: int = CASES_PAGE_SIZE,
) -> RatingPage:
    """The ratings a satisfaction column counts: given from ``start`` to ``end`` (local days,
    both included), to one department or any, in the order given (by id), ``limit`` after the
    id ``after``. What the list shows only: the grade, when, the application's tracking number
    and the department, not the comment (an applicant may have written personal data in it)."""
    ratings = ServiceRating.objects.filter(
        created_at__gte=_midnight(start), created_at__lt=_midnight(end + dt.timedelta(days=1))
    )
    if department_id is not None:
        ratings = ratings.filter(department_id=department_id)
    if after is not None:
        ratings = ratings.filter(pk__gt=after)
    rows = list(
        ratings.select_related("application", "department")
        .only(
            "grade",
            "created_at",
            "application__tracking_number",
            "department__name_zh",
            "department__name_en",
        )
        .order_by("pk")[: limit + 1]
    )
    if len(rows) > limit:
        return RatingPage(rows[:limit], rows[limit - 1].pk)
    return RatingPage(rows)


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# --- Workload and the department tree -----------------------------------------------------------


@dataclass
class DepartmentNode:
    pk: int
    name: str
    green: int = 0
    yellow: int = 0
    red: int = 0
    paused: int = 0
    children: list[DepartmentNode] = field(default_factory=list)

    @property
    def open_tasks(self) -> int:
        return self.green + self.yellow + self.red + self.paused

    @property
    def cards(self) -> int:
        """Running work with a yellow or red light: the cards its department holds now."""
        return self.yellow + self.red

    @property
    def subtree_open(self) -> int:
        """Its open tasks and those of every unit below it."""
        return self.open_tasks + sum(child.subtree_open for child in self.children)

    @property
    def bar(self) -> list[dict]:
        """Its open tasks as one stacked bar, in percent of its width, light by light."""
        parts, x = [], 0.0
        for light in LIGHTS:
            share = 100 * getattr(self, light) / self.open_tasks if self.open_tasks else 0
            if share:
                parts.append({"light": light, "x": round(x, 2), "width": round(share, 2)})
                x += share
        return parts


def department_tree() -> list[DepartmentNode]:
    """The active departments as a tree (roots first, children by name), each with its open
    review tasks by light from the open-task ledger: two queries, whatever the number of tasks."""
    by_department = {row.key: row for row in running_tasks_by_light().by_department}
    departments = list(
        Department.objects.filter(is_active=True).values("pk", "name_zh", "name_en", "parent_id")
    )
    nodes = {}
    for department in departments:
        node = DepartmentNode(
            department["pk"], localized_name(department["name_zh"], department["name_en"])
        )
        row = by_department.get(department["pk"])
        if row is not None:
            for light in LIGHTS:
                setattr(node, light, getattr(row, light))
        nodes[department["pk"]] = node
    roots = []
    for department in departments:
        node = nodes[department["pk"]]
        parent = nodes.get(department["parent_id"])
        (parent.children if parent is not None else roots).append(node)
    order = lambda node: (node.name, node.pk)  # noqa: E731
    for node in nodes.values():
        node.children.sort(key=order)
    return sorted(roots, key=order)


@dataclass
class OfficialLoad:
    pk: int | None  # None: the tasks nobody has claimed
    name: str
    green: int = 0
    yellow: int = 0
    red: int = 0
    paused: int = 0

    @property
    def total(self) -> int:
        return self.green + self.yellow + self.red + self.paused


def official_workload(department_id: int) -> list[OfficialLoad]:
    """The department's open review tasks per official who claimed them (and those nobody has),
    by light: one grouped query over the department's rows of the workload ledger
    (``OfficialTaskCount``, kept by triggers), a few rows per official and due date whatever the
    number of tasks, its lights summed over their bands of due dates. Most loaded first."""
    rows = (
        OfficialTaskCount.objects.filter(department_id=department_id)
        .values("assignee_id", "assignee__display_name", "assignee__email")
        .annotate(n=Sum("tasks"), **ledger_light_sums(china_today()))
        .exclude(n=0)
        .order_by()
    )
    loads: dict[int | None, OfficialLoad] = {}
    for row in rows:
        name = row["assignee__display_name"] or row["assignee__email"] or ""
        load = loads.setdefault(row["assignee_id"], OfficialLoad(row["assignee_id"], name))
        add_lights(load, row)
    return sorted(loads.values(), key=lambda r: (r.pk is None, -r.red, -r.total, r.name))
