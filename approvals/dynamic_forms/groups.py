"""Repeating groups (arrays of objects): a formset per group inside a step form.

"Add another" and "Remove" are ordinary submit buttons named ``add__<group>`` and
``remove__<group>`` (with the row index as value), so they work without JavaScript: the request
is answered with the same step, one row more or less, and everything typed kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.forms.formsets import (
    INITIAL_FORM_COUNT,
    TOTAL_FORM_COUNT,
    BaseFormSet,
    formset_factory,
)
from django.utils.datastructures import MultiValueDict

from approvals.dynamic_forms import messages
from approvals.dynamic_forms.fields import is_empty, make_field, to_form_value, to_json
from approvals.dynamic_forms.labels import title_of

ADD_PREFIX = "add__"
REMOVE_PREFIX = "remove__"
# A group without maxItems still has a limit, so that no request can ask for endless rows.
DEFAULT_MAX_ROWS = 100


@dataclass
class GroupRow:
    index: int
    number: int
    legend: str
    form: forms.Form
    fields: list


@dataclass
class Group:
    name: str
    label: str
    hint: str
    required: bool
    min_rows: int
    max_rows: int
    formset: BaseFormSet
    rows: list[GroupRow] = field(default_factory=list)

    @property
    def add_button_name(self) -> str:
        return f"{ADD_PREFIX}{self.name}"

    @property
    def remove_button_name(self) -> str:
        return f"{REMOVE_PREFIX}{self.name}"

    @property
    def add_button_id(self) -> str:
        return f"add-{self.name}"

    @property
    def can_add(self) -> bool:
        return len(self.rows) < self.max_rows

    @property
    def can_remove(self) -> bool:
        return len(self.rows) > self.min_rows


class GroupAnchor(forms.Widget):
    """Stands for a repeating group among the step form's fields: it renders nothing, carries
    the group's own errors (too few or too many entries), and its label points at the first input
    of the group, so that the error summary can link to it."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.first_input_id = ""

    def render(self, name, value, attrs=None, renderer=None):
        return ""

    def id_for_label(self, id_, index=None):
        return self.first_input_id or id_

    def value_from_datadict(self, data, files, name):
        return None

    def value_omitted_from_data(self, data, files, name):
        return False


class GroupFormSet(BaseFormSet):
    """Rows of a repeating group. Every row may be left blank (blank rows are ignored); the
    number of filled-in rows is checked against minItems/maxItems by ``clean_group``."""

    def initial_form_count(self):
        return 0

    def _construct_form(self, i, **kwargs):
        kwargs.setdefault("empty_permitted", True)
        return super()._construct_form(i, **kwargs)


def row_limits(prop: dict, *, required: bool) -> tuple[int, int]:
    """(fewest, most) filled-in rows; a required group needs at least one."""
    minimum = prop.get("minItems") or 0
    if required:
        minimum = max(minimum, 1)
    return minimum, prop.get("maxItems") or DEFAULT_MAX_ROWS


def apply_group_action(data, groups: dict[str, tuple[dict, bool]]):
    """Look for an "Add another" or "Remove" button in ``data``.

    ``groups`` maps each group on the step to (its property, whether it is required). Returns
    ``(data, action)``: the data with one row more or less, and ``("add" | "remove", group)``,
    or ``(data, None)`` for an ordinary submission.
    """
    for name, (prop, required) in groups.items():
        minimum, maximum = row_limits(prop, required=required)
        total_key = f"{name}-{TOTAL_FORM_COUNT}"
        try:
            total = min(max(int(data.get(total_key, 0)), 0), maximum + 1)
        except (TypeError, ValueError):
            total = 0
        if f"{ADD_PREFIX}{name}" in data:
            data = data.copy()
            data[total_key] = str(min(total + 1, maximum))
            return data, ("add", name)
        if f"{REMOVE_PREFIX}{name}" in data:
            try:
                index = int(data.get(f"{REMOVE_PREFIX}{name}"))
            except (TypeError, ValueError):
                return data, ("remove", name)
            if not 0 <= index < total or total <= minimum:
                return data, ("remove", name)
            data = data.copy()
            sub_names = list(prop["items"]["properties"])
            for row in range(index, total - 1):
                for sub in sub_names:
                    _move(data, f"{name}-{row + 1}-{sub}", f"{name}-{row}-{sub}")
            for sub in sub_names:
                data.pop(f"{name}-{total - 1}-{sub}", None)
            data[total_key] = str(total - 1)
            return data, ("remove", name)
    return data, None


def make_group(
    name: str,
    prop: dict,
    *,
    required: bool,
    hint: str,
    stored_rows,
    data,
    anchor: GroupAnchor,
    just_added: bool,
) -> Group:
    """The group's formset: bound to ``data`` when given, else showing ``stored_rows``."""
    items = prop["items"]
    item_required = set(items.get("required", []))
    row_fields = {
        sub: make_field(sub_prop, required=sub in item_required)
        for sub, sub_prop in items["properties"].items()
    }
    row_form = type(f"{name.title()}RowForm", (forms.Form,), row_fields)
    minimum, maximum = row_limits(prop, required=required)
    initial_rows = [
        {
            sub: to_form_value(items["properties"][sub], value)
            for sub, value in row.items()
            if sub in items["properties"]
        }
        for row in (stored_rows if isinstance(stored_rows, list) else [])
        if isinstance(row, dict)
    ][:maximum]
    formset_class = formset_factory(
        row_form,
        formset=GroupFormSet,
        extra=min(max(len(initial_rows), minimum, 1), maximum),
        max_num=maximum,
        absolute_max=maximum + 1,
    )
    if data is not None:
        formset = formset_class(data=data, prefix=name)
    else:
        formset = formset_class(initial=initial_rows or None, prefix=name)
    label = title_of(prop)
    group = Group(
        name=name,
        label=label,
        hint=hint,
        required=minimum > 0,
        min_rows=minimum,
        max_rows=maximum,
        formset=formset,
    )
    for index, row in enumerate(formset.forms):
        group.rows.append(
            GroupRow(
                index=index,
                number=index + 1,
                legend=f"{label} {index + 1}",
                form=row,
                fields=[row[sub] for sub in row.fields],
            )
        )
    anchor.first_input_id = (
        group.rows[0].fields[0].id_for_label if group.rows else group.add_button_id
    )
    if just_added and group.rows:
        # The new row's first input takes the focus when the page comes back.
        new_row = group.rows[-1].form
        new_row.fields[next(iter(new_row.fields))].widget.attrs["autofocus"] = True
    return group


def clean_group(group: Group) -> tuple[list[dict], dict, list]:
    """Validate a bound group: ``(valid rows as JSON, row errors by input name, errors of the
    group itself)``."""
    formset = group.formset
    group_errors = list(formset.non_form_errors())
    rows, row_errors, filled = [], {}, 0
    for row in formset.forms:
        if not row.has_changed():
            continue
        filled += 1
        if row.errors:
            for sub, errors in row.errors.items():
                row_errors[f"{row.prefix}-{sub}"] = errors
            continue
        rows.append({k: to_json(v) for k, v in row.cleaned_data.items() if not is_empty(v)})
    if filled < group.min_rows and (filled or group.required):
        group_errors.append(messages.too_few_rows(group.min_rows))
    elif filled > group.max_rows:
        group_errors.append(messages.too_many_rows(group.max_rows))
    return rows, row_errors, group_errors


def _move(data, source: str, target: str) -> None:
    if hasattr(data, "getlist"):
        values = data.getlist(source)
        if values:
            data.setlist(target, values)
        else:
            data.pop(target, None)
    elif source in data:
        data[target] = data[source]
    else:
        data.pop(target, None)


# --- Answers as JSON (the API) -------------------------------------------------------------------


def _put_json_value(data, name: str, value) -> None:
    """One JSON answer as form data: a list is a multiple choice, ``true`` a ticked box."""
    if isinstance(value, list):
        data.setlist(name, [str(item) for item in value])
    elif isinstance(value, bool):
        if value:
            data[name] = "on"
    elif value is not None and not isinstance(value, dict):
        data[name] = str(value)


def form_data_from_json(values: dict, group_names) -> MultiValueDict:
    """JSON answers as a step form's data. A repeating group is a JSON array of objects, one
    per row; it becomes the group's rows (the formset and its management counts stay inside).
    Names the form uses for its own machinery (row inputs, the add/remove buttons) are not
    taken from the caller: only the answers are."""
    groups = set(group_names)
    data = MultiValueDict()
    for name, value in values.items():
        if name.startswith((ADD_PREFIX, REMOVE_PREFIX)) or any(
            name.startswith(f"{group}-") for group in groups
        ):
            continue
        if name not in groups:
            _put_json_value(data, name, value)
    for group in groups:
        rows = values.get(group)
        rows = rows if isinstance(rows, list) else []
        data[f"{group}-{TOTAL_FORM_COUNT}"] = str(len(rows))
        data[f"{group}-{INITIAL_FORM_COUNT}"] = "0"
        for index, row in enumerate(rows):
            if not isinstance(row, dict):
                continue
            for sub, sub_value in row.items():
                _put_json_value(data, f"{group}-{index}-{sub}", sub_value)
    return data


def json_error_key(key: str, group_names) -> str:
    """A form error's key as the API names the answer: ``buildings[0].height`` for the input
    ``buildings-0-height`` of a group's row."""
    for group in group_names:
        prefix = f"{group}-"
        if key.startswith(prefix):
            index, _dash, sub = key[len(prefix) :].partition("-")
            if index.isdigit() and sub:
                return f"{group}[{index}].{sub}"
    return key
