"""How a due date was computed, as structured steps that the UI can render in any language.

``DueDate.steps`` is the record (kind + dates + numbers); ``Step.describe()`` and
``DueDate.explain()`` format it in plain English for logs, the admin and tests. Pages translate
from the structured steps, not from the English text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

ONE_DAY = dt.timedelta(days=1)


class StepKind(StrEnum):
    START = "start"  # the day the period starts; not counted (Civil Code Art. 201)
    LIMIT = "limit"  # the limit in working days
    EXTENSION = "extension"  # working days added by an approved extension (Art. 42)
    WEEKEND = "weekend"  # a run of ordinary Saturdays/Sundays, skipped
    HOLIDAY = "holiday"  # a run of statutory holiday rest days, skipped (Art. 82)
    MAKEUP_WORKDAY = "makeup_workday"  # a weekend day that is a working day (调休), counted
    PAUSE = "pause"  # a clock pause; its working days are not counted (Art. 45)
    OPEN_PAUSE = "open_pause"  # the clock is stopped now; the due date is not yet known
    END = "end"  # the last working day; the period ends at the end of it


@dataclass(frozen=True)
class Step:
    """One line of an explanation. ``first``/``last`` are the dates it covers (equal for a single
    day); ``days`` is a number of working days where the kind has one; ``name`` is the holiday's
    name where the calendar knows it."""

    kind: StepKind
    first: dt.date | None = None
    last: dt.date | None = None
    days: int | None = None
    name: str = ""

    def describe(self) -> str:
        span = _span(self.first, self.last)
        match self.kind:
            case StepKind.START:
                return (
                    f"The period starts on {span}; that day is not counted (Civil Code Art. 201)."
                )
            case StepKind.LIMIT:
                return f"Time limit: {self.days} working days."
            case StepKind.EXTENSION:
                return f"Extended by {self.days} working days (Art. 42)."
            case StepKind.WEEKEND:
                return f"Skipped {span}: weekend."
            case StepKind.HOLIDAY:
                label = self.name or "statutory holiday"
                return f"Skipped {span}: {label} (statutory holiday, Art. 82)."
            case StepKind.MAKEUP_WORKDAY:
                reason = f" in lieu of {self.name}" if self.name else ""
                plural = "s" if self.first != self.last else ""
                return f"Counted {span}: make-up working day{plural}{reason}."
            case StepKind.PAUSE:
                return f"Clock paused {span}: {self.days} working days not counted (Art. 45)."
            case StepKind.OPEN_PAUSE:
                return (
                    f"Clock paused since {span} and not yet resumed: "
                    f"{self.days} working days remain when it resumes (Art. 45)."
                )
            case StepKind.END:
                return (
                    f"Due at the end of {span}, the {_ordinal(self.days or 0)} working day counted."
                )
        raise AssertionError(self.kind)  # pragma: no cover - StrEnum is exhaustive


@dataclass(frozen=True)
class DueDate:
    """A computed due date and how it came about.

    ``date`` is the last working day of the period (it ends at the end of that day), or None while
    an open clock pause stops it; then ``paused_since`` is the first day of that pause and
    ``remaining_working_days`` how many working days are left when the clock resumes.
    """

    start: dt.date
    limit: int
    extension: int
    date: dt.date | None
    steps: tuple[Step, ...]
    paused_since: dt.date | None = None
    remaining_working_days: int = 0
    # Counted past the official schedule, from the statutory holidays alone (to be recomputed
    # once the State Council publishes the year's make-up working days).
    provisional: bool = False

    @property
    def is_paused(self) -> bool:
        return self.date is None

    @property
    def total_working_days(self) -> int:
        return self.limit + self.extension

    def explain(self) -> list[str]:
        """The steps in plain English, one line each."""
        return [step.describe() for step in self.steps]

    def steps_of(self, kind: StepKind) -> list[Step]:
        return [step for step in self.steps if step.kind == kind]


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def extend_run(runs: list[Step], kind: StepKind, day: dt.date, name: str) -> None:
    """Append ``day`` to the last step when it continues the same run (same kind and name, the
    next calendar day), else start a new one-day step."""
    if runs:
        previous = runs[-1]
        if previous.kind == kind and previous.name == name and previous.last == day - ONE_DAY:
            runs[-1] = Step(kind, previous.first, day, name=name)
            return
    runs.append(Step(kind, day, day, name=name))


def _day(day: dt.date) -> str:
    # Not strftime("%A"): that follows the process locale.
    return f"{day.isoformat()} ({_WEEKDAYS[day.weekday()]})"


def _span(first: dt.date | None, last: dt.date | None) -> str:
    if first is None:
        return ""
    if last is None or last == first:
        return _day(first)
    return f"{_day(first)} to {_day(last)}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
