"""Repeating groups: rows that can be added and removed without JavaScript."""

from approvals.dynamic_forms import build_step_form
from tests.approvals.dynamic_forms.helpers import post_data, render_error_summary, render_fields
from tests.approvals.dynamic_forms.schemas import one_step_schema

STAFF = {
    "type": "array",
    "title": "Food safety staff",
    "minItems": 1,
    "maxItems": 3,
    "items": {
        "type": "object",
        "properties": {
            "name": {"type": "string", "title": "Name", "x-title-zh": "姓名"},
            "certificate": {
                "type": "string",
                "title": "Certificate no.",
                "x-title-zh": "证书编号",
                "maxLength": 5,
            },
        },
        "required": ["name"],
    },
}


def schema(**overrides):
    return one_step_schema(
        {"shop_name": {"type": "string"}, "staff": STAFF | overrides}, required=("staff",)
    )


def test_an_empty_group_shows_one_blank_row_and_an_add_button():
    html = render_fields(build_step_form(schema(), "only"))

    assert 'name="staff-TOTAL_FORMS" value="1"' in html
    assert 'name="staff-0-name"' in html
    assert 'name="add__staff"' in html
    assert "Add another" in html
    assert 'name="remove__staff"' not in html  # one row is the minimum


def test_stored_rows_are_shown():
    stored = {"staff": [{"name": "Li Lei"}, {"name": "Han Meimei", "certificate": "C-1"}]}

    html = render_fields(build_step_form(schema(), "only", initial=stored))

    assert 'name="staff-1-name" value="Han Meimei"' in html
    assert 'name="staff-1-certificate" value="C-1"' in html
    assert html.count('name="remove__staff"') == 2


def test_add_another_keeps_every_typed_value_and_adds_a_blank_row():
    # given a step where the user typed a shop name and one row, some of it wrong
    data = post_data(
        {"shop_name": "Good Food", "add__staff": "1"},
        staff=[{"name": "Li Lei", "certificate": "TOO-LONG-123"}],
    )

    form = build_step_form(schema(), "only", data=data)
    html = render_fields(form)

    # then nothing is saved, no error is shown yet, and there is a new blank row
    assert not form.is_valid()
    assert form.errors == {}
    assert render_error_summary(form).strip() == ""
    assert 'name="shop_name" value="Good Food"' in html
    assert 'name="staff-0-name" value="Li Lei"' in html
    assert 'name="staff-0-certificate" value="TOO-LONG-123"' in html
    assert 'name="staff-TOTAL_FORMS" value="2"' in html
    assert '<input type="text" name="staff-1-name" autofocus' in html


def test_no_more_rows_than_max_items():
    rows = [{"name": f"Person {n}"} for n in range(3)]
    form = build_step_form(schema(), "only", data=post_data({"add__staff": "1"}, staff=rows))

    html = render_fields(form)

    assert 'name="staff-TOTAL_FORMS" value="3"' in html
    assert 'name="add__staff"' not in html
    assert "You can enter at most 3 entries." in html


def test_remove_drops_that_row_and_keeps_the_others():
    rows = [{"name": "First"}, {"name": "Second", "certificate": "C-2"}, {"name": "Third"}]
    data = post_data({"remove__staff": "1"}, staff=rows)

    form = build_step_form(schema(), "only", data=data)
    html = render_fields(form)

    assert not form.is_valid()
    assert 'name="staff-TOTAL_FORMS" value="2"' in html
    assert 'name="staff-0-name" value="First"' in html
    assert 'name="staff-1-name" value="Third"' in html
    assert "Second" not in html
    assert 'name="staff-1-certificate" value="C-2"' not in html


def test_the_last_required_row_cannot_be_removed():
    data = post_data({"remove__staff": "0"}, staff=[{"name": "Only"}])

    html = render_fields(build_step_form(schema(), "only", data=data))

    assert 'name="staff-0-name" value="Only"' in html
    assert 'name="staff-TOTAL_FORMS" value="1"' in html


def test_valid_rows_are_stored_and_blank_rows_ignored():
    rows = [{"name": "Li Lei", "certificate": ""}, {"name": "", "certificate": ""}]
    form = build_step_form(schema(), "only", data=post_data({"shop_name": "x"}, staff=rows))

    assert form.is_valid(), form.errors
    assert form.cleaned_json() == {"shop_name": "x", "staff": [{"name": "Li Lei"}]}


def test_a_required_group_with_only_blank_rows_asks_for_an_entry():
    form = build_step_form(schema(), "only", data=post_data({}, staff=[{"name": ""}]))

    assert not form.is_valid()
    assert form.errors["staff"] == ["Fill in at least 1 entry."]
    summary = render_error_summary(form)
    assert '<a href="#id_staff-0-name">Food safety staff: Fill in at least 1 entry.</a>' in summary


def test_min_items_counts_filled_rows():
    rows = [{"name": "Li Lei"}, {"name": ""}]
    form = build_step_form(schema(minItems=2), "only", data=post_data({}, staff=rows))

    assert form.errors["staff"] == ["Fill in at least 2 entries."]


def test_too_many_rows_from_a_crafted_request_are_refused():
    rows = [{"name": f"Person {n}"} for n in range(4)]

    form = build_step_form(schema(), "only", data=post_data({}, staff=rows))

    assert form.errors["staff"] == ["Enter no more than 3 entries."]


def test_row_errors_sit_beside_the_row_field_and_in_the_summary():
    rows = [{"name": "Li Lei"}, {"name": "", "certificate": "123456"}]
    form = build_step_form(schema(), "only", data=post_data({}, staff=rows))

    html = render_fields(form)
    summary = render_error_summary(form)

    assert not form.is_valid()
    assert 'id="id_staff-1-name-error-1">This field is required.' in html
    assert 'id="id_staff-1-certificate-error-1">Ensure this value has at most 5' in html
    assert 'name="staff-1-certificate" value="123456"' in html
    assert (
        '<a href="#id_staff-1-name">Food safety staff 2, Name: This field is required.</a>'
        in summary
    )
    assert '<a href="#id_staff-1-certificate">Food safety staff 2, Certificate no.: ' in summary


def test_a_tampered_management_form_is_an_error_not_a_crash():
    data = post_data({"shop_name": "x"})
    data["staff-TOTAL_FORMS"] = "lots"

    form = build_step_form(schema(), "only", data=data)

    assert not form.is_valid()
    assert form.errors["staff"]


def test_an_optional_group_may_be_left_empty():
    form = build_step_form(
        one_step_schema({"staff": STAFF | {"minItems": 0}}),
        "only",
        data=post_data({}, staff=[{"name": ""}]),
    )

    assert form.is_valid(), form.errors
    assert form.cleaned_json() == {}


def test_a_draft_of_a_step_leaves_out_a_group_with_a_bad_row():
    # so that saving the draft keeps the stored rows rather than losing the one being fixed
    rows = [{"name": "Li Lei"}, {"name": "", "certificate": "C-2"}]
    form = build_step_form(schema(), "only", data=post_data({"shop_name": "x"}, staff=rows))

    assert not form.is_valid()
    assert form.cleaned_json(partial=True) == {"shop_name": "x"}
