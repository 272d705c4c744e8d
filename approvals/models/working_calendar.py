"""The working-day calendar from the database (CalendarYear + CalendarDay).

``working_calendar()`` builds the domain ``WorkingCalendar`` for the contiguous span of covered
years that contains the current year (or the latest span when none does), and caches it per
process.

Cache rule (invalidation):

- Every change to a CalendarYear or CalendarDay (admin, ``seed_calendar``, any ``save``/``delete``)
  bumps a version number kept in the shared Django cache (``CACHES['default']``) and drops this
  process's copy at once: an edit takes effect immediately in the process that made it.
- Other processes compare their copy's version with the shared one at most every
  ``CALENDAR_CACHE_SECONDS`` seconds (default 60), so an edit reaches them within that time when
  the cache is shared (Redis). With the in-process cache (locmem) each process only sees its own
  bumps, and other processes rebuild after ``CALENDAR_CACHE_SECONDS`` regardless.
- Bulk changes that bypass ``save`` (``QuerySet.update``/``bulk_create``) must call
  ``calendar_changed()``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Case, CharField, Exists, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from approvals.domain.china_time import china_today
from approvals.domain.statutory_holidays import statutory_holidays
from approvals.domain.working_days import WorkingCalendar
from approvals.models import CalendarDay, CalendarDayKind, CalendarYear

PACKAGE_YEARS = (2004, 2026)  # the years the seed takes from ``chinese-calendar``
VERSION_KEY = "approvals:calendar:version"
# Years past the official schedule counted provisionally from the statutory holidays (a due date
# is at most a few months ahead; two years cover the longest limits with their pauses).
PROVISIONAL_YEARS = 2

_lock = threading.Lock()
_state: dict = {"calendar": None, "version": None, "checked_at": 0.0, "local_bumps": -1}
_local_bumps = [0]


def _shared_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        version = 0
        cache.add(VERSION_KEY, version, timeout=None)
    return version


def calendar_changed() -> None:
    """Invalidate the cached calendar here at once, and in other processes via the cache."""
    with _lock:
        _local_bumps[0] += 1
        _state["calendar"] = None
    # Other processes learn of it after the commit, so that they never rebuild from the old rows
    # under the new version number.
    transaction.on_commit(_bump_shared_version)


def _bump_shared_version() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, timeout=None)


def covered_years() -> list[int]:
    return list(CalendarYear.objects.order_by("year").values_list("year", flat=True))


def _span(years: list[int], around: int) -> tuple[int, int] | None:
    """The contiguous run of years containing ``around``, or the latest run."""
    if not years:
        return None
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    for run in runs:
        if run[0] <= around <= run[-1]:
            return run[0], run[-1]
    return runs[-1][0], runs[-1][-1]


def build_working_calendar(*, around: int | None = None) -> WorkingCalendar:
    """A fresh calendar from the tables (no cache)."""
    around = china_today().year if around is None else around
    span = _span(covered_years(), around)
    if span is None:
        # An empty table (a fresh database flushed by a test, or not yet migrated): the official
        # schedules from the package the migration seeds from, rather than no calendar at all.
        return WorkingCalendar.from_chinese_calendar(*PACKAGE_YEARS)
    first, last = span
    holidays: dict[dt.date, str] = {}
    makeup: dict[dt.date, str] = {}
    rows = CalendarDay.objects.filter(date__year__gte=first, date__year__lte=last).values_list(
        "date", "kind", "name"
    )
    for day, kind, name in rows:
        (holidays if kind == CalendarDayKind.HOLIDAY else makeup)[day] = name
    for year in range(last + 1, last + 1 + PROVISIONAL_YEARS):
        holidays.update(statutory_holidays(year))
    return WorkingCalendar(
        first_day=dt.date(first, 1, 1),
        last_day=dt.date(last + PROVISIONAL_YEARS, 12, 31),
        holidays=holidays,
        makeup_workdays=makeup,
        official_last_day=dt.date(last, 12, 31),
    )


def working_calendar() -> WorkingCalendar:
    """The cached calendar (see the module docstring for when it is rebuilt)."""
    ttl = getattr(settings, "CALENDAR_CACHE_SECONDS", 60)
    now = time.monotonic()
    with _lock:
        calendar = _state["calendar"]
        fresh = (
            calendar is not None
            and _state["local_bumps"] == _local_bumps[0]
            and now - _state["checked_at"] < ttl
        )
        if fresh:
            return calendar
        bumps = _local_bumps[0]
    version = _shared_version()
    if calendar is not None and version == _state["version"] and bumps == _state["local_bumps"]:
        with _lock:
            _state["checked_at"] = now
        return calendar
    calendar = build_working_calendar()
    with _lock:
        _state.update(calendar=calendar, version=version, checked_at=now, local_bumps=bumps)
    return calendar


# Officials are warned this many days before the calendar's last day (the State Council usually
# publishes the next year's schedule in November).
END_WARNING_DAYS = 60


def calendar_end_near(today: dt.date | None = None) -> dt.date | None:
    """The calendar's last day when it is at most ``END_WARNING_DAYS`` away (next year still to
    be entered), else None."""
    today = today or china_today()
    last_day = working_calendar().official_last_day
    return last_day if (last_day - today).days <= END_WARNING_DAYS else None


def sla_light_for(today: dt.date, due_on: dt.date | None, *, paused: bool = False) -> str:
    """The one rule for 电子监察 lights: "paused" while the clock is stopped (Art. 45; no card);
    red once overdue; yellow with at most ``SLA_WARN_WORKING_DAYS`` working days left after
    today; green otherwise. "" when there is no due date (nor a pause) or the calendar does not
    reach it."""
    from approvals.domain.working_days import CalendarNotCovered, SlaLight

    if paused:
        return str(SlaLight.PAUSED)
    if due_on is None:
        return ""
    try:
        return str(working_calendar().sla_light(today, due_on, settings.SLA_WARN_WORKING_DAYS))
    except CalendarNotCovered:
        return str(SlaLight.RED) if today > due_on else ""


def clock_stopped() -> Q:
    """Review tasks whose application's clock is stopped now (an open pause, Art. 45)."""
    from approvals.models import ClockPause

    return Q(
        Exists(ClockPause.objects.filter(application=OuterRef("application_id"), ended_on=None))
    )


def open_pause():
    """The open pause of each review task's application, or NULL (``clock_stopped`` as a value:
    ``Count(open_pause())`` counts the stopped clocks). A scalar subquery, which PostgreSQL
    evaluates for each row it counts: an ``EXISTS`` under a ``GROUP BY`` it may plan as one read
    of every open pause instead, however few the rows."""
    from approvals.models import ClockPause

    return Subquery(
        ClockPause.objects.filter(application=OuterRef("application_id"), ended_on=None)
        .order_by()
        .values("pk")[:1]
    )


def sla_light_bands(today: dt.date, *, paused: Q | None = None) -> list[tuple[str, Q]]:
    """The one rule of ``sla_light_for`` as conditions, first match wins: "paused" while the
    application's clock is stopped, then each band of due dates (``WorkingCalendar.sla_bands``).
    A row matching none (no due date, or one past the calendar) has no light. On review tasks
    by default; ``paused``: what "the clock is stopped" is on other rows (the open-task ledgers'
    ``Q(clock_stopped=True)``), whose due dates are ``due_on`` too."""
    from approvals.domain.working_days import SlaLight

    stopped = clock_stopped() if paused is None else paused
    bands: list[tuple[str, Q]] = [(str(SlaLight.PAUSED), stopped)]
    for band in working_calendar().sla_bands(today, settings.SLA_WARN_WORKING_DAYS):
        dates = Q(due_on__isnull=False)
        if band.first is not None:
            dates &= Q(due_on__gte=band.first)
        if band.last is not None:
            dates &= Q(due_on__lte=band.last)
        bands.append((str(band.light), dates))
    return bands


def sla_light_conditions(today: dt.date, *, paused: Q | None = None) -> dict[str, Q]:
    """Each light's rows on its own (``sla_light_bands`` without "first match wins": a band of
    due dates less the stopped clocks): the queue's light filter, the cards' tasks, and the
    ledgers' sums."""
    bands = sla_light_bands(today, paused=paused)
    (paused_light, stopped), dated = bands[0], bands[1:]
    return {paused_light: stopped, **{light: dates & ~stopped for light, dates in dated}}


def sla_light_sums(today: dt.date, aggregate, *, paused: Q | None = None) -> dict:
    """``aggregate(filter=...)`` (``partial(Sum, "tasks")``, ``partial(Count, "pk")``) of the rows
    of each light, as keyword arguments of ``aggregate()`` / ``annotate()``: the light counts of
    the queue, supervision and the workload, from the open-task ledgers by band of due dates."""
    return {
        light: Coalesce(aggregate(filter=condition), 0)
        for light, condition in sla_light_conditions(today, paused=paused).items()
    }


def sla_light_expression(today: dt.date) -> Case:
    """The light of each review task today, in SQL (``sla_light_bands``): annotated where a
    light is shown (the queue's rows, the task page, the API)."""
    return Case(
        *(When(condition, then=Value(light)) for light, condition in sla_light_bands(today)),
        default=Value(""),
        output_field=CharField(),
    )


def sla_band_of(today: dt.date) -> Callable[[dt.date | None], str]:
    """The band of due dates a date is in today (``sla_light_bands`` but the stopped clock: its
    light when its clock runs), for many dates at once: the bands are read once. For rows
    already grouped by due date (the queue's counts), where one ``CASE`` in each grouped read
    cost the statement more to build and compile than the few rows cost to band here."""
    bands = working_calendar().sla_bands(today, settings.SLA_WARN_WORKING_DAYS)

    def band(due_on: dt.date | None) -> str:
        if due_on is None:
            return ""
        return next((str(each.light) for each in bands if each.holds(due_on)), "")

    return band


def sla_yellow_until(today: dt.date) -> dt.date:
    """The last due date that is still yellow today (the rule's yellow band)."""
    from approvals.domain.working_days import SlaLight

    bands = working_calendar().sla_bands(today, settings.SLA_WARN_WORKING_DAYS)
    return next(band.last for band in bands if band.light == SlaLight.YELLOW)


_keys: dict[int, tuple[WorkingCalendar, str]] = {}


def calendar_key(calendar: WorkingCalendar) -> str:
    """A fingerprint of what ``calendar`` counts as working days: the span it covers and its
    holidays and make-up working days. Figures computed with one calendar (the rolled-up
    statistics) are stale under another key."""
    cached = _keys.get(id(calendar))
    if cached is not None and cached[0] is calendar:
        return cached[1]
    digest = hashlib.sha256()
    digest.update(
        f"{calendar.first_day}..{calendar.official_last_day}..{calendar.last_day}".encode()
    )
    for label, days in (("h", calendar.holidays), ("m", calendar.makeup_workdays)):
        digest.update(("|" + label + ",".join(day.isoformat() for day in sorted(days))).encode())
    key = digest.hexdigest()
    with _lock:
        if len(_keys) > 8:  # a process sees a handful of calendars in its life
            _keys.clear()
        _keys[id(calendar)] = (calendar, key)
    return key


def clear_cache() -> None:
    """Forget this process's copy (tests)."""
    with _lock:
        _state.update(calendar=None, version=None, checked_at=0.0)


@receiver(post_save, sender=CalendarDay)
@receiver(post_delete, sender=CalendarDay)
@receiver(post_save, sender=CalendarYear)
@receiver(post_delete, sender=CalendarYear)
def _calendar_row_changed(**kwargs) -> None:
    calendar_changed()


SOURCE = "chinese-calendar"


def seed_from_package(
    *, year_model=CalendarYear, day_model=CalendarDay, first: int = 0, last: int = 0
) -> dict[str, int]:
    """Make the tables hold the package's official schedules for ``first..last`` (default
    2004-2026): missing years and days are added, changed days corrected, days the package does
    not list removed. Idempotent. The model arguments let a data migration pass its historical
    models."""
    import chinese_calendar

    first, last = first or PACKAGE_YEARS[0], last or PACKAGE_YEARS[1]
    wanted: dict[dt.date, tuple[str, str]] = {}
    for table, kind in (
        (chinese_calendar.holidays, CalendarDayKind.HOLIDAY.value),
        (chinese_calendar.workdays, CalendarDayKind.MAKEUP_WORKDAY.value),
    ):
        for day, name in table.items():
            if first <= day.year <= last:
                wanted[day] = (kind, str(name))
    existing_years = set(
        year_model.objects.filter(year__gte=first, year__lte=last).values_list("year", flat=True)
    )
    new_years = [
        year_model(year=year, source=SOURCE)
        for year in range(first, last + 1)
        if year not in existing_years
    ]
    year_model.objects.bulk_create(new_years)
    stored = {
        row.date: row
        for row in day_model.objects.filter(date__year__gte=first, date__year__lte=last)
    }
    to_create = [
        day_model(date=day, kind=kind, name=name)
        for day, (kind, name) in sorted(wanted.items())
        if day not in stored
    ]
    to_update = []
    for day, row in stored.items():
        if day in wanted and (row.kind, row.name) != wanted[day]:
            row.kind, row.name = wanted[day]
            to_update.append(row)
    extra = [row.pk for day, row in stored.items() if day not in wanted]
    day_model.objects.filter(pk__in=extra).delete()
    day_model.objects.bulk_update(to_update, ["kind", "name"])
    day_model.objects.bulk_create(to_create)
    counts = {
        "years_added": len(new_years),
        "days_added": len(to_create),
        "days_updated": len(to_update),
        "days_removed": len(extra),
    }
    if any(counts.values()):
        calendar_changed()
    return counts
