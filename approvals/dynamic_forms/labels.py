"""Labels, hints and display values in the active language (``x-title-zh`` and friends when the
active language is Chinese, the English ``title`` otherwise)."""

from __future__ import annotations

import datetime

from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from approvals.dynamic_forms.schema import (
    BOOLEAN,
    CHOICE,
    DATE,
    MULTICHOICE,
    enum_labels,
    enum_values,
    field_kind,
)


def chinese_active() -> bool:
    return (get_language() or "").lower().startswith("zh")


def title_of(obj: dict) -> str:
    """The title of a property or step; the other language's title if this one is missing."""
    if chinese_active():
        return obj.get("x-title-zh") or obj.get("title") or ""
    return obj.get("title") or obj.get("x-title-zh") or ""


def hint_of(obj: dict) -> str:
    if chinese_active():
        return obj.get("x-description-zh") or obj.get("description") or ""
    return obj.get("description") or obj.get("x-description-zh") or ""


def choice_label(prop: dict, value) -> str:
    label = enum_labels(prop).get(value)
    if isinstance(label, dict):
        preferred = ("zh", "en") if chinese_active() else ("en", "zh")
        for lang in preferred:
            if label.get(lang):
                return label[lang]
    return str(value)


def choices_of(prop: dict) -> list[tuple[str, str]]:
    return [(value, choice_label(prop, value)) for value in enum_values(prop)]


def display_value(prop: dict, value) -> str:
    """A stored (JSON) value as a person reads it."""
    kind = field_kind(prop)
    if value is None or value == "" or value == []:
        return ""
    if kind == BOOLEAN or isinstance(value, bool):
        return _("Yes") if value else _("No")
    if kind == CHOICE:
        return choice_label(prop, value)
    if kind == MULTICHOICE and isinstance(value, list):
        return _list_separator().join(choice_label(prop, item) for item in value)
    if kind == DATE and isinstance(value, str):
        try:
            return formats.date_format(datetime.date.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _list_separator() -> str:
    return "、" if chinese_active() else ", "
