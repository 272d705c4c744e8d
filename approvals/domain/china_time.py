"""Today in China: the one clock reading of the portal.

Statutory dates (receipt, acceptance, due dates, issue dates, tracking numbers) are calendar
dates in Beijing time (Asia/Shanghai, no daylight saving), whatever the server's clock or
``TIME_ZONE`` says. Every "today" and every "the day of this moment" in the portal is asked of
this module.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def china_time(moment: dt.datetime) -> dt.datetime:
    """``moment`` (an aware datetime) on a clock in China."""
    return moment.astimezone(CHINA)


def china_date(moment: dt.datetime) -> dt.date:
    """The day in China at ``moment`` (an aware datetime)."""
    return china_time(moment).date()


def china_today() -> dt.date:
    """Today in China."""
    return china_date(dt.datetime.now(dt.UTC))
