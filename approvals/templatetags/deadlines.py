"""Due dates on pages: ``{% load deadlines %}{% application_deadline application as due %}`` then
``{% include "approvals/deadlines/explain.html" with due=due %}``."""

from django import template
from django.utils.translation import gettext_lazy as _

from approvals.domain.working_days import CalendarNotCovered

register = template.Library()


@register.simple_tag
def application_deadline(application, timeline=None):
    """The running deadline's ``DueDate`` (decision once accepted, else intake), or None when it
    has not started or the calendar does not cover it. ``timeline``: the page's progress
    timeline, whose clock facts are used rather than read again."""
    from approvals.services.deadlines import explain_application_deadline

    clock = {}
    if timeline is not None:
        clock = {"pauses": timeline.clock_pauses, "extension_days": timeline.extension_days}
    try:
        return explain_application_deadline(application, **clock)
    except CalendarNotCovered:
        return None


@register.inclusion_tag("approvals/deadlines/calendar_end.html")
def calendar_end_notice():
    """A notice to officials when the working-day calendar ends within two months."""
    from approvals.models.working_calendar import calendar_end_near

    last_day = calendar_end_near()
    return {"last_day": last_day, "next_year": last_day.year + 1 if last_day else None}


# The names the official schedules use (chinese-calendar), translated on pages.
HOLIDAY_NAMES = {
    "New Year's Day": _("New Year's Day"),
    "Spring Festival": _("Spring Festival"),
    "Tomb-sweeping Day": _("Tomb-sweeping Day"),
    "Labour Day": _("Labour Day"),
    "Dragon Boat Festival": _("Dragon Boat Festival"),
    "Mid-autumn Festival": _("Mid-autumn Festival"),
    "National Day": _("National Day"),
    "Anti-Fascist 70th Day": _("Anti-Fascist War Victory Day"),
}


@register.filter
def holiday_name(name: str):
    """A holiday's name in the page's language where it is one of the official ones."""
    return HOLIDAY_NAMES.get(name, name)
