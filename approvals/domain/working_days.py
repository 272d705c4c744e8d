"""Working-day arithmetic for statutory time limits.

- Administrative Licensing Law Art. 82: limits are counted in working days, excluding statutory
  holidays. China moves weekends (调休): some Saturdays and Sundays are working days, so the
  calendar is data (statutory rest days + make-up working days), never a weekday rule alone.
- Civil Code Art. 201: the day on which a period starts is not counted; the period ends at the end
  of its last day.
- Art. 45: hearings, testing, inspection, quarantine and expert review do not count toward the
  limit; nor does the time the applicant spends preparing a supplement. Those are clock pauses.

Dates are local calendar dates (Asia/Shanghai); pass ``china_time.china_today()``, never a datetime.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from approvals.domain.due_dates import DueDate, Step, StepKind, extend_run

ONE_DAY = dt.timedelta(days=1)
SATURDAY, SUNDAY = 5, 6

# A clock pause: (first day, last day or None while still paused), both inclusive.
Pause = tuple[dt.date, dt.date | None]


@dataclass(frozen=True)
class StatutoryLimit:
    working_days: int
    extension: int  # most the head of the agency may add, telling the applicant why
    article: str


INTAKE_LIMIT = StatutoryLimit(5, 0, "Art. 32")  # decide on acceptance, or deemed accepted
DECISION_LIMIT = StatutoryLimit(20, 10, "Art. 42")  # decide after acceptance, +10 by the head
JOINT_DECISION_LIMIT = StatutoryLimit(45, 15, "Art. 26, Art. 42")  # several departments jointly
PRELIMINARY_REVIEW_LIMIT = StatutoryLimit(20, 0, "Art. 43")  # lower-level preliminary review
LICENCE_ISSUE_LIMIT = StatutoryLimit(10, 0, "Art. 44")  # issue the licence after approval


class CalendarNotCovered(LookupError):
    """The calendar has no official schedule for a date. Guessing from weekdays alone would give a
    wrong legal deadline whenever the year has holidays or make-up days, so we refuse."""


class DayKind(StrEnum):
    WORKDAY = "workday"
    MAKEUP_WORKDAY = "makeup_workday"  # a Saturday or Sunday that is a working day (调休)
    WEEKEND = "weekend"
    HOLIDAY = "holiday"  # a statutory rest day, including weekend days inside a holiday

    @property
    def is_working(self) -> bool:
        return self in (DayKind.WORKDAY, DayKind.MAKEUP_WORKDAY)


class SlaLight(StrEnum):
    """电子监察 lights for a running step."""

    GREEN = "green"
    YELLOW = "yellow"  # few working days left
    RED = "red"  # overdue
    PAUSED = "paused"  # the clock is stopped (Art. 45): no card while it is


class WorkingCalendar:
    """Which days are working days, for a known span of dates.

    Built from data: statutory rest days (``holidays``) and make-up working days
    (``makeup_workdays``), each either a mapping of date to holiday name or a plain iterable of
    dates. Any other Saturday or Sunday is a rest day. Dates outside ``first_day..last_day`` raise
    ``CalendarNotCovered``.
    """

    def __init__(
        self,
        *,
        first_day: dt.date,
        last_day: dt.date,
        holidays: Mapping[dt.date, str] | Iterable[dt.date] = (),
        makeup_workdays: Mapping[dt.date, str] | Iterable[dt.date] = (),
        official_last_day: dt.date | None = None,
    ) -> None:
        _require_date(first_day)
        _require_date(last_day)
        self._first_day, self._last_day = first_day, last_day
        # Days after ``official_last_day`` (up to ``last_day``) are counted from the statutory
        # holidays alone, before the State Council publishes that year's schedule: provisional.
        self._official_last_day = last_day if official_last_day is None else official_last_day
        self._holidays = _named(holidays)
        self._makeup = _named(makeup_workdays)
        problems = [] if first_day <= last_day else ["first_day is after last_day"]
        for day in sorted({*self._holidays, *self._makeup}):
            if not first_day <= day <= last_day:
                problems.append(f"{day.isoformat()} is outside {first_day}..{last_day}")
        for day in sorted(self._holidays.keys() & self._makeup.keys()):
            problems.append(f"{day.isoformat()} is both a holiday and a make-up working day")
        for day in sorted(self._makeup):
            if day.weekday() not in (SATURDAY, SUNDAY):
                problems.append(f"make-up working day {day.isoformat()} is not a weekend day")
        if problems:
            raise ValueError("Invalid working calendar: " + "; ".join(problems))

    @classmethod
    def from_chinese_calendar(cls, start_year: int, end_year: int) -> WorkingCalendar:
        """The official State Council schedules for ``start_year..end_year`` from the
        ``chinese-calendar`` package (2004-2026 in version 1.11.0)."""
        import chinese_calendar

        known_first = min(chinese_calendar.holidays).year
        known_last = max(chinese_calendar.holidays).year
        if start_year > end_year:
            raise ValueError(f"start_year {start_year} is after end_year {end_year}")
        if start_year < known_first or end_year > known_last:
            raise CalendarNotCovered(
                f"chinese-calendar has official schedules for {known_first}-{known_last} only; "
                f"{start_year}-{end_year} was requested."
            )

        def in_range(days: Mapping[dt.date, str]) -> dict[dt.date, str]:
            return {day: name for day, name in days.items() if start_year <= day.year <= end_year}

        return cls(
            first_day=dt.date(start_year, 1, 1),
            last_day=dt.date(end_year, 12, 31),
            holidays=in_range(chinese_calendar.holidays),
            makeup_workdays=in_range(chinese_calendar.workdays),
        )

    @property
    def first_day(self) -> dt.date:
        return self._first_day

    @property
    def last_day(self) -> dt.date:
        return self._last_day

    @property
    def official_last_day(self) -> dt.date:
        """The last day of the published official schedule; later days are provisional."""
        return self._official_last_day

    def is_provisional(self, day: dt.date | None) -> bool:
        """Whether a date counted with this calendar ran past the official schedule (a count
        runs day by day from its start, so the date it reaches tells)."""
        return day is not None and day > self._official_last_day

    @property
    def holidays(self) -> Mapping[dt.date, str]:
        return MappingProxyType(self._holidays)

    @property
    def makeup_workdays(self) -> Mapping[dt.date, str]:
        return MappingProxyType(self._makeup)

    def covers(self, day: dt.date) -> bool:
        return self._first_day <= day <= self._last_day

    def day_kind(self, day: dt.date) -> DayKind:
        _require_date(day)
        if not self.covers(day):
            raise CalendarNotCovered(
                f"No working-day calendar for {day.isoformat()}: the calendar covers "
                f"{self._first_day.isoformat()} to {self._last_day.isoformat()}. Add the "
                f"official holiday schedule for {day.year} first."
            )
        if day in self._holidays:
            return DayKind.HOLIDAY
        if day in self._makeup:
            return DayKind.MAKEUP_WORKDAY
        return DayKind.WEEKEND if day.weekday() in (SATURDAY, SUNDAY) else DayKind.WORKDAY

    def day_name(self, day: dt.date) -> str:
        """The holiday a rest day or make-up working day belongs to, where known."""
        return self._holidays.get(day) or self._makeup.get(day) or ""

    def is_working_day(self, day: dt.date) -> bool:
        return self.day_kind(day).is_working

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after ``start`` (Civil Code Art. 201: ``start`` is not counted);
        the period ends at the end of that day. ``n == 0`` gives ``start``."""
        due = self.due_date(start, n)
        assert due.date is not None  # no pauses, so never paused
        return due.date

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """The working days after ``start`` up to and including ``end``; negative (the same count
        with the dates swapped) when ``end`` is before ``start``. Inverse of
        ``add_working_days``: ``working_days_between(s, add_working_days(s, n)) == n``."""
        _require_date(start)
        _require_date(end)
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            count += self.is_working_day(day)
        return count

    def working_days_between_pairs(
        self, pairs: Iterable[tuple[dt.date, dt.date]]
    ) -> dict[tuple[dt.date, dt.date], int]:
        """``working_days_between`` of many (start, end) pairs at once, in time proportional to
        the span of their dates rather than to the sum of their lengths (the statistics count
        thousands of pairs). Pairs that ``working_days_between`` would refuse
        (``CalendarNotCovered``) are left out."""
        pairs = list(pairs)
        base = self._first_day - ONE_DAY  # the day before the first one counts nothing yet
        dates = sorted({day for pair in pairs for day in pair if base <= day <= self._last_day})
        # numbers[d]: the working days after ``base`` up to and including d.
        numbers: dict[dt.date, int] = {}
        count, previous = 0, base
        for day in dates:
            count += self.working_days_between(previous, day)
            numbers[day] = count
            previous = day
        result = {}
        for start, end in pairs:
            _require_date(start)
            _require_date(end)
            low, high = min(start, end), max(start, end)
            if low == high:
                result[(start, end)] = 0
            elif low in numbers and high in numbers:
                days = numbers[high] - numbers[low]
                result[(start, end)] = days if start <= end else -days
        return result

    def due_date(
        self, start: dt.date, limit: int, *, pauses: Iterable[Pause] = (), extension: int = 0
    ) -> DueDate:
        """When a limit of ``limit`` (+ ``extension``) working days from ``start`` runs out.

        ``start`` is not counted (Civil Code Art. 201). A pause ``(A, B)`` stops the clock from day
        A to day B, both inclusive: the working days A..B do not count (Art. 45), so a closed pause
        moves the due date by exactly the working days inside it that fall before the (moved) due
        date; pauses that begin after the limit has run out change nothing. ``(A, None)`` is a
        pause still running: if the limit has not run out before A, the due date is unknown
        (``date`` is None) and ``remaining_working_days`` says what is left when it resumes.
        Overlapping pauses count once.
        """
        _require_date(start)
        if limit < 0 or extension < 0:
            raise ValueError("limit and extension must not be negative")
        closed, open_since = _normalise_pauses(pauses)
        total, counted, day = limit + extension, 0, start
        runs: list[Step] = []
        excluded = [0] * len(closed)
        while counted < total:
            if open_since is not None and day + ONE_DAY >= open_since:
                break
            day += ONE_DAY
            kind = self.day_kind(day)
            if not kind.is_working:
                step_kind = StepKind.HOLIDAY if kind is DayKind.HOLIDAY else StepKind.WEEKEND
                extend_run(runs, step_kind, day, self.day_name(day))
                continue
            pause_index = _pause_containing(closed, day)
            if pause_index is not None:
                excluded[pause_index] += 1
                continue
            counted += 1
            if kind is DayKind.MAKEUP_WORKDAY:
                extend_run(runs, StepKind.MAKEUP_WORKDAY, day, self.day_name(day))
        is_paused = counted < total
        body = runs + [
            Step(StepKind.PAUSE, first, last, days=excluded[i])
            for i, (first, last) in enumerate(closed)
            if first <= day and last > start
        ]
        body.sort(key=lambda step: (step.first, step.kind != StepKind.PAUSE))
        header = [Step(StepKind.START, start), Step(StepKind.LIMIT, days=limit)]
        if extension:
            header.append(Step(StepKind.EXTENSION, days=extension))
        if is_paused:
            last_step = Step(StepKind.OPEN_PAUSE, open_since, days=total - counted)
        else:
            last_step = Step(StepKind.END, day, days=total)
        return DueDate(
            start=start,
            limit=limit,
            extension=extension,
            date=None if is_paused else day,
            steps=(*header, *body, last_step),
            provisional=not is_paused and self.is_provisional(day),
            paused_since=open_since if is_paused else None,
            remaining_working_days=total - counted,
        )

    def sla_bands(self, today: dt.date, warn_days: int = 3) -> list[SlaBand]:
        """The one rule for SLA lights, as ranges of due dates seen from ``today``: red when
        ``today`` is after the due date (the period ended at the end of that day); yellow when at
        most ``warn_days`` working days are left after today (so the due day itself is yellow);
        green otherwise. Where the calendar does not reach the first green day, yellow runs to
        the calendar's last day and a later due date has no light (unknown, not guessed).
        The SQL of the sweep and the light of one date (``sla_light``) are both read from these
        bands."""
        _require_date(today)
        red = SlaBand(SlaLight.RED, None, today - ONE_DAY)
        try:
            first_green = self.add_working_days(today, warn_days + 1)
        except CalendarNotCovered:
            return [red, SlaBand(SlaLight.YELLOW, today, self.last_day)]
        return [
            red,
            SlaBand(SlaLight.YELLOW, today, first_green - ONE_DAY),
            SlaBand(SlaLight.GREEN, first_green, None),
        ]

    def sla_light(self, today: dt.date, due: dt.date, warn_days: int = 3) -> SlaLight:
        """The light of a task due on ``due`` (``sla_bands``); ``CalendarNotCovered`` where the
        calendar does not reach far enough to tell."""
        _require_date(due)
        for band in self.sla_bands(today, warn_days):
            if band.holds(due):
                return band.light
        raise CalendarNotCovered(f"{due} is past the calendar's last day, {self.last_day}")


@dataclass(frozen=True)
class SlaBand:
    """The due dates ``first``..``last`` (inclusive; None: unbounded) that show ``light``."""

    light: SlaLight
    first: dt.date | None
    last: dt.date | None

    def holds(self, due: dt.date) -> bool:
        return (self.first is None or due >= self.first) and (self.last is None or due <= self.last)


def _require_date(value: object) -> None:
    # A datetime is a date subclass that never equals a date: it would miss every holiday.
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise TypeError(f"expected a local date, got {value!r}")


def _named(days: Mapping[dt.date, str] | Iterable[dt.date]) -> dict[dt.date, str]:
    if isinstance(days, Mapping):
        named = {day: str(name) for day, name in days.items()}
    else:
        named = dict.fromkeys(days, "")
    for day in named:
        _require_date(day)
    return named


def _normalise_pauses(
    pauses: Iterable[Pause],
) -> tuple[list[tuple[dt.date, dt.date]], dt.date | None]:
    """Closed pauses merged into disjoint sorted spans, and the first day of the earliest open
    pause (which swallows every later day)."""
    spans: list[tuple[dt.date, dt.date]] = []
    open_since: dt.date | None = None
    for first, last in pauses:
        _require_date(first)
        if last is None:
            open_since = first if open_since is None else min(open_since, first)
            continue
        _require_date(last)
        if last < first:
            raise ValueError(f"pause ends ({last}) before it starts ({first})")
        spans.append((first, last))
    merged: list[tuple[dt.date, dt.date]] = []
    for first, last in sorted(spans):
        if open_since is not None and first >= open_since:
            continue
        if merged and first <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged, open_since


def _pause_containing(spans: list[tuple[dt.date, dt.date]], day: dt.date) -> int | None:
    for index, (first, last) in enumerate(spans):
        if first <= day <= last:
            return index
    return None
