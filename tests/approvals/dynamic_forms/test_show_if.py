"""Fields shown on a condition (x-show-if)."""

from approvals.dynamic_forms import build_step_form
from tests.approvals.dynamic_forms.helpers import post_data, render_fields
from tests.approvals.dynamic_forms.schemas import food_licence_schema


def basic_step(fields: dict, **kwargs):
    return build_step_form(
        food_licence_schema(), "basic", data=post_data(fields), prefill={"shop_name": "Shop"}
    )


def test_a_hidden_field_is_not_required_and_its_value_is_dropped():
    # given retail, where seats only matter for catering, and a stale seats answer
    form = basic_step({"category": "retail", "seats": "not a number"})

    assert form.is_valid(), form.errors
    assert form.cleaned_json() == {"shop_name": "Shop", "category": "retail"}


def test_a_shown_field_is_required():
    form = basic_step({"category": "catering", "seats": ""})

    assert not form.is_valid()
    assert form.errors["seats"] == ["This field is required."]


def test_a_shown_field_is_validated_and_stored():
    assert basic_step({"category": "catering", "seats": "-3"}).errors["seats"] == [
        "Ensure this value is greater than or equal to 0."
    ]
    form = basic_step({"category": "catering", "seats": "40"})
    assert form.is_valid()
    assert form.cleaned_json()["seats"] == 40


def test_without_an_answer_to_the_condition_the_field_is_hidden():
    form = basic_step({"category": "", "seats": "40"})

    assert form.errors == {"category": ["This field is required."]}
    assert "seats" not in form.cleaned_json(partial=True)


def test_the_conditional_field_is_rendered_with_a_hint_for_readers_without_javascript():
    html = render_fields(build_step_form(food_licence_schema(), "basic"))

    assert (
        '<div class="conditional-field" data-show-if-field="category" '
        'data-show-if-values="[&quot;catering&quot;]">' in html
    )
    assert "Answer only if “Business category” is “Catering”." in html
    assert 'src="/static/js/conditional-fields.js"' in html
    assert "<script>" not in html  # the CSP forbids inline script


def schema_with_notes_for(condition: dict) -> dict:
    schema = food_licence_schema()
    schema["properties"]["notes"]["x-show-if"] = condition
    schema["required"].append("notes")
    return schema


def premises(schema, stored: dict, fields: dict):
    return build_step_form(
        schema,
        "premises",
        data=post_data({"agrees": "on"} | fields, staff=[{"name": "Li"}]),
        initial=stored,
    )


def test_a_condition_on_an_earlier_step_uses_the_stored_answer():
    schema = schema_with_notes_for({"field": "category", "in": ["catering"]})

    retail = premises(schema, {"category": "retail"}, {"notes": "ignored"})
    catering = premises(schema, {"category": "catering"}, {"notes": ""})

    assert retail.is_valid()
    assert "notes" not in retail.cleaned_json()
    assert catering.errors["notes"] == ["This field is required."]


def test_a_field_hidden_by_an_earlier_answer_is_not_on_the_page():
    schema = schema_with_notes_for({"field": "category", "equals": "catering"})

    retail_html = render_fields(build_step_form(schema, "premises", initial={"category": "retail"}))
    catering_html = render_fields(
        build_step_form(schema, "premises", initial={"category": "catering"})
    )

    assert 'name="notes"' not in retail_html
    assert 'name="notes"' in catering_html
    assert "Answer only if" not in catering_html  # already decided: no condition to explain


def test_a_condition_on_a_checkbox():
    schema = food_licence_schema()
    schema["properties"]["notes"]["x-show-if"] = {"field": "agrees", "equals": True}
    schema["required"].append("notes")

    unticked = premises(schema, {}, {"agrees": "", "notes": "dropped"})
    ticked = premises(schema, {}, {"notes": ""})

    assert "notes" not in unticked.errors
    assert ticked.errors["notes"] == ["This field is required."]


def test_a_chain_of_conditions():
    # given notes shown only when seats is 0, and seats only for catering
    schema = schema_with_notes_for({"field": "seats", "equals": 0})

    no_seats = premises(schema, {"category": "catering", "seats": 0}, {"notes": ""})
    retail = premises(schema, {"category": "retail", "seats": 0}, {"notes": ""})

    assert no_seats.errors["notes"] == ["This field is required."]
    assert retail.is_valid(), retail.errors
