"""The whole application's answers checked at once, at submission: jsonschema for types and
limits, plus the show-if and required rules the step forms apply, with the same messages."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

from approvals.dynamic_forms import messages
from approvals.dynamic_forms.conditions import is_shown
from approvals.dynamic_forms.fields import is_empty
from approvals.dynamic_forms.labels import title_of
from approvals.dynamic_forms.schema import BOOLEAN, GROUP, INTEGER, NUMBER, field_kind


def validate_application_data(schema: dict, data: dict) -> dict[str, list[str]]:
    """Every problem with ``data`` (all steps), keyed by field name; ``{}`` when it can be
    submitted. Values of hidden fields are ignored, as the step forms drop them."""
    properties: dict = schema.get("properties", {})
    required = set(schema.get("required", []))
    data = data if isinstance(data, dict) else {}
    answers = {
        name: data[name]
        for name in properties
        if name in data and not is_empty(data[name]) and is_shown(properties, name, data)
    }
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        if message not in errors.setdefault(name, []):
            errors[name].append(message)

    for name, prop in properties.items():
        if not is_shown(properties, name, data):
            continue
        kind = field_kind(prop)
        if kind == BOOLEAN and prop.get("const") is True and answers.get(name) is not True:
            add(name, messages.must_tick())
        elif kind == GROUP:
            _check_group_count(prop, answers.get(name), name in required, add, name)
        elif name in required and name not in answers:
            add(name, messages.required())

    validator = Draft202012Validator(
        _limits_only(schema), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    for error in validator.iter_errors(answers):
        path = list(error.absolute_path)
        if not path:
            continue
        name = path[0]
        prop = properties[name]
        if field_kind(prop) == GROUP and len(path) >= 2:
            if error.validator in ("minItems", "maxItems"):
                continue  # counted above, as the form counts them
            if len(path) >= 3 and isinstance(path[1], int):
                sub = path[2]
                sub_prop = prop["items"]["properties"].get(sub, {})
                add(
                    name,
                    messages.in_row(
                        title_of(prop), path[1] + 1, title_of(sub_prop), _message(error, sub_prop)
                    ),
                )
            else:
                add(name, messages.valid_value())
            continue
        if field_kind(prop) == GROUP and error.validator in ("minItems", "maxItems"):
            continue
        add(name, _message(error, prop))

    for name, prop in properties.items():
        if field_kind(prop) != GROUP or not isinstance(answers.get(name), list):
            continue
        item_required = prop["items"].get("required", [])
        for index, row in enumerate(answers[name]):
            if not isinstance(row, dict):
                continue
            for sub in item_required:
                if is_empty(row.get(sub)):
                    sub_prop = prop["items"]["properties"].get(sub, {})
                    add(
                        name,
                        messages.in_row(
                            title_of(prop), index + 1, title_of(sub_prop), messages.required()
                        ),
                    )
    return errors


def _check_group_count(prop: dict, rows: Any, required: bool, add, name: str) -> None:
    count = len(rows) if isinstance(rows, list) else 0
    minimum = prop.get("minItems") or 0
    if required:
        minimum = max(minimum, 1)
    if count < minimum and (count or required):
        add(name, messages.too_few_rows(minimum))
    elif "maxItems" in prop and count > prop["maxItems"]:
        add(name, messages.too_many_rows(prop["maxItems"]))


def _limits_only(schema: dict) -> dict:
    """The schema without ``required`` (checked above, with the show-if rule) and without the
    steps."""
    properties = {}
    for name, prop in schema.get("properties", {}).items():
        prop = dict(prop)
        if field_kind(prop) == GROUP:
            items = {k: v for k, v in prop["items"].items() if k != "required"}
            prop["items"] = items
        properties[name] = prop
    result = {k: v for k, v in schema.items() if k not in ("required", "x-steps")}
    result["properties"] = properties
    return result


def _message(error, prop: dict) -> str:
    validator, limit, value = error.validator, error.validator_value, error.instance
    if validator == "type":
        kind = field_kind(prop)
        if kind == INTEGER:
            return messages.whole_number()
        if kind == NUMBER:
            return messages.number()
        return messages.valid_value()
    if validator == "maxLength":
        return messages.too_long(limit, len(value))
    if validator == "minLength":
        return messages.too_short(limit, len(value))
    if validator == "maximum":
        return messages.too_large(limit)
    if validator == "minimum":
        return messages.too_small(limit)
    if validator == "pattern":
        return messages.bad_format(bool(prop.get("description") or prop.get("x-description-zh")))
    if validator == "format":
        return messages.valid_date()
    if validator == "enum":
        return messages.invalid_choice(value)
    if validator == "const":
        return messages.must_tick()
    if validator == "minItems":
        return messages.too_few_choices(limit)
    if validator == "maxItems":
        return messages.too_many_choices(limit)
    return messages.valid_value()
