"""The statutory holidays fixed by law, for the years the official schedule does not cover yet.

《全国年节及纪念日放假办法》 (as amended in 2024), Art. 2: New Year's Day (1 January), the Spring
Festival (its eve and days 1-3 of the first lunar month), Qingming (the solar term), Labour Day
(1-2 May), the Dragon Boat Festival (5th day of the 5th lunar month), the Mid-Autumn Festival (15th
day of the 8th lunar month) and National Day (1-3 October). Art. 6: a holiday that falls on a
Saturday or Sunday is made up on a working day (补假); which one the State Council says, so the
provisional count gives the first working day after the holiday.

The State Council also moves weekends (调休, make-up working days); those cannot be known before
it publishes the year's schedule, so a date counted from these days alone is provisional.
"""

from __future__ import annotations

import datetime as dt

ONE_DAY = dt.timedelta(days=1)
SATURDAY, SUNDAY = 5, 6

# The names the official schedules use (chinese-calendar), so pages translate them alike.
NEW_YEAR = "New Year's Day"
SPRING_FESTIVAL = "Spring Festival"
QINGMING = "Tomb-sweeping Day"
LABOUR_DAY = "Labour Day"
DRAGON_BOAT = "Dragon Boat Festival"
MID_AUTUMN = "Mid-autumn Festival"
NATIONAL_DAY = "National Day"


def _lunar(year: int, month: int, day: int) -> dt.date:
    from lunar_python import Lunar

    solar = Lunar.fromYmd(year, month, day).getSolar()
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


def _qingming(year: int) -> dt.date:
    import chinese_calendar

    terms = chinese_calendar.get_solar_terms(dt.date(year, 4, 1), dt.date(year, 4, 10))
    return next(day for day, name in terms if name == "清明")


def statutory_holidays(year: int) -> dict[dt.date, str]:
    """The rest days the law itself fixes for ``year`` (lunar dates and Qingming computed), with
    Art. 6's make-up rest day for each holiday day that falls on a weekend."""
    new_year = _lunar(year, 1, 1)
    groups = [
        (NEW_YEAR, [dt.date(year, 1, 1)]),
        (SPRING_FESTIVAL, [new_year - ONE_DAY + i * ONE_DAY for i in range(4)]),
        (QINGMING, [_qingming(year)]),
        (LABOUR_DAY, [dt.date(year, 5, 1), dt.date(year, 5, 2)]),
        (DRAGON_BOAT, [_lunar(year, 5, 5)]),
        (MID_AUTUMN, [_lunar(year, 8, 15)]),
        (NATIONAL_DAY, [dt.date(year, 10, d) for d in (1, 2, 3)]),
    ]
    days: dict[dt.date, str] = {}
    for name, group in groups:
        for day in group:
            days.setdefault(day, name)
    for name, group in groups:
        owed = sum(day.weekday() in (SATURDAY, SUNDAY) for day in group)
        day = max(group)
        while owed:
            day += ONE_DAY
            if day.weekday() not in (SATURDAY, SUNDAY) and day not in days:
                days[day] = name
                owed -= 1
    return {day: name for day, name in sorted(days.items()) if day.year == year}
