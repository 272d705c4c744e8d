"""Working-day arithmetic. No database.

Every expected date below was worked out by hand from the State Council's published holiday
schedules (国务院办公厅关于2025年/2026年部分节假日安排的通知), which the chinese-calendar data
matches:

2025  Spring Festival  rest 01-28 (Tue)..02-04 (Tue)  make-up working days 01-26 (Sun), 02-08 (Sat)
2025  Qingming         rest 04-04..04-06
2025  National Day     rest 10-01..10-08 (10-06 Mid-autumn)  make-up 09-28 (Sun), 10-11 (Sat)
2026  New Year         rest 01-01..01-03                   make-up 01-04 (Sun)
2026  Spring Festival  rest 02-15 (Sun)..02-23 (Mon)       make-up 02-14 (Sat), 02-28 (Sat)
2026  Mid-autumn       rest 09-25..09-27
2026  National Day     rest 10-01..10-07                   make-up 09-20 (Sun), 10-10 (Sat)
"""

import contextlib
import datetime as dt

import chinese_calendar
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from approvals.domain.due_dates import Step, StepKind
from approvals.domain.working_days import (
    DECISION_LIMIT,
    INTAKE_LIMIT,
    JOINT_DECISION_LIMIT,
    LICENCE_ISSUE_LIMIT,
    PRELIMINARY_REVIEW_LIMIT,
    CalendarNotCovered,
    DayKind,
    SlaLight,
    WorkingCalendar,
)

D = dt.date
CALENDAR = WorkingCalendar.from_chinese_calendar(2024, 2026)


# --- the calendar itself ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "kind", "name"),
    [
        (D(2025, 1, 24), DayKind.WORKDAY, ""),
        (D(2025, 1, 25), DayKind.WEEKEND, ""),
        (D(2025, 1, 26), DayKind.MAKEUP_WORKDAY, "Spring Festival"),
        (D(2025, 1, 28), DayKind.HOLIDAY, "Spring Festival"),
        (D(2025, 2, 1), DayKind.HOLIDAY, "Spring Festival"),  # a Saturday inside the holiday
        (D(2025, 2, 8), DayKind.MAKEUP_WORKDAY, "Spring Festival"),
        (D(2025, 9, 28), DayKind.MAKEUP_WORKDAY, "National Day"),
        (D(2025, 10, 6), DayKind.HOLIDAY, "Mid-autumn Festival"),
        (D(2025, 10, 8), DayKind.HOLIDAY, "National Day"),
        (D(2025, 10, 11), DayKind.MAKEUP_WORKDAY, "National Day"),
        (D(2026, 1, 4), DayKind.MAKEUP_WORKDAY, "New Year's Day"),
        (D(2026, 2, 14), DayKind.MAKEUP_WORKDAY, "Spring Festival"),
        (D(2026, 2, 23), DayKind.HOLIDAY, "Spring Festival"),
        (D(2026, 2, 28), DayKind.MAKEUP_WORKDAY, "Spring Festival"),
        (D(2026, 9, 20), DayKind.MAKEUP_WORKDAY, "National Day"),
        (D(2026, 10, 7), DayKind.HOLIDAY, "National Day"),
        (D(2026, 10, 10), DayKind.MAKEUP_WORKDAY, "National Day"),
        (D(2026, 10, 11), DayKind.WEEKEND, ""),
    ],
)
def test_official_schedule_days(day, kind, name):
    assert CALENDAR.day_kind(day) == kind
    assert CALENDAR.day_name(day) == name
    assert CALENDAR.is_working_day(day) == (kind in (DayKind.WORKDAY, DayKind.MAKEUP_WORKDAY))


def test_seeded_calendar_agrees_with_chinese_calendar_on_every_day_2004_to_2026():
    calendar = WorkingCalendar.from_chinese_calendar(2004, 2026)

    day, disagreements = D(2004, 1, 1), []
    while day <= D(2026, 12, 31):
        if calendar.is_working_day(day) != chinese_calendar.is_workday(day):
            disagreements.append(day)
        day += dt.timedelta(days=1)

    assert disagreements == []


def test_calendar_built_from_plain_iterables():
    calendar = WorkingCalendar(
        first_day=D(2030, 1, 1),
        last_day=D(2030, 12, 31),
        holidays=[D(2030, 1, 1), D(2030, 1, 2)],
        makeup_workdays=[D(2030, 1, 5)],  # a Saturday
    )

    assert not calendar.is_working_day(D(2030, 1, 1))
    assert calendar.is_working_day(D(2030, 1, 5))
    assert not calendar.is_working_day(D(2030, 1, 6))  # an ordinary Sunday
    assert calendar.add_working_days(D(2029, 12, 31), 3) == D(2030, 1, 5)


@pytest.mark.parametrize(
    ("holidays", "makeup", "message"),
    [
        ([], [D(2030, 1, 7)], "2030-01-07 is not a weekend day"),
        ([D(2030, 1, 5)], [D(2030, 1, 5)], "both a holiday and a make-up working day"),
        ([D(2031, 1, 1)], [], "2031-01-01 is outside"),
    ],
)
def test_inconsistent_calendar_data_is_refused(holidays, makeup, message):
    with pytest.raises(ValueError, match=message):
        WorkingCalendar(
            first_day=D(2030, 1, 1),
            last_day=D(2030, 12, 31),
            holidays=holidays,
            makeup_workdays=makeup,
        )


# --- coverage --------------------------------------------------------------------------------


def test_a_year_without_an_official_schedule_raises_instead_of_guessing():
    with pytest.raises(CalendarNotCovered, match="2027"):
        CALENDAR.is_working_day(D(2027, 1, 4))
    with pytest.raises(CalendarNotCovered, match="2023"):
        CALENDAR.is_working_day(D(2023, 12, 29))


def test_a_period_running_past_the_calendar_raises():
    # 12-29, 12-30, 12-31 count; the 4th working day would be in 2027, which has no schedule.
    assert CALENDAR.add_working_days(D(2026, 12, 28), 3) == D(2026, 12, 31)
    with pytest.raises(CalendarNotCovered):
        CALENDAR.add_working_days(D(2026, 12, 28), 4)


def test_seeding_years_the_package_does_not_know_raises():
    with pytest.raises(CalendarNotCovered, match="2004-2026"):
        WorkingCalendar.from_chinese_calendar(2026, 2027)


def test_datetimes_are_refused_because_they_never_equal_a_holiday_date():
    with pytest.raises(TypeError):
        CALENDAR.is_working_day(dt.datetime(2025, 1, 28, 9, 0))


# --- adding working days (Civil Code Art. 201: the start day is not counted) -----------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # DESIGN.md: receipt on Friday 2025-01-24; Sunday 01-26 works, 01-28..02-04 rest.
        (D(2025, 1, 24), 5, D(2025, 2, 7)),
        (D(2025, 1, 24), 1, D(2025, 1, 26)),  # the make-up Sunday is the first working day
        (D(2025, 1, 24), 2, D(2025, 1, 27)),
        (D(2025, 1, 24), 3, D(2025, 2, 5)),
        # Spring Festival 2026: make-up Saturday 02-14, rest 02-15..02-23.
        (D(2026, 2, 13), 1, D(2026, 2, 14)),
        (D(2026, 2, 13), 2, D(2026, 2, 24)),
        (D(2026, 2, 13), 5, D(2026, 2, 27)),
        (D(2026, 2, 13), 6, D(2026, 2, 28)),  # the second make-up Saturday
        (D(2026, 2, 13), 7, D(2026, 3, 2)),
        # National Day 2025: make-up 09-28 (Sun) and 10-11 (Sat), rest 10-01..10-08.
        (D(2025, 9, 26), 1, D(2025, 9, 28)),
        (D(2025, 9, 26), 3, D(2025, 9, 30)),
        (D(2025, 9, 26), 4, D(2025, 10, 9)),
        (D(2025, 9, 26), 5, D(2025, 10, 10)),
        (D(2025, 9, 26), 6, D(2025, 10, 11)),
        (D(2025, 9, 26), 7, D(2025, 10, 13)),
        (D(2025, 9, 26), 10, D(2025, 10, 16)),
        # National Day 2026: make-up 09-20 (Sun) and 10-10 (Sat); Mid-autumn 09-25..27,
        # rest 10-01..10-07.
        (D(2026, 9, 18), 1, D(2026, 9, 20)),
        (D(2026, 9, 18), 5, D(2026, 9, 24)),
        (D(2026, 9, 24), 1, D(2026, 9, 28)),
        (D(2026, 9, 24), 3, D(2026, 9, 30)),
        (D(2026, 9, 24), 4, D(2026, 10, 8)),
        (D(2026, 9, 24), 5, D(2026, 10, 9)),
        (D(2026, 9, 24), 6, D(2026, 10, 10)),
        (D(2026, 9, 24), 7, D(2026, 10, 12)),
        # Across the year boundary: rest 2026-01-01..03, make-up Sunday 2026-01-04.
        (D(2025, 12, 25), 4, D(2025, 12, 31)),
        (D(2025, 12, 25), 5, D(2026, 1, 4)),
        (D(2025, 12, 25), 6, D(2026, 1, 5)),
        # A start on a rest day: counting begins with the next working day.
        (D(2025, 2, 1), 1, D(2025, 2, 5)),
        (D(2025, 1, 24), 0, D(2025, 1, 24)),
    ],
)
def test_add_working_days_follows_the_official_schedule(start, n, expected):
    assert CALENDAR.add_working_days(start, n) == expected


def test_twenty_working_days_across_national_day_2025():
    # Art. 42: accepted Monday 2025-09-22. Counted: 09-23..26 (4), 09-28 (5), 09-29..30 (7),
    # 10-09..10 (9), 10-11 (10), 10-13..17 (15), 10-20..24 (20). A weekday-only rule says 10-20.
    assert CALENDAR.add_working_days(D(2025, 9, 22), DECISION_LIMIT.working_days) == D(2025, 10, 24)


def test_twenty_working_days_across_spring_festival_2026():
    # Accepted Friday 2026-02-06: 02-09..13 (5), 02-14 (6), 02-24..27 (10), 02-28 (11),
    # 03-02..06 (16), 03-09..12 (20).
    assert CALENDAR.add_working_days(D(2026, 2, 6), 20) == D(2026, 3, 12)


def test_statutory_limits_carry_their_articles():
    assert (INTAKE_LIMIT.working_days, INTAKE_LIMIT.article) == (5, "Art. 32")
    assert (DECISION_LIMIT.working_days, DECISION_LIMIT.extension) == (20, 10)
    assert (JOINT_DECISION_LIMIT.working_days, JOINT_DECISION_LIMIT.extension) == (45, 15)
    assert (PRELIMINARY_REVIEW_LIMIT.working_days, PRELIMINARY_REVIEW_LIMIT.article) == (
        20,
        "Art. 43",
    )
    assert (LICENCE_ISSUE_LIMIT.working_days, LICENCE_ISSUE_LIMIT.article) == (10, "Art. 44")


# --- counting working days between dates -----------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2025, 1, 24), D(2025, 2, 7), 5),
        (D(2025, 2, 7), D(2025, 1, 24), -5),
        (D(2025, 1, 24), D(2025, 1, 24), 0),
        (D(2025, 1, 27), D(2025, 2, 4), 0),  # nothing but Spring Festival after the 27th
        (D(2025, 12, 31), D(2026, 1, 4), 1),  # only the make-up Sunday
        (D(2026, 9, 30), D(2026, 10, 10), 3),  # 10-08, 10-09, make-up Saturday 10-10
    ],
)
def test_working_days_between(start, end, expected):
    assert CALENDAR.working_days_between(start, end) == expected


DAYS_2025_2026 = st.dates(min_value=D(2025, 1, 1), max_value=D(2026, 10, 31))


@given(start=DAYS_2025_2026, n=st.integers(min_value=0, max_value=40))
def test_working_days_between_undoes_add_working_days(start, n):
    due = CALENDAR.add_working_days(start, n)

    assert CALENDAR.working_days_between(start, due) == n
    assert n == 0 or CALENDAR.is_working_day(due)
    assert CALENDAR.add_working_days(start, n + 1) > due


# Around both ends of CALENDAR (2024-2026), so that some pairs fall outside it.
DAYS_AROUND_THE_CALENDAR = st.dates(min_value=D(2023, 12, 20), max_value=D(2027, 1, 10))


@given(pairs=st.lists(st.tuples(DAYS_AROUND_THE_CALENDAR, DAYS_AROUND_THE_CALENDAR), max_size=20))
def test_working_days_between_pairs_agrees_with_one_pair_at_a_time(pairs):
    expected = {}
    for start, end in pairs:
        with contextlib.suppress(CalendarNotCovered):
            expected[(start, end)] = CALENDAR.working_days_between(start, end)

    assert CALENDAR.working_days_between_pairs(pairs) == expected


@given(start=DAYS_2025_2026, end=DAYS_2025_2026)
def test_add_working_days_of_the_count_lands_on_the_last_working_day_up_to_end(start, end):
    count = CALENDAR.working_days_between(start, end)

    assert CALENDAR.working_days_between(end, start) == -count
    if count > 0:
        last = CALENDAR.add_working_days(start, count)
        assert last <= end
        assert CALENDAR.working_days_between(last, end) == 0


# --- due dates with pauses and extensions (Art. 42, Art. 45) ---------------------------------

# Accepted Monday 2025-03-03; 20 working days end Monday 2025-03-31 (no holidays in March).
START = D(2025, 3, 3)


def test_without_pauses_twenty_working_days_from_march_3_end_march_31():
    assert CALENDAR.due_date(START, 20).date == D(2025, 3, 31)


def test_a_pause_moves_the_due_date_by_the_working_days_inside_it():
    # Wednesday 03-12 to Friday 03-14: three working days do not count.
    due = CALENDAR.due_date(START, 20, pauses=[(D(2025, 3, 12), D(2025, 3, 14))])

    assert due.date == D(2025, 4, 3)
    assert due.steps_of(StepKind.PAUSE) == [
        Step(StepKind.PAUSE, D(2025, 3, 12), D(2025, 3, 14), days=3)
    ]


def test_a_pause_over_a_weekend_only_moves_by_its_working_days():
    # Friday 03-14 to Monday 03-17: two working days.
    due = CALENDAR.due_date(START, 20, pauses=[(D(2025, 3, 14), D(2025, 3, 17))])

    assert due.date == D(2025, 4, 2)


def test_a_pause_pushing_the_period_over_qingming():
    # From Friday 2025-03-07, 20 working days end 04-07 (04-04..06 Qingming); a three-day pause
    # 03-19..21 moves the end to 04-10.
    assert CALENDAR.due_date(D(2025, 3, 7), 20).date == D(2025, 4, 7)
    paused = CALENDAR.due_date(D(2025, 3, 7), 20, pauses=[(D(2025, 3, 19), D(2025, 3, 21))])
    assert paused.date == D(2025, 4, 10)


def test_overlapping_pauses_count_once():
    due = CALENDAR.due_date(
        START, 20, pauses=[(D(2025, 3, 12), D(2025, 3, 13)), (D(2025, 3, 13), D(2025, 3, 14))]
    )

    assert due.date == D(2025, 4, 3)


def test_a_pause_after_the_period_ended_changes_nothing():
    due = CALENDAR.due_date(START, 20, pauses=[(D(2025, 4, 1), D(2025, 4, 30))])

    assert due.date == D(2025, 3, 31)


def test_an_open_pause_stops_the_clock_and_says_what_is_left():
    # 03-04..07 and 03-10..11 counted (6 of 20) before the pause that began Wednesday 03-12.
    due = CALENDAR.due_date(START, 20, pauses=[(D(2025, 3, 12), None)])

    assert due.is_paused
    assert due.date is None
    assert due.paused_since == D(2025, 3, 12)
    assert due.remaining_working_days == 14
    assert due.steps[-1] == Step(StepKind.OPEN_PAUSE, D(2025, 3, 12), days=14)


def test_an_open_pause_starting_after_the_period_ended_does_not_stop_it():
    due = CALENDAR.due_date(START, 20, pauses=[(D(2025, 4, 1), None)])

    assert due.date == D(2025, 3, 31)
    assert not due.is_paused


def test_a_pause_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="before it starts"):
        CALENDAR.due_date(START, 20, pauses=[(D(2025, 3, 14), D(2025, 3, 12))])


def test_an_extension_adds_working_days():
    # Art. 42: 20 + 10. After 03-31 (20): 04-01..03 (23), Qingming 04-04..06, 04-07..11 (28),
    # 04-14 (29), 04-15 (30).
    due = CALENDAR.due_date(START, 20, extension=10)

    assert due.date == D(2025, 4, 15)
    assert due.total_working_days == 30
    assert Step(StepKind.EXTENSION, days=10) in due.steps
    assert Step(StepKind.HOLIDAY, D(2025, 4, 4), D(2025, 4, 6), name="Tomb-sweeping Day") in (
        due.steps
    )


@given(
    start=st.dates(min_value=D(2025, 1, 1), max_value=D(2026, 6, 30)),
    n=st.integers(min_value=1, max_value=30),
    offset=st.integers(min_value=1, max_value=45),
    length=st.integers(min_value=0, max_value=20),
)
def test_a_closed_pause_inside_the_period_moves_it_by_exactly_its_working_days(
    start, n, offset, length
):
    plain = CALENDAR.add_working_days(start, n)
    first = start + dt.timedelta(days=offset)
    last = first + dt.timedelta(days=length)
    assume(first <= plain)  # a pause after the period changes nothing; tested above
    # The working days first..last, both inclusive.
    inside = CALENDAR.working_days_between(first - dt.timedelta(days=1), last)

    due = CALENDAR.due_date(start, n, pauses=[(first, last)])

    assert due.date == CALENDAR.add_working_days(plain, inside)


# --- explanations ----------------------------------------------------------------------------


def test_the_design_example_explains_itself_step_by_step():
    due = CALENDAR.due_date(D(2025, 1, 24), INTAKE_LIMIT.working_days)

    assert due.steps == (
        Step(StepKind.START, D(2025, 1, 24)),
        Step(StepKind.LIMIT, days=5),
        Step(StepKind.WEEKEND, D(2025, 1, 25), D(2025, 1, 25)),
        Step(StepKind.MAKEUP_WORKDAY, D(2025, 1, 26), D(2025, 1, 26), name="Spring Festival"),
        Step(StepKind.HOLIDAY, D(2025, 1, 28), D(2025, 2, 4), name="Spring Festival"),
        Step(StepKind.END, D(2025, 2, 7), days=5),
    )
    assert due.explain() == [
        "The period starts on 2025-01-24 (Friday); that day is not counted (Civil Code Art. 201).",
        "Time limit: 5 working days.",
        "Skipped 2025-01-25 (Saturday): weekend.",
        "Counted 2025-01-26 (Sunday): make-up working day in lieu of Spring Festival.",
        "Skipped 2025-01-28 (Tuesday) to 2025-02-04 (Tuesday): Spring Festival "
        "(statutory holiday, Art. 82).",
        "Due at the end of 2025-02-07 (Friday), the 5th working day counted.",
    ]


def test_explanation_names_mid_autumn_inside_national_day_2025():
    due = CALENDAR.due_date(D(2025, 9, 30), 1)

    assert due.date == D(2025, 10, 9)
    assert [(s.first, s.last, s.name) for s in due.steps_of(StepKind.HOLIDAY)] == [
        (D(2025, 10, 1), D(2025, 10, 5), "National Day"),
        (D(2025, 10, 6), D(2025, 10, 6), "Mid-autumn Festival"),
        (D(2025, 10, 7), D(2025, 10, 8), "National Day"),
    ]


def test_explanation_of_a_pause_and_an_extension():
    due = CALENDAR.due_date(START, 20, pauses=[(D(2025, 3, 12), D(2025, 3, 14))], extension=10)

    lines = due.explain()

    assert "Extended by 10 working days (Art. 42)." in lines
    assert (
        "Clock paused 2025-03-12 (Wednesday) to 2025-03-14 (Friday): 3 working days not counted "
        "(Art. 45)." in lines
    )
    assert lines[-1] == "Due at the end of 2025-04-18 (Friday), the 30th working day counted."


def test_explanation_of_an_open_pause():
    due = CALENDAR.due_date(START, 20, pauses=[(D(2025, 3, 12), None)])

    assert due.explain()[-1] == (
        "Clock paused since 2025-03-12 (Wednesday) and not yet resumed: 14 working days remain "
        "when it resumes (Art. 45)."
    )


# --- SLA lights (电子监察) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "light"),
    [
        (D(2025, 1, 24), SlaLight.GREEN),  # 5 working days left
        (D(2025, 1, 26), SlaLight.GREEN),  # 01-27, 02-05, 02-06, 02-07: 4 left
        (D(2025, 1, 27), SlaLight.YELLOW),  # 3 left, though 11 calendar days remain
        (D(2025, 2, 4), SlaLight.YELLOW),
        (D(2025, 2, 7), SlaLight.YELLOW),  # the due day itself
        (D(2025, 2, 8), SlaLight.RED),  # a make-up Saturday after the due day
        (D(2025, 3, 1), SlaLight.RED),
    ],
)
def test_sla_light_counts_working_days_left(today, light):
    assert CALENDAR.sla_light(today, D(2025, 2, 7)) == light


def test_sla_light_warning_threshold_is_configurable():
    assert CALENDAR.sla_light(D(2025, 2, 6), D(2025, 2, 7), warn_days=0) == SlaLight.GREEN
    assert CALENDAR.sla_light(D(2025, 2, 7), D(2025, 2, 7), warn_days=0) == SlaLight.YELLOW
    assert CALENDAR.sla_light(D(2025, 1, 24), D(2025, 2, 7), warn_days=5) == SlaLight.YELLOW


@given(
    today=st.dates(min_value=D(2024, 1, 1), max_value=D(2026, 12, 31)),
    offset=st.integers(min_value=-20, max_value=40),
    warn=st.integers(min_value=0, max_value=8),
)
def test_the_sla_bands_are_the_working_days_left_rule(today, offset, warn):
    """Red after the due day; yellow with at most ``warn`` working days left after today (a due
    date on a day off counts as the working days before it); green otherwise — read from the
    bands the sweep's SQL is built from, and with nothing beyond the calendar guessed."""
    due = today + dt.timedelta(days=offset)
    assume(due <= CALENDAR.last_day)
    if today > due:
        expected = SlaLight.RED
    elif CALENDAR.working_days_between(today, due) <= warn:
        expected = SlaLight.YELLOW
    else:
        expected = SlaLight.GREEN
    assert CALENDAR.sla_light(today, due, warn) == expected
    bands = CALENDAR.sla_bands(today, warn)
    assert [band.light for band in bands if band.holds(due)] == [expected]
