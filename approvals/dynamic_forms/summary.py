"""The answers as rows for the review page ("check your answers") and the case file."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.identifiers import is_valid_id_number, mask_id_number
from approvals.dynamic_forms.conditions import is_shown
from approvals.dynamic_forms.fields import is_empty
from approvals.dynamic_forms.labels import display_value, title_of
from approvals.dynamic_forms.prefill import MASKED_SOURCES
from approvals.dynamic_forms.schema import GROUP, field_kind


def summary_rows(schema: dict, data: dict) -> list[dict]:
    """One row per shown field, in step order::

        {"name": "staff", "label": "Food safety staff", "value": "…", "answered": True,
         "step": "premises", "step_title": "Premises and staff",
         "entries": [[{"label": "Name", "value": "Li Lei"}, …], …]}

    ``value`` is the display text ("Not provided" when unanswered; the ID number masked);
    ``entries`` lists a repeating group's rows (empty for other fields). Hidden fields are left
    out.
    """
    properties = schema.get("properties", {})
    data = data if isinstance(data, dict) else {}
    rows = []
    for step in schema.get("x-steps", []):
        for name in step.get("fields", []):
            prop = properties.get(name)
            if prop is None or not is_shown(properties, name, data):
                continue
            value = data.get(name)
            entries = []
            if field_kind(prop) == GROUP and isinstance(value, list):
                sub_properties = prop["items"]["properties"]
                entries = [
                    [
                        {
                            "label": title_of(sub_prop),
                            "value": _display(sub_prop, row.get(sub)) or _("Not provided"),
                        }
                        for sub, sub_prop in sub_properties.items()
                    ]
                    for row in value
                    if isinstance(row, dict)
                ]
                display = "; ".join(
                    ", ".join(f"{cell['label']}: {cell['value']}" for cell in entry)
                    for entry in entries
                )
            else:
                display = _display(prop, value)
            answered = not is_empty(value)
            rows.append(
                {
                    "name": name,
                    "label": title_of(prop),
                    "value": display if answered else _("Not provided"),
                    "answered": answered,
                    "step": step.get("key"),
                    "step_title": title_of(step),
                    "entries": entries,
                }
            )
    return rows


def masks_as_id_number(prop: dict, value) -> bool:
    """Whether an answer is shown masked (DESIGN §4): a resident ID number, whether the field was
    filled from the applicant's own record or typed into any text field (a shareholder's, a
    staff member's)."""
    return isinstance(value, str) and (
        prop.get("x-prefill") in MASKED_SOURCES or is_valid_id_number(value)
    )


def masked_answers(schema: dict, data: dict) -> dict:
    """The stored answers with every ID number masked, inside repeating groups too (for the
    API's reading of an application)."""
    properties = schema.get("properties", {})
    masked = {}
    for name, value in (data if isinstance(data, dict) else {}).items():
        prop = properties.get(name, {})
        if field_kind(prop) == GROUP and isinstance(value, list):
            items = prop.get("items", {}).get("properties", {})
            value = [
                {
                    sub: mask_id_number(cell)
                    if masks_as_id_number(items.get(sub, {}), cell)
                    else cell
                    for sub, cell in row.items()
                }
                if isinstance(row, dict)
                else row
                for row in value
            ]
        elif masks_as_id_number(prop, value):
            value = mask_id_number(value)
        masked[name] = value
    return masked


def _display(prop: dict, value) -> str:
    if masks_as_id_number(prop, value):
        return mask_id_number(value)
    return display_value(prop, value)


def summary_differences(schema: dict, before: dict, after: dict) -> list[dict]:
    """The shown fields whose answer differs between ``before`` and ``after`` (a change (变更)
    against the licence it changes), in step order::

        {"name": "premises_address", "label": "Premises address",
         "before": "东街88号", "after": "西街9号"}

    Compared on the stored values, shown as ``summary_rows`` shows them (masked alike)."""
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    shown_before = {row["name"]: row for row in summary_rows(schema, before)}
    differences = []
    for row in summary_rows(schema, after):
        name = row["name"]
        if before.get(name) == after.get(name):
            continue
        old = shown_before.get(name)
        differences.append(
            {
                "name": name,
                "label": row["label"],
                "before": old["value"] if old else _("Not provided"),
                "after": row["value"],
            }
        )
    return differences
