"""The buckets of a supervision trend: a period cut into days, ISO weeks (Monday to Sunday) or
calendar months, the first and last bucket clipped to the period. Pure date arithmetic, no ORM."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

DAY = "day"
WEEK = "week"
MONTH = "month"
GRANULARITIES = (DAY, WEEK, MONTH)
# A chart stays readable (and its table short) up to this many bars.
MAX_BUCKETS = 92


@dataclass(frozen=True)
class Bucket:
    start: dt.date
    end: dt.date  # included

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def bucket_start(day: dt.date, granularity: str) -> dt.date:
    """The first day of the day's bucket: itself, the Monday of its ISO week, or the 1st of its
    month."""
    if granularity == DAY:
        return day
    if granularity == WEEK:
        return day - dt.timedelta(days=day.weekday())
    if granularity == MONTH:
        return day.replace(day=1)
    raise ValueError(f"unknown granularity {granularity!r}")


def _next_start(start: dt.date, granularity: str) -> dt.date:
    if granularity == DAY:
        return start + dt.timedelta(days=1)
    if granularity == WEEK:
        return start + dt.timedelta(days=7)
    return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def bucket_count(start: dt.date, end: dt.date, granularity: str) -> int:
    """How many buckets ``buckets`` returns, without building them."""
    if end < start:
        return 0
    if granularity == DAY:
        return (end - start).days + 1
    if granularity == WEEK:
        return (bucket_start(end, WEEK) - bucket_start(start, WEEK)).days // 7 + 1
    if granularity == MONTH:
        return (end.year - start.year) * 12 + end.month - start.month + 1
    raise ValueError(f"unknown granularity {granularity!r}")


def buckets(start: dt.date, end: dt.date, granularity: str) -> list[Bucket]:
    """The buckets covering ``start``..``end`` (both included), in order; the first starts at
    ``start`` and the last ends at ``end`` (a period from a Wednesday has a first week of five
    days)."""
    result: list[Bucket] = []
    if end < start:
        return result
    first = bucket_start(start, granularity)
    while first <= end:
        following = _next_start(first, granularity)
        result.append(Bucket(max(first, start), min(following - dt.timedelta(days=1), end)))
        first = following
    return result


def thinned_labels(count: int, room: int) -> set[int]:
    """The indexes of the ``count`` axis labels to draw when only ``room`` fit side by side:
    every n-th one from the first, and never two closer than n (the last one is drawn only when
    it falls on the step)."""
    if count <= 0:
        return set()
    step = max(1, -(-count // max(1, room)))  # ceil
    return set(range(0, count, step))
