"""Each kind of field: how it renders through the include, and what it refuses."""

import pytest

from approvals.dynamic_forms import build_step_form
from tests.approvals.dynamic_forms.helpers import (
    contains_html,
    post_data,
    render_error_summary,
    render_fields,
)
from tests.approvals.dynamic_forms.schemas import one_step_schema

CATEGORY = {
    "type": "string",
    "enum": ["retail", "catering"],
    "x-enum-labels": {
        "retail": {"en": "Food retail", "zh": "食品销售"},
        "catering": {"en": "Catering", "zh": "餐饮服务"},
    },
}


def form_for(prop: dict, *, required: bool = True, value=None, send: bool = True):
    """A one-field form; ``value`` is what was typed (None: an unbound form unless send)."""
    schema = one_step_schema({"field": prop}, required=("field",) if required else ())
    if value is None and not send:
        return build_step_form(schema, "only")
    fields = {} if value is None else {"field": value}
    return build_step_form(schema, "only", data=post_data(fields))


def errors_of(prop: dict, value, *, required: bool = True) -> list[str]:
    form = form_for(prop, required=required, value=value)
    assert not form.is_valid()
    return form.errors["field"]


def answer_of(prop: dict, value, *, required: bool = True):
    form = form_for(prop, required=required, value=value)
    assert form.is_valid(), form.errors
    return form.cleaned_json().get("field", "<absent>")


# -- rendering ----------------------------------------------------------------------------------


def test_a_text_field_has_its_label_hint_and_required_marker():
    prop = {
        "type": "string",
        "title": "Shop name",
        "description": "As on the sign.",
        "maxLength": 9,
    }

    html = render_fields(form_for(prop, send=False))

    assert contains_html(html, '<label for="id_field">Shop name</label>')
    assert contains_html(html, '<p class="hint" id="id_field-hint">As on the sign.</p>')
    assert contains_html(
        html,
        '<input type="text" name="field" id="id_field" maxlength="9" required '
        'aria-describedby="id_field-hint">',
    )


def test_an_optional_field_says_so():
    html = render_fields(form_for({"type": "string", "title": "Notes"}, required=False, send=False))

    assert 'Notes <span class="optional">(optional)</span>' in html


def test_a_field_with_an_error_points_at_it_and_keeps_the_typed_value():
    form = form_for({"type": "string", "title": "Code", "maxLength": 3}, value="ABCDE")

    html = render_fields(form)

    assert contains_html(
        html,
        '<input type="text" name="field" value="ABCDE" id="id_field" maxlength="3" required '
        'aria-describedby="id_field-error-1" aria-invalid="true">',
    )
    assert 'id="id_field-error-1">Ensure this value has at most 3 characters (it has 5).' in html


def test_the_error_summary_links_to_the_field():
    form = form_for({"type": "string", "title": "Shop name"}, value="")

    html = render_error_summary(form)

    assert '<a href="#id_field">Shop name: This field is required.</a>' in html


def test_a_date_field_is_a_date_input_showing_the_stored_date():
    schema = one_step_schema({"field": {"type": "string", "format": "date"}})

    form = build_step_form(schema, "only", initial={"field": "2025-03-01"})

    assert 'type="date"' in render_fields(form)
    assert 'value="2025-03-01"' in render_fields(form)


def test_a_textarea_widget():
    form = form_for({"type": "string", "x-widget": "textarea"}, send=False)

    assert "<textarea" in render_fields(form)


def test_a_select_offers_a_blank_first_option_and_the_labels():
    form = form_for(CATEGORY, send=False)

    html = render_fields(form)

    assert contains_html(html, '<option value="" selected>Choose…</option>')
    assert contains_html(html, '<option value="catering">Catering</option>')


def test_radios_are_a_fieldset_with_a_legend_and_a_label_per_option():
    prop = CATEGORY | {"x-widget": "radio", "title": "Category", "description": "Pick one."}
    form = form_for(prop, value="")

    html = render_fields(form)

    assert contains_html(html, "<legend>Category</legend>")
    assert (
        '<fieldset class="field choice-group field-error" aria-describedby="id_field-hint ' in html
    )
    assert contains_html(html, '<label for="id_field_1">Catering</label>')
    assert '<a href="#id_field_0">Category: This field is required.</a>' in render_error_summary(
        form
    )


def test_checkboxes_for_a_list_of_choices_keep_the_ticked_ones():
    prop = {"type": "array", "items": {"enum": CATEGORY["enum"]}} | {
        "x-enum-labels": CATEGORY["x-enum-labels"],
        "maxItems": 1,
    }
    form = form_for(prop, value=["retail", "catering"])

    html = render_fields(form)

    assert not form.is_valid()
    assert form.errors["field"] == ["Select no more than 1 option."]
    assert html.count('type="checkbox"') == 2
    assert html.count("checked") == 2


def test_a_checkbox_comes_before_its_label():
    form = form_for({"type": "boolean", "title": "I agree", "const": True}, send=False)

    html = render_fields(form)

    assert contains_html(
        html,
        '<div class="checkbox"><input type="checkbox" name="field" id="id_field" required> '
        '<label for="id_field">I agree</label></div>',
    )


# -- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prop", "typed", "message"),
    [
        ({"type": "string"}, "  ", "This field is required."),
        ({"type": "string", "maxLength": 4}, "abcdef", "at most 4 characters (it has 6)"),
        ({"type": "string", "minLength": 4}, "ab", "at least 4 characters (it has 2)"),
        ({"type": "string", "pattern": "^[0-9]{6}$"}, "12a456", "not in the expected format."),
        ({"type": "string", "format": "date"}, "2025-02-30", "Enter a valid date."),
        ({"type": "string", "format": "date"}, "01/03/2025", "Enter a valid date."),
        ({"type": "integer"}, "twelve", "Enter a whole number."),
        ({"type": "integer"}, "1.5", "Enter a whole number."),
        ({"type": "integer", "minimum": 0}, "-1", "greater than or equal to 0."),
        ({"type": "number", "maximum": 100000}, "100000.5", "less than or equal to 100000."),
        ({"type": "number"}, "NaN", "Enter a number."),
        (CATEGORY, "bakery", "Select a valid choice. bakery is not one of the available"),
        ({"type": "boolean", "const": True}, "", "Tick this box to continue."),
    ],
)
def test_bad_answers_get_a_clear_message(prop, typed, message):
    errors = errors_of(prop, typed)

    assert len(errors) == 1
    assert message in errors[0]


def test_a_pattern_message_points_at_the_hint_when_there_is_one():
    prop = {"type": "string", "pattern": "^[0-9]{6}$", "description": "Six digits."}

    assert errors_of(prop, "123") == ["This is not in the expected format; see the hint."]


def test_a_missing_required_field_is_reported():
    assert errors_of({"type": "integer"}, None) == ["This field is required."]


@pytest.mark.parametrize(
    ("prop", "typed", "stored"),
    [
        ({"type": "string", "maxLength": 10}, " Good Food ", "Good Food"),
        ({"type": "string", "format": "date"}, "2025-03-01", "2025-03-01"),
        ({"type": "integer", "minimum": 0}, "12", 12),
        ({"type": "number"}, "120", 120),
        ({"type": "number"}, "85.5", 85.5),
        (CATEGORY, "catering", "catering"),
        ({"type": "boolean", "const": True}, "on", True),
    ],
)
def test_good_answers_are_stored_as_json(prop, typed, stored):
    assert answer_of(prop, typed) == stored


def test_an_unticked_optional_checkbox_is_stored_as_false():
    assert answer_of({"type": "boolean"}, None, required=False) is False


def test_an_empty_optional_answer_is_left_out():
    assert answer_of({"type": "string", "minLength": 3}, "", required=False) == "<absent>"
    assert answer_of({"type": "integer"}, "", required=False) == "<absent>"


def test_an_optional_list_of_choices_counts_only_when_ticked():
    prop = {"type": "array", "items": {"enum": CATEGORY["enum"]}} | {
        "x-enum-labels": CATEGORY["x-enum-labels"],
        "minItems": 2,
    }
    assert answer_of(prop, [], required=False) == "<absent>"
    assert errors_of(prop, ["retail"], required=False) == ["Select at least 2 options."]
    assert answer_of(prop, ["retail", "catering"], required=False) == ["retail", "catering"]


def test_cleaned_json_refuses_an_invalid_form_unless_partial():
    schema = one_step_schema(
        {"name": {"type": "string"}, "seats": {"type": "integer"}}, required=("name", "seats")
    )
    form = build_step_form(schema, "only", data=post_data({"name": "Li", "seats": "many"}))

    assert not form.is_valid()
    with pytest.raises(ValueError):
        form.cleaned_json()
    assert form.cleaned_json(partial=True) == {"name": "Li"}


def test_merge_into_replaces_the_answers_of_this_step_only():
    schema = one_step_schema({"name": {"type": "string"}, "notes": {"type": "string"}})
    form = build_step_form(schema, "only", data=post_data({"name": "Li", "notes": ""}))
    assert form.is_valid()

    merged = form.merge_into({"name": "Wang", "notes": "old", "other_step": 1})

    assert merged == {"name": "Li", "other_step": 1}


def test_an_unknown_step_is_a_key_error():
    with pytest.raises(KeyError):
        build_step_form(one_step_schema({"name": {"type": "string"}}), "nope")
