"""Error messages shared by the step forms and the whole-application check, so that both say the
same thing about the same mistake. Where Django's form fields already have a message, the same
text (and so Django's own translation) is used."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def required() -> str:
    return _("This field is required.")


def must_tick() -> str:
    return _("Tick this box to continue.")


def bad_format(has_hint: bool) -> str:
    if has_hint:
        return _("This is not in the expected format; see the hint.")
    return _("This is not in the expected format.")


def whole_number() -> str:
    return _("Enter a whole number.")


def number() -> str:
    return _("Enter a number.")


def valid_date() -> str:
    return _("Enter a valid date.")


def valid_value() -> str:
    return _("Enter a valid value.")


def invalid_choice(value) -> str:
    return _("Select a valid choice. %(value)s is not one of the available choices.") % {
        "value": value
    }


def too_long(limit: int, length: int) -> str:
    return ngettext(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        limit,
    ) % {"limit_value": limit, "show_value": length}


def too_short(limit: int, length: int) -> str:
    return ngettext(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        limit,
    ) % {"limit_value": limit, "show_value": length}


def too_large(limit) -> str:
    return _("Ensure this value is less than or equal to %(limit_value)s.") % {"limit_value": limit}


def too_small(limit) -> str:
    return _("Ensure this value is greater than or equal to %(limit_value)s.") % {
        "limit_value": limit
    }


def too_few_choices(count: int) -> str:
    return ngettext(
        "Select at least %(count)d option.", "Select at least %(count)d options.", count
    ) % {"count": count}


def too_many_choices(count: int) -> str:
    return ngettext(
        "Select no more than %(count)d option.", "Select no more than %(count)d options.", count
    ) % {"count": count}


def too_few_rows(count: int) -> str:
    return ngettext(
        "Fill in at least %(count)d entry.", "Fill in at least %(count)d entries.", count
    ) % {"count": count}


def too_many_rows(count: int) -> str:
    return ngettext(
        "Enter no more than %(count)d entry.", "Enter no more than %(count)d entries.", count
    ) % {"count": count}


def in_row(group: str, number: int, field: str, message: str) -> str:
    return _("%(group)s, entry %(number)d, %(field)s: %(message)s") % {
        "group": group,
        "number": number,
        "field": field,
        "message": message,
    }
