"""One Django form field per schema property: the server-side half of the form engine.

Limits come from the schema (maxLength, minimum, ...) and are checked with the same messages as
the whole-application check in ``validation.py``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext as _

from approvals.dynamic_forms import messages
from approvals.dynamic_forms.labels import choices_of, hint_of, title_of
from approvals.dynamic_forms.schema import (
    BOOLEAN,
    CHOICE,
    DATE,
    INTEGER,
    MULTICHOICE,
    NUMBER,
    TEXTAREA,
    field_kind,
)

# How the include renders a field: through includes/field.html ("plain"), as a checkbox with its
# label after it ("boolean"), or as a fieldset of radios or checkboxes ("choices").
PLAIN, SINGLE_CHECKBOX, CHOICES = "plain", "boolean", "choices"


class RadioGroup(forms.RadioSelect):
    """Radios whose group-level id is the first option's, so that an error summary link lands
    on the first radio."""

    def id_for_label(self, id_, index=None):
        return super().id_for_label(id_, "0" if index is None else index)


class CheckboxGroup(forms.CheckboxSelectMultiple):
    def id_for_label(self, id_, index=None):
        return super().id_for_label(id_, "0" if index is None else index)


class IsoDateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ChoiceCountValidator:
    def __init__(self, minimum: int | None, maximum: int | None):
        self.minimum, self.maximum = minimum, maximum

    def __call__(self, value):
        if self.minimum is not None and value and len(value) < self.minimum:
            raise ValidationError(messages.too_few_choices(self.minimum), code="min_items")
        if self.maximum is not None and len(value) > self.maximum:
            raise ValidationError(messages.too_many_choices(self.maximum), code="max_items")


def make_field(prop: dict, *, required: bool, help_text: str = "") -> forms.Field:
    """The form field for ``prop`` (not a repeating group: see forms.GroupFormSet)."""
    kind = field_kind(prop)
    hint = " ".join(part for part in (hint_of(prop), help_text) if part)
    common = {"label": title_of(prop), "help_text": hint, "required": required}
    render_as = PLAIN
    if kind == BOOLEAN:
        must_tick = prop.get("const") is True
        field = forms.BooleanField(
            **(common | {"required": must_tick}),
            error_messages={"required": messages.must_tick()},
        )
        render_as = SINGLE_CHECKBOX
    elif kind == CHOICE:
        choices = choices_of(prop)
        if prop.get("x-widget") == "radio":
            field = forms.ChoiceField(choices=choices, widget=RadioGroup, **common)
            render_as = CHOICES
        else:
            field = forms.ChoiceField(choices=[("", _choose()), *choices], **common)
    elif kind == MULTICHOICE:
        field = forms.MultipleChoiceField(
            choices=choices_of(prop),
            widget=CheckboxGroup,
            validators=[ChoiceCountValidator(prop.get("minItems"), prop.get("maxItems"))],
            **common,
        )
        render_as = CHOICES
    elif kind == DATE:
        field = forms.DateField(
            widget=IsoDateInput, input_formats=["%Y-%m-%d"], localize=False, **common
        )
    elif kind == INTEGER:
        field = forms.IntegerField(
            min_value=prop.get("minimum"),
            max_value=prop.get("maximum"),
            widget=forms.TextInput(attrs={"inputmode": "numeric"}),
            **common,
        )
    elif kind == NUMBER:
        field = forms.FloatField(
            min_value=prop.get("minimum"),
            max_value=prop.get("maximum"),
            widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            **common,
        )
    else:
        validators = []
        if "pattern" in prop:
            validators.append(
                RegexValidator(prop["pattern"], message=messages.bad_format(bool(hint_of(prop))))
            )
        field = forms.CharField(
            max_length=prop.get("maxLength"),
            min_length=prop.get("minLength"),
            widget=forms.Textarea(attrs={"rows": 4}) if kind == TEXTAREA else forms.TextInput,
            validators=validators,
            **common,
        )
    field.render_as = render_as
    return field


def _choose() -> str:
    return _("Choose…")


def to_json(value: Any) -> Any:
    """A cleaned form value as JSON: dates as ISO strings, whole floats as integers."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def to_form_value(prop: dict, value: Any) -> Any:
    """A stored JSON value as the initial value of its form field."""
    if field_kind(prop) == DATE and isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}
