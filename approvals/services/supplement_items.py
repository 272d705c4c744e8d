"""What a one-time supplement notice (一次性告知) may list, whoever sends it: the window's clerk at
intake (``services.intake.intake_request_supplement``) or a reviewer during review
(``services.tasks.task_return_to_applicant``). Each item names a material to hand in again, or a
form answer to correct, or neither (another problem), and says what is wrong; the applicant's
answer (``services.intake.supplement_answer``) reopens just the listed answers.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from approvals.dynamic_forms.labels import title_of
from approvals.dynamic_forms.prefill import LOCKED_SOURCES
from approvals.dynamic_forms.schema import GROUP, field_kind
from approvals.models import ServiceVersion

MAX_PROBLEM_LENGTH = 2000


def supplement_correctable_fields(version: ServiceVersion) -> dict[str, dict]:
    """The form fields a supplement notice may ask the applicant to correct: the answers typed
    on the form, not repeating groups and not data taken locked from a base registry (一数一源)."""
    properties = (version.form_schema or {}).get("properties", {})
    return {
        name: prop
        for name, prop in properties.items()
        if field_kind(prop) != GROUP and prop.get("x-prefill") not in LOCKED_SOURCES
    }


def supplement_correctable_choices(version: ServiceVersion) -> list[tuple[str, str]]:
    """The correctable fields as (name, title in the active language), for the notice's form."""
    return [(name, title_of(prop)) for name, prop in supplement_correctable_fields(version).items()]


def supplement_items_clean(version: ServiceVersion, items) -> list[dict]:
    """The notice's items as stored: ``{"material", "problem"}``, or ``{"material": "", "field",
    "problem"}`` for an answer to correct. A row left wholly blank is no item; a material or
    field the service does not have, or one a registry fills (一数一源), is refused, as is an
    item that does not say what is wrong. At least one item."""
    valid_keys = set(version.materials.values_list("key", flat=True))
    correctable = supplement_correctable_fields(version)
    cleaned, errors = [], []
    for item in items or []:
        key = (item.get("material") or "").strip()
        field = (item.get("field") or "").strip()
        problem = (item.get("problem") or "").strip()[:MAX_PROBLEM_LENGTH]
        if not (key or field or problem):
            continue
        if key and key not in valid_keys:
            errors.append(_("“%(key)s” is not a material of this service.") % {"key": key})
            continue
        if field and (key or field not in correctable):
            errors.append(_("“%(key)s” is not a field the applicant can correct.") % {"key": field})
            continue
        if not problem:
            errors.append(_("Say what is missing or wrong for every item you list."))
            continue
        cleaned.append(
            {"material": key, "field": field, "problem": problem}
            if field
            else {"material": key, "problem": problem}
        )
    if not cleaned and not errors:
        errors.append(_("List at least one missing or defective item."))
    if errors:
        raise ValidationError({"items": errors})
    return cleaned


def supplement_item_changes(items: list[dict]) -> dict:
    """What the notice lists, for the act's audit event."""
    return {
        "items": [None, len(items)],
        "materials": [None, [item["material"] for item in items]],
        "fields": [None, [item["field"] for item in items if item.get("field")]],
    }


def supplement_item_lines(version: ServiceVersion, items: list[dict]) -> Callable[[], str]:
    """The items as numbered lines, each named by its material or its field, computed in the
    language active when the message is rendered (the recipient's)."""
    properties = (version.form_schema or {}).get("properties", {})

    def lines() -> str:
        materials = {material.key: material.name for material in version.materials.all()}
        rows = []
        for index, item in enumerate(items, start=1):
            if item.get("field") in properties:
                name = title_of(properties[item["field"]])
            else:
                name = materials.get(item.get("material") or "", "")
            line = (
                _("%(name)s: %(problem)s") % {"name": name, "problem": item["problem"]}
                if name
                else item["problem"]
            )
            rows.append(f"{index}. {line}")
        return "\n".join(rows)

    return lines
