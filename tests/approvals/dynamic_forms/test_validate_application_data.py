"""The whole-application check at submission, and its agreement with the step forms."""

import pytest

from approvals.dynamic_forms import build_step_form, steps, validate_application_data
from tests.approvals.dynamic_forms.helpers import post_data
from tests.approvals.dynamic_forms.schemas import food_licence_schema

COMPLETE = {
    "shop_name": "Good Food",
    "category": "catering",
    "seats": 40,
    "opening_date": "2025-03-01",
    "floor_area": 85.5,
    "staff": [{"name": "Li Lei", "certificate": "C-1"}, {"name": "Han Meimei"}],
    "notes": "Near the station.",
    "agrees": True,
}


def as_post(schema: dict, step_key: str, data: dict):
    """What a browser would send for these answers on this step."""
    fields, groups = {}, {}
    step = next(s for s in steps(schema) if s.key == step_key)
    for name in step.fields:
        prop = schema["properties"][name]
        value = data.get(name)
        if prop["type"] == "array" and prop["items"].get("type") == "object":
            groups[name] = [{k: str(v) for k, v in row.items()} for row in value or []]
        elif prop["type"] == "boolean":
            if value:
                fields[name] = "on"
        elif value is not None:
            fields[name] = value if isinstance(value, list) else str(value)
    return post_data(fields, **groups)


def step_by_step(schema: dict, data: dict) -> tuple[dict, dict]:
    """Submit every step in turn as a browser would: (stored answers, errors by field)."""
    stored, errors = {}, {}
    for step in steps(schema):
        form = build_step_form(
            schema, step.key, data=as_post(schema, step.key, data), initial=stored
        )
        if form.is_valid():
            stored = form.merge_into(stored)
        else:
            errors.update({key.split("-")[0]: messages for key, messages in form.errors.items()})
            stored = form.merge_into(stored, partial=True)
    return stored, errors


def test_complete_answers_are_valid():
    assert validate_application_data(food_licence_schema(), COMPLETE) == {}


def test_an_empty_application_lists_every_required_field():
    errors = validate_application_data(food_licence_schema(), {})

    assert errors == {
        "shop_name": ["This field is required."],
        "category": ["This field is required."],
        "staff": ["Fill in at least 1 entry."],
        "agrees": ["Tick this box to continue."],
    }


def test_hidden_fields_are_neither_required_nor_checked():
    data = COMPLETE | {"category": "retail", "seats": "lots"}

    assert validate_application_data(food_licence_schema(), data) == {}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"seats": None}, "seats", "This field is required."),
        ({"seats": -1}, "seats", "Ensure this value is greater than or equal to 0."),
        ({"seats": 1.5}, "seats", "Enter a whole number."),
        ({"shop_name": "x" * 101}, "shop_name", "at most 100 characters (it has 101)"),
        ({"opening_date": "2025-02-30"}, "opening_date", "Enter a valid date."),
        ({"floor_area": 0}, "floor_area", "greater than or equal to 1."),
        ({"floor_area": "big"}, "floor_area", "Enter a number."),
        ({"category": "bakery"}, "category", "Select a valid choice. bakery is not one"),
        ({"agrees": False}, "agrees", "Tick this box to continue."),
        ({"staff": [{"certificate": "C"}]}, "staff", "Food safety staff, entry 1, Name: This"),
        ({"staff": [{"name": "x"}] * 21}, "staff", "Enter no more than 20 entries."),
    ],
)
def test_each_problem_is_reported_against_its_field(changes, field, message):
    data = {k: v for k, v in (COMPLETE | changes).items() if v is not None}

    errors = validate_application_data(food_licence_schema(), data)

    assert list(errors) == [field]
    assert message in errors[field][0]


@pytest.mark.parametrize(
    "answers",
    [
        COMPLETE,
        COMPLETE | {"category": "retail", "seats": None, "notes": None, "opening_date": None},
        {k: v for k, v in COMPLETE.items() if k != "floor_area"},
    ],
)
def test_answers_accepted_step_by_step_are_valid_as_a_whole(answers):
    answers = {k: v for k, v in answers.items() if v is not None}

    stored, errors = step_by_step(food_licence_schema(), answers)

    assert errors == {}
    assert validate_application_data(food_licence_schema(), stored) == {}


@pytest.mark.parametrize(
    "changes",
    [
        {"seats": None},
        {"seats": -1},
        {"shop_name": "x" * 101},
        {"opening_date": "2025-02-30"},
        {"floor_area": 0},
        {"category": "bakery"},
        {"agrees": False},
        {"staff": []},
        {"staff": [{"certificate": "C"}]},
        {"shop_name": None, "category": None},
    ],
)
def test_answers_refused_as_a_whole_are_refused_by_the_step_forms(changes):
    answers = {k: v for k, v in (COMPLETE | changes).items() if v is not None}

    whole = validate_application_data(food_licence_schema(), answers)
    _, by_step = step_by_step(food_licence_schema(), answers)

    assert set(whole) == set(by_step)
    for field, messages in whole.items():
        if field != "staff":  # the group's row messages name the row; the form puts them beside it
            assert messages == by_step[field]
