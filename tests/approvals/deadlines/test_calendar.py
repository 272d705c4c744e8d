import datetime as dt

import pytest
from django.core.management import call_command

from approvals.domain.working_days import CalendarNotCovered, WorkingCalendar
from approvals.models import CalendarDay, CalendarDayKind, CalendarYear
from approvals.models.working_calendar import (
    build_working_calendar,
    seed_from_package,
    working_calendar,
)

D = dt.date


@pytest.mark.django_db
def test_the_migration_seeds_2004_to_2026_with_holiday_names():
    # given a migrated database (or, after another test's flush, the same seeding again)
    years = list(CalendarYear.objects.values_list("year", flat=True))
    # then every year of the package is there, with named days
    assert years == list(range(2004, 2027))
    spring = CalendarDay.objects.get(date=D(2025, 1, 28))
    assert (spring.kind, spring.name) == (CalendarDayKind.HOLIDAY, "Spring Festival")
    makeup = CalendarDay.objects.get(date=D(2025, 1, 26))
    assert (makeup.kind, makeup.name) == (CalendarDayKind.MAKEUP_WORKDAY, "Spring Festival")


@pytest.mark.django_db
def test_calendar_from_the_database_equals_the_package_for_2025_and_2026():
    # given the seeded tables
    ours = working_calendar()
    package = WorkingCalendar.from_chinese_calendar(2025, 2026)
    # then every day of 2025-2026 has the same kind and name
    day = D(2025, 1, 1)
    while day <= D(2026, 12, 31):
        assert ours.day_kind(day) == package.day_kind(day), day
        assert ours.day_name(day) == package.day_name(day), day
        day += dt.timedelta(days=1)


@pytest.mark.django_db
def test_dates_after_the_official_years_are_provisional_and_beyond_them_refused():
    calendar = working_calendar()
    # five working days from Monday 2026-12-28: 2027-01-01 is off by law, so 2027-01-05
    due = calendar.due_date(D(2026, 12, 28), 5)
    assert (due.date, due.provisional) == (D(2027, 1, 5), True)
    assert not calendar.due_date(D(2026, 12, 1), 5).provisional
    # past the provisional years nothing is counted at all
    with pytest.raises(CalendarNotCovered):
        calendar.add_working_days(D(2028, 12, 28), 5)


@pytest.mark.django_db
def test_seed_command_is_idempotent_and_repairs_edits():
    # given a day edited away from the official schedule and one removed
    CalendarDay.objects.filter(date=D(2025, 10, 8)).update(name="wrong")
    CalendarDay.objects.filter(date=D(2025, 9, 28)).delete()
    # when the command runs twice
    call_command("seed_calendar")
    again = seed_from_package()
    # then the official schedule is back and the second run changed nothing
    assert CalendarDay.objects.get(date=D(2025, 10, 8)).name == "National Day"
    assert CalendarDay.objects.get(date=D(2025, 9, 28)).kind == CalendarDayKind.MAKEUP_WORKDAY
    assert again == {"years_added": 0, "days_added": 0, "days_updated": 0, "days_removed": 0}


@pytest.mark.django_db
def test_a_change_to_the_tables_takes_effect_at_once_in_this_process():
    # given the cached calendar
    assert working_calendar().is_working_day(D(2026, 3, 2))
    # when a day becomes a holiday
    CalendarDay.objects.create(date=D(2026, 3, 2), kind=CalendarDayKind.HOLIDAY, name="Test")
    # then the next call sees it
    assert not working_calendar().is_working_day(D(2026, 3, 2))


@pytest.mark.django_db
def test_an_empty_table_falls_back_to_the_package():
    CalendarDay.objects.all().delete()
    CalendarYear.objects.all().delete()
    calendar = build_working_calendar()
    assert calendar.day_kind(D(2026, 10, 1)).value == "holiday"


@pytest.mark.django_db
def test_another_process_edit_is_seen_once_the_shared_version_moves(settings):
    from django.core.cache import cache

    from approvals.models.working_calendar import VERSION_KEY, _bump_shared_version

    # given this process's cached calendar, trusted for a minute
    settings.CALENDAR_CACHE_SECONDS = 60
    assert working_calendar().is_working_day(D(2026, 3, 3))
    # when another process changes the table (no signal here) and bumps the shared version
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=D(2026, 3, 3), kind=CalendarDayKind.HOLIDAY, name="Other")]
    )
    _bump_shared_version()
    # then within the trust period the old copy is still used...
    assert working_calendar().is_working_day(D(2026, 3, 3))
    # ...and once it has passed, the new version is read
    settings.CALENDAR_CACHE_SECONDS = 0
    assert not working_calendar().is_working_day(D(2026, 3, 3))
    assert cache.get(VERSION_KEY) >= 1


def test_the_migration_seeds_with_the_shared_seeding_function():
    import importlib

    migration = importlib.import_module("approvals.migrations.0005_seed_calendar")
    assert (migration.FIRST, migration.LAST) == (2004, 2026)
    assert "seed_from_package" in migration.seed.__code__.co_names
