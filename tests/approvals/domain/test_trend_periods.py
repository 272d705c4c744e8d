"""The buckets of a supervision trend: days, ISO weeks, calendar months, clipped to the period;
the axis labels thinned so that they never crowd."""

import datetime as dt
import itertools

import pytest

from approvals.domain.trend_periods import (
    DAY,
    MONTH,
    WEEK,
    Bucket,
    bucket_count,
    bucket_start,
    buckets,
    thinned_labels,
)

d = dt.date


def test_a_day_is_its_own_bucket_a_week_starts_on_monday_a_month_on_the_first():
    wednesday = d(2026, 3, 18)

    assert bucket_start(wednesday, DAY) == wednesday
    assert bucket_start(wednesday, WEEK) == d(2026, 3, 16)
    assert bucket_start(d(2026, 3, 22), WEEK) == d(2026, 3, 16)  # Sunday ends the week
    assert bucket_start(wednesday, MONTH) == d(2026, 3, 1)


def test_weeks_of_march_2026_the_first_and_last_clipped_to_the_period():
    # 1 March 2026 is a Sunday, 31 March a Tuesday.
    weeks = buckets(d(2026, 3, 1), d(2026, 3, 31), WEEK)

    assert weeks == [
        Bucket(d(2026, 3, 1), d(2026, 3, 1)),
        Bucket(d(2026, 3, 2), d(2026, 3, 8)),
        Bucket(d(2026, 3, 9), d(2026, 3, 15)),
        Bucket(d(2026, 3, 16), d(2026, 3, 22)),
        Bucket(d(2026, 3, 23), d(2026, 3, 29)),
        Bucket(d(2026, 3, 30), d(2026, 3, 31)),
    ]
    assert sum(week.days for week in weeks) == 31


def test_months_across_a_year_end_and_a_leap_february():
    months = buckets(d(2027, 11, 15), d(2028, 3, 2), MONTH)

    assert [(m.start, m.end) for m in months] == [
        (d(2027, 11, 15), d(2027, 11, 30)),
        (d(2027, 12, 1), d(2027, 12, 31)),
        (d(2028, 1, 1), d(2028, 1, 31)),
        (d(2028, 2, 1), d(2028, 2, 29)),
        (d(2028, 3, 1), d(2028, 3, 2)),
    ]


def test_days_and_an_empty_period():
    assert [b.start for b in buckets(d(2026, 2, 27), d(2026, 3, 2), DAY)] == [
        d(2026, 2, 27),
        d(2026, 2, 28),
        d(2026, 3, 1),
        d(2026, 3, 2),
    ]
    assert buckets(d(2026, 3, 2), d(2026, 3, 1), DAY) == []


@pytest.mark.parametrize("granularity", [DAY, WEEK, MONTH])
@pytest.mark.parametrize(
    ("start", "end"),
    [
        (d(2026, 1, 1), d(2026, 12, 31)),
        (d(2026, 3, 4), d(2026, 3, 4)),
        (d(2025, 12, 29), d(2026, 2, 1)),
        (d(2024, 2, 28), d(2024, 3, 1)),
    ],
)
def test_the_count_matches_the_buckets_and_they_tile_the_period(start, end, granularity):
    result = buckets(start, end, granularity)

    assert bucket_count(start, end, granularity) == len(result)
    assert result[0].start == start and result[-1].end == end
    for before, after in itertools.pairwise(result):
        assert after.start == before.end + dt.timedelta(days=1)


def test_unknown_granularity_is_refused():
    with pytest.raises(ValueError):
        bucket_start(d(2026, 1, 1), "year")


@pytest.mark.parametrize(("count", "room"), [(1, 6), (6, 6), (7, 6), (12, 6), (31, 6), (92, 6)])
def test_thinned_labels_fit_the_room_and_never_crowd(count, room):
    shown = sorted(thinned_labels(count, room))

    assert shown[0] == 0
    assert len(shown) <= room
    gaps = {b - a for a, b in itertools.pairwise(shown)}
    assert len(gaps) <= 1  # evenly spaced
    if count <= room:
        assert shown == list(range(count))
