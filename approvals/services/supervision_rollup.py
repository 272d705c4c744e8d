"""Keep the supervision dashboard's derived tables current (issue 12).

- ``statistics_rollup``: recompute, set-based, the days before today whose statistics changed
  (the trigger-fed ``StatisticsChange`` log) or were counted under another working-day calendar
  (every day with applications on the first run); idle when there is none. Each batch of days
  is one transaction that replaces the days' rows, marks them rolled with the calendar's key
  and deletes exactly the change rows it read before counting, so a change committed meanwhile
  stays logged and its day is counted live until the next run.
- ``open_task_counts_compact``: fold the open-task ledgers (by queue bucket, by official) back to
  one row per bucket.
- ``open_task_counts_rebuild``: recount the ledgers from the tasks (after a bulk load that ran
  without the triggers).

Run by Celery beat (``approvals.tasks.supervision_rollup_task``) and by
``manage.py supervision_rollup``. Every run is idempotent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Max
from django.db.models.functions import TruncDate
from django.utils import timezone

from approvals.db import statistics_sql
from approvals.domain.china_time import china_today
from approvals.models import (
    Application,
    OfficialTaskCount,
    OpenTaskCount,
    ServiceRating,
    StatisticsChange,
    StatisticsDay,
    StatisticsDuration,
    StatisticsRatingDay,
    StatisticsRolledDay,
)
from approvals.models.working_calendar import calendar_key, working_calendar
from approvals.selectors.supervision import ONE_DAY, day_durations, day_figures, day_ratings

BATCH_DAYS = 31
# Two roll-ups at once would both replace the same days: one waits for the other.
_LOCK_ID = 7_301_212


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_ID])
    # SQLite: the IMMEDIATE transaction already holds the only write lock.


@dataclass
class RollupReport:
    days: int = 0  # counted
    rows: int = 0
    empty_days: int = 0  # marked without counting: no application on them


def _data_days(today: dt.date) -> set[dt.date]:
    """Every day before ``today`` with an application received, accepted or decided on it, or
    a rating given."""
    days: set[dt.date] = set(
        ServiceRating.objects.filter(
            created_at__lt=timezone.make_aware(dt.datetime.combine(today, dt.time.min))
        )
        .annotate(day=TruncDate("created_at"))
        .values_list("day", flat=True)
        .distinct()
        .order_by()
    )
    for column in ("received_on", "accepted_on", "decided_on"):
        days.update(
            Application.objects.filter(**{f"{column}__lt": today})
            .values_list(column, flat=True)
            .distinct()
            .order_by()
        )
    return days


def _plan(today: dt.date, key: str, rebuild: bool) -> tuple[list[dt.date], set[dt.date]]:
    """(days to count, days known to have no application) before ``today``.

    Every day gets a marker, so that a period reads as one run of rolled-up days. To count: the
    days the change log names, and the days with figures counted under another calendar; on the
    first run (or ``rebuild``), every day with applications. Known empty: the other days since
    the last run (or since the first application), and days under another calendar without
    figures. A day that got applications since is in the change log, whose trigger writes in the
    same transaction as the application."""
    yesterday = today - ONE_DAY
    changed = set(
        StatisticsChange.objects.filter(day__lt=today).values_list("day", flat=True).distinct()
    )
    last = None if rebuild else StatisticsRolledDay.objects.aggregate(last=Max("day"))["last"]
    if last is None:
        count = changed | _data_days(today)
        since, empty = min(count, default=None), set()
    else:
        stale = set(
            StatisticsRolledDay.objects.exclude(calendar_key=key).values_list("day", flat=True)
        )
        with_figures = set(
            StatisticsDay.objects.filter(day__in=stale).values_list("day", flat=True).distinct()
        )
        count = changed | with_figures
        since, empty = last + ONE_DAY, stale - count
    if since is not None:
        empty |= {since + dt.timedelta(days=n) for n in range((yesterday - since).days + 1)}
    return sorted(count), empty - count


def statistics_rollup(*, today: dt.date | None = None, rebuild: bool = False) -> RollupReport:
    """Roll up every day before ``today`` that needs it (all of them with ``rebuild``)."""
    today = today or china_today()
    calendar = working_calendar()
    key = calendar_key(calendar)
    report = RollupReport()
    if rebuild:
        StatisticsRolledDay.objects.all().delete()
    days, empty = _plan(today, key, rebuild)
    if empty:
        with transaction.atomic():
            _lock()
            StatisticsRolledDay.objects.filter(day__in=empty).delete()
            now = timezone.now()
            StatisticsRolledDay.objects.bulk_create(
                [StatisticsRolledDay(day=day, calendar_key=key, rolled_at=now) for day in empty],
                batch_size=1000,
            )
        report.empty_days = len(empty)
    for start in range(0, len(days), BATCH_DAYS):
        batch = days[start : start + BATCH_DAYS]
        with transaction.atomic():
            _lock()
            seen = list(StatisticsChange.objects.filter(day__in=batch).values_list("pk", flat=True))
            figures = day_figures(batch)
            durations = day_durations(batch, calendar)
            ratings = day_ratings(batch)
            StatisticsDay.objects.filter(day__in=batch).delete()
            StatisticsDuration.objects.filter(day__in=batch).delete()
            StatisticsRatingDay.objects.filter(day__in=batch).delete()
            StatisticsRolledDay.objects.filter(day__in=batch).delete()
            StatisticsRatingDay.objects.bulk_create(
                [
                    StatisticsRatingDay(day=day, department_id=department_id, **counts)
                    for (day, department_id), counts in ratings.items()
                ],
                batch_size=1000,
            )
            StatisticsDay.objects.bulk_create(
                [
                    StatisticsDay(day=day, service_version_id=version_id, **values)
                    for (day, version_id), values in figures.items()
                ],
                batch_size=1000,
            )
            StatisticsDuration.objects.bulk_create(
                [
                    StatisticsDuration(
                        day=day,
                        service_version_id=version_id,
                        working_days=working_days,
                        applications=n,
                    )
                    for (day, version_id, working_days), n in durations.items()
                ],
                batch_size=1000,
            )
            now = timezone.now()
            StatisticsRolledDay.objects.bulk_create(
                [StatisticsRolledDay(day=day, calendar_key=key, rolled_at=now) for day in batch]
            )
            for offset in range(0, len(seen), 5000):
                StatisticsChange.objects.filter(pk__in=seen[offset : offset + 5000]).delete()
        report.days += len(batch)
        report.rows += len(figures) + len(durations) + len(ratings)
    return report


# The ledgers of open tasks the triggers keep: by queue bucket (department, role, service
# version, due date, clock stopped, claimed) and by official (department, assignee, due date,
# clock stopped).
_LEDGERS = (
    (OpenTaskCount, statistics_sql.BUCKET, statistics_sql.OPEN_TASK_COUNTS_FILL),
    (OfficialTaskCount, statistics_sql.OFFICIAL_BUCKET, statistics_sql.OFFICIAL_TASK_COUNTS_FILL),
)


def open_task_counts_compact() -> int:
    """Fold each open-task ledger into one row per bucket (buckets at zero disappear); returns
    the rows left in both."""
    return sum(_ledger_compact(model, columns) for model, columns, _fill in _LEDGERS)


def _ledger_compact(model, columns: str) -> int:
    """The rows summed are exactly the rows deleted: on PostgreSQL one statement does both;
    SQLite's IMMEDIATE transaction keeps every other writer out meanwhile."""
    table = model._meta.db_table
    with transaction.atomic():
        last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
        if last is None:
            return 0
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"""WITH folded AS (
                          DELETE FROM {table} WHERE id <= %s RETURNING {columns}, tasks)
                        INSERT INTO {table} ({columns}, tasks)
                        SELECT {columns}, SUM(tasks) FROM folded
                        GROUP BY {columns} HAVING SUM(tasks) <> 0""",  # noqa: S608
                    [last],
                )
                return cursor.rowcount
            cursor.execute(
                f"""INSERT INTO {table} ({columns}, tasks)
                    SELECT {columns}, SUM(tasks) FROM {table} WHERE id <= %s
                    GROUP BY {columns} HAVING SUM(tasks) <> 0""",  # noqa: S608
                [last],
            )
            folded = cursor.rowcount
            cursor.execute(f"DELETE FROM {table} WHERE id <= %s", [last])  # noqa: S608
            return folded


def open_task_counts_rebuild() -> None:
    """Recount both ledgers from the review tasks (and their applications' pauses), with task and
    pause writes held off meanwhile."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "LOCK TABLE approvals_reviewtask, approvals_clockpause IN SHARE MODE"
                )
        for model, _columns, fill in _LEDGERS:
            model.objects.all().delete()
            with connection.cursor() as cursor:
                cursor.execute(fill)
