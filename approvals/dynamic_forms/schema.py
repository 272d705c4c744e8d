"""The application form schema: a JSON Schema (draft 2020-12) with presentation hints in ``x-``
keywords, and the checks a schema must pass before a service version using it is published.

A schema is checked twice over: against the 2020-12 meta-schema (so that jsonschema can validate
stored data with it), and against the narrower shapes the form engine can render as a server-side
form (one kind of field per property, every property in exactly one step, bilingual labels).
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator

PREFILL_SOURCES = (
    "person.real_name",
    "person.id_number",
    "person.mobile",
    "person.address",
    "person.email",
    "business.name",
    "business.uscc",
    "business.legal_representative",
    "business.address",
)

# Lower-case words joined by single underscores: the name is used as a form field name and as a
# formset prefix, and double underscores are reserved for the "add__<field>" button names.
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
LANGS = ("en", "zh")  # the keys of an x-enum-labels entry
STEP_KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{0,49}$")
MAX_NAME_LENGTH = 50

# Keywords every property may carry, whatever its type.
_COMMON_KEYWORDS = {
    "type",
    "title",
    "x-title-zh",
    "description",
    "x-description-zh",
    "x-show-if",
    "$comment",
}
_SCALAR_KEYWORDS = {
    "string": {"format", "enum", "pattern", "minLength", "maxLength", "x-widget", "x-prefill"}
    | {"x-enum-labels", "x-licence-valid-to"},
    "integer": {"minimum", "maximum"},
    "number": {"minimum", "maximum"},
    "boolean": {"const"},
}
_ARRAY_KEYWORDS = {"items", "minItems", "maxItems", "uniqueItems", "x-widget", "x-enum-labels"}
_GROUP_ITEM_KEYWORDS = {"type", "properties", "required", "additionalProperties", "$comment"}
_CHOICE_ITEM_KEYWORDS = {"type", "enum", "x-enum-labels"}

# Kinds of field the engine renders; see field_kind().
TEXT, TEXTAREA, DATE, CHOICE, INTEGER, NUMBER, BOOLEAN, MULTICHOICE, GROUP = (
    "text",
    "textarea",
    "date",
    "choice",
    "integer",
    "number",
    "boolean",
    "multichoice",
    "group",
)
_WIDGETS_BY_KIND = {
    TEXT: {"textarea"},
    TEXTAREA: {"textarea"},
    CHOICE: {"select", "radio"},
    MULTICHOICE: {"checkboxes"},
}


def field_kind(prop: dict) -> str:
    """The kind of form field a (checked) property is rendered as."""
    kind = prop.get("type")
    if kind == "string":
        if "enum" in prop:
            return CHOICE
        if prop.get("format") == "date":
            return DATE
        return TEXTAREA if prop.get("x-widget") == "textarea" else TEXT
    if kind == "array":
        items = prop.get("items") or {}
        return GROUP if items.get("type") == "object" else MULTICHOICE
    return {"integer": INTEGER, "number": NUMBER, "boolean": BOOLEAN}.get(kind, TEXT)


def enum_labels(prop: dict) -> dict:
    """The ``x-enum-labels`` of a choice property or a multiple-choice array (on the property, or
    on its ``items``)."""
    labels = prop.get("x-enum-labels")
    if labels is None and isinstance(prop.get("items"), dict):
        labels = prop["items"].get("x-enum-labels")
    return labels if isinstance(labels, dict) else {}


def enum_values(prop: dict) -> list:
    if prop.get("type") == "array":
        return list((prop.get("items") or {}).get("enum") or [])
    return list(prop.get("enum") or [])


def check_form_schema(schema: Any) -> list[str]:
    """Problems that keep ``schema`` from being used as an application form, each starting with
    the JSON path of the part at fault; an empty list when the schema is fine."""
    if not isinstance(schema, dict):
        return [f"$: {_('The form schema must be a JSON object.')}"]
    problems = [
        f"{_path(error.absolute_path)}: {error.message}"
        for error in sorted(
            Draft202012Validator(Draft202012Validator.META_SCHEMA).iter_errors(schema),
            key=lambda error: list(map(str, error.absolute_path)),
        )
    ]
    if problems:
        # Our own rules assume a structurally valid JSON Schema.
        return problems
    return _SchemaChecker(schema).check()


def _path(parts) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


class _SchemaChecker:
    def __init__(self, schema: dict):
        self.schema = schema
        self.problems: list[str] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def check(self) -> list[str]:
        schema = self.schema
        if schema.get("type") != "object":
            self.problem("$.type", _('The form schema must have "type": "object".'))
        properties = schema.get("properties")
        if not isinstance(properties, dict) or not properties:
            self.problem("$.properties", _("The form needs at least one property."))
            return self.problems
        unsupported = set(schema) - {
            "$schema",
            "$id",
            "$comment",
            "type",
            "title",
            "x-title-zh",
            "description",
            "x-description-zh",
            "properties",
            "required",
            "additionalProperties",
            "x-steps",
        }
        for keyword in sorted(unsupported):
            self.problem(
                f"$.{keyword}",
                _("The keyword “%(keyword)s” is not supported in a form schema.")
                % {"keyword": keyword},
            )
        for name, prop in properties.items():
            self.check_property(f"$.properties.{name}", name, prop, top_level=True)
        self.check_required("$.required", schema.get("required", []), properties)
        step_of = self.check_steps(properties)
        for name, prop in properties.items():
            if isinstance(prop, dict) and "x-show-if" in prop:
                self.check_show_if(name, prop["x-show-if"], properties, step_of)
        self.check_condition_cycles(properties)
        return self.problems

    # -- properties ---------------------------------------------------------------------------

    def check_property(self, path: str, name: str, prop: Any, *, top_level: bool) -> None:
        if not NAME_PATTERN.match(name) or len(name) > MAX_NAME_LENGTH:
            self.problem(
                path,
                _(
                    "Property names must be lower-case letters and digits joined by single "
                    "underscores, starting with a letter, at most 50 characters."
                ),
            )
        if not isinstance(prop, dict):
            self.problem(path, _("A property must be a JSON object."))
            return
        self.check_titles(path, prop)
        kind = prop.get("type")
        if kind not in ("string", "integer", "number", "boolean", "array"):
            self.problem(
                f"{path}.type",
                _("The type must be one of string, integer, number, boolean or array."),
            )
            return
        if kind == "array" and not top_level:
            self.problem(
                f"{path}.type", _("A repeating group cannot contain lists or other groups.")
            )
            return
        allowed = _COMMON_KEYWORDS | (
            _ARRAY_KEYWORDS if kind == "array" else _SCALAR_KEYWORDS[kind]
        )
        if not top_level:
            allowed = allowed - {"x-show-if", "x-prefill"}
        for keyword in sorted(set(prop) - allowed):
            self.problem(
                f"{path}.{keyword}",
                _("The keyword “%(keyword)s” is not supported for a field of type %(type)s.")
                % {"keyword": keyword, "type": kind},
            )
        if kind == "string":
            self.check_string(path, prop)
        elif kind in ("integer", "number"):
            self.check_range(path, prop, "minimum", "maximum")
        elif kind == "boolean":
            if "const" in prop and prop["const"] is not True:
                self.problem(
                    f"{path}.const",
                    _("A checkbox may only require being ticked (“const”: true)."),
                )
        else:
            self.check_array(path, prop)
        self.check_widget(path, prop)

    def check_titles(self, path: str, obj: dict) -> None:
        for key in ("title", "x-title-zh"):
            value = obj.get(key)
            if not isinstance(value, str) or not value.strip():
                self.problem(
                    f"{path}.{key}",
                    _("An English “title” and a Chinese “x-title-zh” are both required."),
                )
        for key in ("description", "x-description-zh"):
            if key in obj and not isinstance(obj[key], str):
                self.problem(f"{path}.{key}", _("A hint must be text."))

    def check_string(self, path: str, prop: dict) -> None:
        if "format" in prop and prop["format"] != "date":
            self.problem(f"{path}.format", _("The only supported format is “date”."))
        if "enum" in prop:
            for keyword in ("format", "pattern", "minLength", "maxLength", "x-prefill"):
                if keyword in prop:
                    self.problem(
                        f"{path}.{keyword}",
                        _("“%(keyword)s” cannot be combined with a list of choices (“enum”).")
                        % {"keyword": keyword},
                    )
            self.check_enum(path, prop, prop["enum"], f"{path}.enum")
        elif "x-enum-labels" in prop:
            self.problem(
                f"{path}.x-enum-labels", _("Choice labels need a list of choices (“enum”).")
            )
        if prop.get("format") == "date":
            for keyword in ("pattern", "minLength", "maxLength", "x-prefill"):
                if keyword in prop:
                    self.problem(
                        f"{path}.{keyword}",
                        _("“%(keyword)s” cannot be combined with a date.") % {"keyword": keyword},
                    )
        if "pattern" in prop:
            try:
                re.compile(prop["pattern"])
            except re.error as exc:
                self.problem(
                    f"{path}.pattern",
                    _("The pattern is not a valid regular expression: %(error)s") % {"error": exc},
                )
        self.check_range(path, prop, "minLength", "maxLength")
        # The licence runs to this date (an outdoor sign's 设置期限): a date field, marked true.
        if "x-licence-valid-to" in prop and (
            prop["x-licence-valid-to"] is not True or prop.get("format") != "date"
        ):
            self.problem(
                f"{path}.x-licence-valid-to",
                _("Only a date field can give the licence's end, with the value true."),
            )
        if "x-prefill" in prop and prop["x-prefill"] not in PREFILL_SOURCES:
            self.problem(
                f"{path}.x-prefill",
                _("Unknown prefill source; use one of: %(sources)s.")
                % {"sources": ", ".join(PREFILL_SOURCES)},
            )

    def check_enum(self, path: str, prop: dict, values: Any, enum_path: str) -> None:
        if not isinstance(values, list) or not values:
            self.problem(enum_path, _("The list of choices must not be empty."))
            return
        if not all(isinstance(value, str) and value for value in values):
            self.problem(enum_path, _("Every choice must be a non-empty string."))
            return
        labels = enum_labels(prop)
        labels_path = (
            f"{path}.x-enum-labels" if "x-enum-labels" in prop else f"{path}.items.x-enum-labels"
        )
        if not isinstance(labels, dict) or not labels:
            self.problem(
                labels_path,
                _("Each choice needs an English and a Chinese label in “x-enum-labels”."),
            )
            return
        for value in values:
            label = labels.get(value)
            if not (
                isinstance(label, dict)
                and all(isinstance(label.get(lang), str) and label[lang].strip() for lang in LANGS)
            ):
                self.problem(
                    f"{labels_path}.{value}",
                    _("The choice “%(value)s” needs labels {“en”: …, “zh”: …}.") % {"value": value},
                )
        for extra in sorted(set(labels) - set(values)):
            self.problem(
                f"{labels_path}.{extra}",
                _("“%(value)s” has a label but is not one of the choices.") % {"value": extra},
            )

    def check_range(self, path: str, prop: dict, low_key: str, high_key: str) -> None:
        low, high = prop.get(low_key), prop.get(high_key)
        if isinstance(low, int | float) and isinstance(high, int | float) and low > high:
            self.problem(
                f"{path}.{low_key}",
                _("“%(low)s” is greater than “%(high)s”.") % {"low": low_key, "high": high_key},
            )

    def check_array(self, path: str, prop: dict) -> None:
        items = prop.get("items")
        if not isinstance(items, dict):
            self.problem(
                f"{path}.items",
                _(
                    "A list needs “items”: either a list of choices ({“enum”: […]}) or a "
                    "repeating group ({“type”: “object”, “properties”: {…}})."
                ),
            )
            return
        self.check_range(path, prop, "minItems", "maxItems")
        if items.get("type") == "object":
            self.check_group(path, prop, items)
        elif "enum" in items and items.get("type", "string") == "string":
            for keyword in sorted(set(items) - _CHOICE_ITEM_KEYWORDS):
                self.problem(
                    f"{path}.items.{keyword}",
                    _("The keyword “%(keyword)s” is not supported in a list of choices.")
                    % {"keyword": keyword},
                )
            self.check_enum(path, prop, items["enum"], f"{path}.items.enum")
        else:
            self.problem(
                f"{path}.items",
                _(
                    "A list needs “items”: either a list of choices ({“enum”: […]}) or a "
                    "repeating group ({“type”: “object”, “properties”: {…}})."
                ),
            )

    def check_group(self, path: str, prop: dict, items: dict) -> None:
        if "x-enum-labels" in prop:
            self.problem(
                f"{path}.x-enum-labels", _("Choice labels need a list of choices (“enum”).")
            )
        if "uniqueItems" in prop:
            self.problem(
                f"{path}.uniqueItems",
                _("The keyword “%(keyword)s” is not supported for a repeating group.")
                % {"keyword": "uniqueItems"},
            )
        for keyword in sorted(set(items) - _GROUP_ITEM_KEYWORDS):
            self.problem(
                f"{path}.items.{keyword}",
                _("The keyword “%(keyword)s” is not supported for a repeating group.")
                % {"keyword": keyword},
            )
        sub_properties = items.get("properties")
        if not isinstance(sub_properties, dict) or not sub_properties:
            self.problem(
                f"{path}.items.properties", _("A repeating group needs at least one field.")
            )
            return
        for name, sub in sub_properties.items():
            self.check_property(f"{path}.items.properties.{name}", name, sub, top_level=False)
        self.check_required(f"{path}.items.required", items.get("required", []), sub_properties)

    def check_widget(self, path: str, prop: dict) -> None:
        if "x-widget" not in prop:
            return
        allowed = _WIDGETS_BY_KIND.get(field_kind(prop), set())
        if prop["x-widget"] not in allowed:
            self.problem(
                f"{path}.x-widget",
                _("The widget “%(widget)s” cannot be used here; allowed: %(allowed)s.")
                % {
                    "widget": prop["x-widget"],
                    "allowed": ", ".join(sorted(allowed)) or _("none"),
                },
            )

    def check_required(self, path: str, required: Any, properties: dict) -> None:
        if not isinstance(required, list):
            return  # the meta-schema reports it
        for index, name in enumerate(required):
            if name not in properties:
                self.problem(
                    f"{path}[{index}]",
                    _("“%(name)s” is required but is not a property.") % {"name": name},
                )

    # -- steps ----------------------------------------------------------------------------------

    def check_steps(self, properties: dict) -> dict[str, int]:
        """Check ``x-steps``; return the index of the step each property is in."""
        steps = self.schema.get("x-steps")
        step_of: dict[str, int] = {}
        if not isinstance(steps, list) or not steps:
            self.problem("$.x-steps", _("The form needs a non-empty list of steps (“x-steps”)."))
            return step_of
        seen_keys: set[str] = set()
        for index, step in enumerate(steps):
            path = f"$.x-steps[{index}]"
            if not isinstance(step, dict):
                self.problem(path, _("A step must be a JSON object."))
                continue
            for keyword in sorted(set(step) - {"key", "title", "x-title-zh", "fields"}):
                self.problem(
                    f"{path}.{keyword}",
                    _("The keyword “%(keyword)s” is not supported in a step.")
                    % {"keyword": keyword},
                )
            key = step.get("key")
            if not isinstance(key, str) or not STEP_KEY_PATTERN.match(key):
                self.problem(
                    f"{path}.key",
                    _(
                        "A step key must be lower-case letters, digits, “-” or “_”, starting "
                        "with a letter."
                    ),
                )
            elif key in seen_keys:
                self.problem(
                    f"{path}.key", _("The step key “%(key)s” is used twice.") % {"key": key}
                )
            else:
                seen_keys.add(key)
            self.check_titles(path, step)
            fields = step.get("fields")
            if not isinstance(fields, list) or not fields:
                self.problem(f"{path}.fields", _("A step needs a non-empty list of fields."))
                continue
            for position, name in enumerate(fields):
                field_path = f"{path}.fields[{position}]"
                if not isinstance(name, str) or name not in properties:
                    self.problem(
                        field_path,
                        _("“%(name)s” is not a property of the form.") % {"name": name},
                    )
                elif name in step_of:
                    self.problem(
                        field_path,
                        _("“%(name)s” is already in another step or listed twice.")
                        % {"name": name},
                    )
                else:
                    step_of[name] = index
        for name in properties:
            if name not in step_of:
                self.problem(
                    f"$.properties.{name}",
                    _("“%(name)s” is not in any step.") % {"name": name},
                )
        return step_of

    # -- conditions -----------------------------------------------------------------------------

    def check_show_if(
        self, name: str, condition: Any, properties: dict, step_of: dict[str, int]
    ) -> None:
        path = f"$.properties.{name}.x-show-if"
        if not isinstance(condition, dict):
            self.problem(path, _("A condition must be a JSON object."))
            return
        target = condition.get("field")
        has_equals, has_in = "equals" in condition, "in" in condition
        for keyword in sorted(set(condition) - {"field", "equals", "in"}):
            self.problem(
                f"{path}.{keyword}",
                _("The keyword “%(keyword)s” is not supported in a condition.")
                % {"keyword": keyword},
            )
        if has_equals == has_in:
            self.problem(
                path, _("A condition needs exactly one of “equals” (a value) or “in” (a list).")
            )
        if not isinstance(target, str) or target not in properties or target == name:
            self.problem(
                f"{path}.field",
                _("The condition must name another property of the form."),
            )
            return
        if name in step_of and target in step_of and step_of[target] > step_of[name]:
            self.problem(
                f"{path}.field",
                _("The condition's field “%(field)s” must be in the same step or an earlier one.")
                % {"field": target},
            )
        target_prop = properties[target]
        if not isinstance(target_prop, dict):
            return
        if target_prop.get("type") == "array":
            self.problem(
                f"{path}.field", _("A condition cannot depend on a list or a repeating group.")
            )
            return
        if has_in:
            values = condition["in"]
            if not isinstance(values, list) or not values:
                self.problem(f"{path}.in", _("“in” must be a non-empty list of values."))
                return
            for index, value in enumerate(values):
                self.check_condition_value(f"{path}.in[{index}]", value, target_prop)
        elif has_equals:
            self.check_condition_value(f"{path}.equals", condition["equals"], target_prop)

    def check_condition_cycles(self, properties: dict) -> None:
        def target_of(name):
            prop = properties.get(name)
            condition = prop.get("x-show-if") if isinstance(prop, dict) else None
            return condition.get("field") if isinstance(condition, dict) else None

        for name in properties:
            seen = [name]
            target = target_of(name)
            if target == name:
                continue  # reported as not naming another property
            while isinstance(target, str) and target in properties:
                if target == name:
                    self.problem(
                        f"$.properties.{name}.x-show-if",
                        _("The conditions form a loop: %(loop)s.")
                        % {"loop": " → ".join([*seen, name])},
                    )
                    break
                if target in seen:
                    break  # a loop further on; reported for the fields in it
                seen.append(target)
                target = target_of(target)

    def check_condition_value(self, path: str, value: Any, target: dict) -> None:
        kind = target.get("type")
        valid = {
            "string": isinstance(value, str),
            "boolean": isinstance(value, bool),
            "integer": isinstance(value, int) and not isinstance(value, bool),
            "number": isinstance(value, int | float) and not isinstance(value, bool),
        }.get(kind, False)
        if valid and "enum" in target:
            valid = value in target["enum"]
        if not valid:
            self.problem(
                path,
                _("%(value)s is not a value the field can take.") % {"value": repr(value)},
            )
