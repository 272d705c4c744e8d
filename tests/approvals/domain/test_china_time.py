import datetime as dt

import time_machine

from approvals.domain.china_time import china_date, china_time, china_today


def test_today_is_the_day_in_beijing_whatever_the_server_clock_says():
    # 23:30 UTC on New Year's Eve is 07:30 on New Year's Day in Beijing
    with time_machine.travel(dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC), tick=False):
        assert china_today() == dt.date(2026, 1, 1)
    moment = dt.datetime(2026, 6, 30, 16, 0, tzinfo=dt.UTC)
    assert china_date(moment) == dt.date(2026, 7, 1)
    assert china_time(moment).strftime("%Y-%m-%d %H:%M") == "2026-07-01 00:00"


def test_the_portal_spells_today_once():
    """No module computes "today" its own way: ``timezone.localdate`` (which follows the
    ``TIME_ZONE`` setting) and hand-made Beijing time zones are not used outside this module."""
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[3]
    offenders = [
        str(path.relative_to(root))
        for package in ("approvals", "accounts", "portal")
        for path in (root / package).rglob("*.py")
        if "migrations" not in path.parts
        and path.name != "china_time.py"
        and any(
            spelling in path.read_text(encoding="utf-8")
            for spelling in ("localdate(", 'ZoneInfo("Asia/Shanghai")', "timedelta(hours=8))")
        )
    ]
    assert offenders == []
