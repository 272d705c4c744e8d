"""``x-show-if``: whether a field is shown, given the answers so far.

A field whose condition does not hold is hidden: it is not required, not validated, and its value
is dropped. A condition holds only when the field it looks at is itself shown and has the value
(``equals``) or one of the values (``in``) it names.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from approvals.dynamic_forms.labels import display_value, title_of


def condition_of(prop: dict) -> dict | None:
    condition = prop.get("x-show-if")
    return condition if isinstance(condition, dict) else None


def accepted_values(condition: dict) -> list:
    return [condition["equals"]] if "equals" in condition else list(condition.get("in") or [])


def same_value(a: Any, b: Any) -> bool:
    """JSON equality: ``True`` is not ``1``, but ``1`` is ``1.0``."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    return type(a) is type(b) and a == b


def is_shown(properties: dict, name: str, values: dict, _seen: frozenset = frozenset()) -> bool:
    condition = condition_of(properties[name])
    if condition is None:
        return True
    target = condition.get("field")
    if target not in properties or target in _seen or target == name:
        return False
    if not is_shown(properties, target, values, _seen | {name}):
        return False
    value = values.get(target)
    return value is not None and any(
        same_value(value, option) for option in accepted_values(condition)
    )


def shown_fields(properties: dict, values: dict) -> set[str]:
    return {name for name in properties if is_shown(properties, name, values)}


def condition_text(properties: dict, condition: dict) -> str:
    """“Answer only if …”: the hint that explains a conditional field to someone without
    JavaScript (who sees every field)."""
    target = properties[condition["field"]]
    values = [display_value(target, value) for value in accepted_values(condition)]
    if len(values) == 1:
        return _("Answer only if “%(field)s” is “%(value)s”.") % {
            "field": title_of(target),
            "value": values[0],
        }
    return _("Answer only if “%(field)s” is one of: %(values)s.") % {
        "field": title_of(target),
        "values": ", ".join(f"“{value}”" for value in values),
    }
