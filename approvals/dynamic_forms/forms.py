"""The step forms: one Django form per step of a schema, rendered and validated on the server.

Fields with an ``x-show-if`` condition on an earlier step are left out when that step's stored
answer makes them irrelevant; conditions on a field of the same step are decided when the step is
submitted (``conditional-fields.js`` only hides and shows, as a convenience). Repeating groups
are formsets; their "Add another" and "Remove" buttons are ordinary submit buttons, so they work
without JavaScript: such a request re-renders the step with one row more or less, keeping every
typed value, and is never valid (nothing is saved or validated).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django import forms
from django.forms.utils import ErrorDict
from django.utils.translation import gettext as _

from accounts.identifiers import mask_id_number
from approvals.dynamic_forms.conditions import condition_of, condition_text, is_shown
from approvals.dynamic_forms.fields import is_empty, make_field, to_form_value, to_json
from approvals.dynamic_forms.groups import (
    Group,
    GroupAnchor,
    apply_group_action,
    clean_group,
    make_group,
)
from approvals.dynamic_forms.labels import display_value, hint_of, title_of
from approvals.dynamic_forms.prefill import LOCKED_SOURCES, MASKED_SOURCES, source_note
from approvals.dynamic_forms.schema import GROUP, field_kind


@dataclass(frozen=True)
class Step:
    key: str
    title: str  # in the active language
    fields: tuple[str, ...]
    number: int  # 1-based position, for "Step 2 of 3"


def steps(schema: dict) -> list[Step]:
    return [
        Step(key=step["key"], title=title_of(step), fields=tuple(step["fields"]), number=index)
        for index, step in enumerate(schema.get("x-steps", []), start=1)
    ]


def build_step_form(
    schema: dict,
    step_key: str,
    *,
    data=None,
    initial: dict | None = None,
    prefill: dict | None = None,
    on_behalf: bool = False,
) -> StepForm:
    """The form for one step. ``data`` is the POST data (None for an unbound form), ``initial``
    every answer stored so far (all steps), ``prefill`` the result of ``prefill_values``;
    ``on_behalf`` when a clerk fills it for the applicant (it speaks of the applicant's data).

    Raises ``KeyError`` for a step the schema does not have.
    """
    return StepForm(
        schema=schema,
        step_key=step_key,
        data=data,
        initial=initial,
        prefill=prefill,
        on_behalf=on_behalf,
    )


@dataclass
class ReadOnlyValue:
    name: str
    label: str
    value: Any  # what is stored
    display: str  # what is shown (the ID number masked)
    note: str


@dataclass
class Entry:
    """One field of the step as the include renders it."""

    name: str
    template: str  # "plain", "boolean", "choices", "group" or "readonly"
    field: Any = None  # the BoundField (the group's anchor for a group)
    group: Group | None = None
    readonly: ReadOnlyValue | None = None
    condition_field: str = ""
    condition_values: str = ""  # JSON list, for conditional-fields.js


class StepForm(forms.Form):
    def __init__(self, *, schema, step_key, data=None, initial=None, prefill=None, on_behalf=False):
        self.schema = schema
        self.properties: dict = schema["properties"]
        step = next((s for s in schema.get("x-steps", []) if s.get("key") == step_key), None)
        if step is None:
            raise KeyError(step_key)
        self.step_key = step_key
        self.step_title = title_of(step)
        self.step_fields: tuple[str, ...] = tuple(step["fields"])
        self.stored: dict = dict(initial or {})
        self.prefill: dict = dict(prefill or {})
        self.required_names = set(schema.get("required", []))
        self.field_names = [name for name in self.step_fields if self._in_form(name)]
        self.readonly: dict[str, ReadOnlyValue] = {}
        self.groups: dict[str, Group] = {}
        self.hidden: set[str] = set()
        self.group_action: tuple[str, str] | None = None

        group_names = [n for n in self.field_names if field_kind(self.properties[n]) == GROUP]
        if data is not None:
            data, self.group_action = apply_group_action(
                data,
                {n: (self.properties[n], n in self.required_names) for n in group_names},
            )

        form_initial = {}
        for name in self.field_names:
            prop = self.properties[name]
            if name in self.stored:
                form_initial[name] = to_form_value(prop, self.stored[name])
            elif name in self.prefill:
                form_initial[name] = to_form_value(prop, self.prefill[name])
        super().__init__(data=data, initial=form_initial)

        for name in self.field_names:
            prop = self.properties[name]
            source = prop.get("x-prefill")
            if self._is_locked(name):
                value = self.prefill[name]
                self.readonly[name] = ReadOnlyValue(
                    name=name,
                    label=title_of(prop),
                    value=value,
                    display=mask_id_number(value)
                    if source in MASKED_SOURCES
                    else display_value(prop, value),
                    note=source_note(source, on_behalf=on_behalf),
                )
            elif name in group_names:
                self.fields[name] = forms.Field(
                    label=title_of(prop), required=False, widget=GroupAnchor
                )
                self.groups[name] = make_group(
                    name,
                    prop,
                    required=name in self.required_names,
                    hint=" ".join(p for p in (hint_of(prop), self._condition_hint(name)) if p),
                    stored_rows=self.stored.get(name),
                    data=self.data if self.is_bound else None,
                    anchor=self.fields[name].widget,
                    just_added=self.group_action == ("add", name),
                )
            else:
                self.fields[name] = make_field(
                    prop,
                    required=name in self.required_names,
                    help_text=self._condition_hint(name),
                )

    # -- which fields are on the form -------------------------------------------------------------

    def _in_form(self, name: str, seen: frozenset = frozenset()) -> bool:
        """False for a field whose condition looks at an earlier step and does not hold."""
        condition = condition_of(self.properties[name])
        if condition is None:
            return True
        target = condition.get("field")
        if target in self.step_fields and not self._is_locked(target):
            return target not in seen and self._in_form(target, seen | {name})
        return is_shown(self.properties, name, self.stored | self._locked_values())

    def _is_locked(self, name: str) -> bool:
        """A registry value the applicant cannot change: shown read-only, taken from prefill."""
        source = self.properties[name].get("x-prefill")
        return source in LOCKED_SOURCES and not is_empty(self.prefill.get(name))

    def _locked_values(self) -> dict:
        return {name: self.prefill[name] for name in self.step_fields if self._is_locked(name)}

    def _live_condition(self, name: str) -> dict | None:
        """The condition of a field that depends on another field of this step."""
        condition = condition_of(self.properties[name])
        target = condition.get("field") if condition else None
        if target in self.step_fields and not self._is_locked(target):
            return condition
        return None

    def _condition_hint(self, name: str) -> str:
        condition = self._live_condition(name)
        return condition_text(self.properties, condition) if condition else ""

    # -- repeating groups -----------------------------------------------------------------------

    # -- validation -----------------------------------------------------------------------------

    def is_valid(self) -> bool:
        """False for an "Add another"/"Remove" request (which only re-renders), and for any
        error."""
        return self.group_action is None and super().is_valid()

    def full_clean(self):
        if self.group_action is not None:
            # Not a submission: show the new layout with what was typed, without errors.
            self._errors = ErrorDict()
            self.cleaned_data = {}
            return
        super().full_clean()

    def clean(self):
        cleaned = super().clean()
        for name, group in self.groups.items():
            rows, row_errors, group_errors = clean_group(group)
            for error in group_errors:
                self.add_error(name, error)
            self._errors.update(row_errors)
            cleaned[name] = rows
        for name, readonly in self.readonly.items():
            cleaned[name] = readonly.value
        values = {k: v for k, v in self.stored.items() if k not in self.step_fields}
        values.update(
            {k: to_json(v) for k, v in cleaned.items() if k in self.step_fields and not is_empty(v)}
        )
        self.hidden = {
            name for name in self.field_names if not is_shown(self.properties, name, values)
        }
        for name in self.hidden:
            cleaned.pop(name, None)
            self._errors.pop(name, None)
            for key in [k for k in self._errors if k.startswith(f"{name}-")]:
                del self._errors[key]
        return cleaned

    def cleaned_json(self, *, partial: bool = False) -> dict:
        """This step's answers as JSON values, for ``Application.data``.

        Only answered, shown fields appear: hidden fields and empty optional answers are left
        out, so merge with ``merge_into`` (which also removes this step's old answers). With
        ``partial=True`` (saving a draft of an invalid step) only the answers without errors are
        returned (a repeating group with an error in any row is left out whole); otherwise the
        form must be valid.
        """
        if not partial and not self.is_valid():
            raise ValueError("cleaned_json() needs a valid form; pass partial=True for a draft")
        if not self.is_bound or self.group_action is not None:
            return {}
        if self._errors is None:
            self.full_clean()
        result = {}
        for name in self.field_names:
            if name in self.hidden or name not in self.cleaned_data or self._has_error(name):
                continue
            value = to_json(self.cleaned_data[name])
            if not is_empty(value):
                result[name] = value
        return result

    def _has_error(self, name: str) -> bool:
        return any(key == name or key.startswith(f"{name}-") for key in self._errors)

    def merge_into(self, data: dict, *, partial: bool = False) -> dict:
        """``data`` with this step's answers replaced by the ones just submitted."""
        kept = {k: v for k, v in data.items() if k not in self.step_fields}
        return kept | self.cleaned_json(partial=partial)

    # -- rendering ------------------------------------------------------------------------------

    @property
    def entries(self) -> list[Entry]:
        result = []
        for name in self.field_names:
            condition = self._live_condition(name)
            extra = {}
            if condition:
                values = [condition["equals"]] if "equals" in condition else condition["in"]
                extra = {
                    "condition_field": condition["field"],
                    "condition_values": json.dumps(values, ensure_ascii=False),
                }
            if name in self.readonly:
                result.append(Entry(name, "readonly", readonly=self.readonly[name], **extra))
            elif name in self.groups:
                result.append(Entry(name, "group", self[name], group=self.groups[name], **extra))
            else:
                result.append(Entry(name, self.fields[name].render_as, self[name], **extra))
        return result

    @property
    def has_groups(self) -> bool:
        return bool(self.groups)

    def __iter__(self):
        """Every field that can carry an error, for the error summary: the step's fields in
        order, each repeating group followed by its rows' fields (labelled with the group and
        the entry number, and linking to their inputs)."""
        for name in self.field_names:
            if name in self.readonly:
                continue
            yield self[name]
            group = self.groups.get(name)
            if group is None:
                continue
            for row in group.rows:
                for sub in row.form.fields:
                    bound = row.form.fields[sub].get_bound_field(row.form, sub)
                    bound.label = _("%(entry)s, %(field)s") % {
                        "entry": row.legend,
                        "field": bound.label,
                    }
                    yield bound
