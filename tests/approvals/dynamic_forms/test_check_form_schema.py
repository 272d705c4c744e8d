import pytest

from approvals.dynamic_forms import check_form_schema
from tests.approvals.dynamic_forms.schemas import food_licence_schema, one_step_schema

CHOICE = {
    "type": "string",
    "enum": ["a", "b"],
    "x-enum-labels": {"a": {"en": "A", "zh": "甲"}, "b": {"en": "B", "zh": "乙"}},
}


def paths(problems: list[str]) -> list[str]:
    return [problem.split(": ", 1)[0] for problem in problems]


def test_the_food_licence_schema_is_fine():
    assert check_form_schema(food_licence_schema()) == []


@pytest.mark.parametrize(
    "prop",
    [
        {"type": "string", "minLength": 2, "maxLength": 5, "pattern": "^[A-Z]+$"},
        {"type": "string", "format": "date"},
        {"type": "string", "x-widget": "textarea", "x-prefill": "person.address"},
        CHOICE | {"x-widget": "select"},
        {"type": "integer", "minimum": 0, "maximum": 9},
        {"type": "number", "minimum": 0.5},
        {"type": "boolean", "const": True},
        {
            "type": "array",
            "items": {"type": "string", "enum": ["a", "b"]},
            "x-enum-labels": CHOICE["x-enum-labels"],
            "x-widget": "checkboxes",
            "uniqueItems": True,
            "maxItems": 2,
        },
    ],
)
def test_each_supported_field_shape_passes(prop):
    assert check_form_schema(one_step_schema({"field": prop})) == []


def test_a_schema_that_is_not_an_object_is_refused():
    assert paths(check_form_schema(["not", "a", "schema"])) == ["$"]


def test_meta_schema_errors_name_the_path():
    # given a property whose maxLength is not a number
    schema = one_step_schema({"name": {"type": "string", "maxLength": "long"}})

    problems = check_form_schema(schema)

    assert paths(problems) == ["$.properties.name.maxLength"]
    assert "'long' is not of type 'integer'" in problems[0]


def test_the_top_level_must_be_an_object_type():
    schema = one_step_schema({"name": {"type": "string"}})
    schema["type"] = "array"

    assert "$.type" in paths(check_form_schema(schema))


def test_a_property_outside_every_step_is_reported():
    schema = food_licence_schema()
    schema["x-steps"][1]["fields"].remove("notes")

    problems = check_form_schema(schema)

    assert problems == ["$.properties.notes: “notes” is not in any step."]


def test_a_property_in_two_steps_is_reported():
    schema = food_licence_schema()
    schema["x-steps"][1]["fields"].append("shop_name")

    assert paths(check_form_schema(schema)) == ["$.x-steps[1].fields[5]"]


def test_a_step_field_that_is_not_a_property_is_reported():
    schema = food_licence_schema()
    schema["x-steps"][0]["fields"].append("owner")

    problems = check_form_schema(schema)

    assert problems == ["$.x-steps[0].fields[3]: “owner” is not a property of the form."]


def test_step_keys_must_be_unique_and_well_formed():
    schema = food_licence_schema()
    schema["x-steps"][1]["key"] = "basic"
    assert paths(check_form_schema(schema)) == ["$.x-steps[1].key"]

    schema["x-steps"][1]["key"] = "Premises and staff"
    assert paths(check_form_schema(schema)) == ["$.x-steps[1].key"]


def test_a_schema_without_steps_is_refused():
    schema = food_licence_schema()
    del schema["x-steps"]

    assert "$.x-steps" in paths(check_form_schema(schema))


def test_required_names_must_be_properties():
    schema = food_licence_schema()
    schema["required"].append("owner")

    assert paths(check_form_schema(schema)) == ["$.required[4]"]


@pytest.mark.parametrize("condition", [{"field": "category", "in": ["retail", "catering"]}])
def test_a_condition_with_in_passes(condition):
    schema = food_licence_schema()
    schema["properties"]["seats"]["x-show-if"] = condition

    assert check_form_schema(schema) == []


def test_a_condition_may_look_at_an_earlier_step():
    schema = food_licence_schema()
    schema["properties"]["notes"]["x-show-if"] = {"field": "category", "equals": "retail"}

    assert check_form_schema(schema) == []


@pytest.mark.parametrize(
    ("condition", "path"),
    [
        ({"field": "owner", "equals": "x"}, "$.properties.seats.x-show-if.field"),
        ({"field": "seats", "equals": 1}, "$.properties.seats.x-show-if.field"),
        ({"field": "category", "equals": "bakery"}, "$.properties.seats.x-show-if.equals"),
        ({"field": "category", "in": ["retail", "bakery"]}, "$.properties.seats.x-show-if.in[1]"),
        ({"field": "category", "in": []}, "$.properties.seats.x-show-if.in"),
        ({"field": "category"}, "$.properties.seats.x-show-if"),
        (
            {"field": "category", "equals": "retail", "in": ["retail"]},
            "$.properties.seats.x-show-if",
        ),
        ({"field": "floor_area", "equals": 10}, "$.properties.seats.x-show-if.field"),
        ({"field": "staff", "equals": "x"}, "$.properties.seats.x-show-if.field"),
        ({"field": "category", "equals": "retail", "not": 1}, "$.properties.seats.x-show-if.not"),
    ],
)
def test_bad_conditions_are_reported(condition, path):
    # floor_area is in the later step; staff is a repeating group
    schema = food_licence_schema()
    schema["properties"]["seats"]["x-show-if"] = condition

    assert path in paths(check_form_schema(schema))


def test_a_condition_value_must_match_the_type_of_its_field():
    schema = food_licence_schema()
    schema["properties"]["notes"]["x-show-if"] = {"field": "agrees", "equals": "yes"}
    assert paths(check_form_schema(schema)) == ["$.properties.notes.x-show-if.equals"]

    schema["properties"]["notes"]["x-show-if"] = {"field": "agrees", "equals": True}
    assert check_form_schema(schema) == []


def test_prefill_sources_come_from_the_list():
    schema = food_licence_schema()
    schema["properties"]["shop_name"]["x-prefill"] = "business.phone"

    problems = check_form_schema(schema)

    assert paths(problems) == ["$.properties.shop_name.x-prefill"]
    assert "business.uscc" in problems[0]


@pytest.mark.parametrize(
    ("prop", "path"),
    [
        ({"type": "string", "x-widget": "radio"}, "$.properties.field.x-widget"),
        ({"type": "string", "x-widget": "slider"}, "$.properties.field.x-widget"),
        (CHOICE | {"x-widget": "textarea"}, "$.properties.field.x-widget"),
        ({"type": "integer", "x-widget": "select"}, "$.properties.field.x-widget"),
        ({"type": "string", "format": "date", "x-widget": "textarea"}, "$.properties.field"),
    ],
)
def test_widgets_must_suit_the_type(prop, path):
    problems = check_form_schema(one_step_schema({"field": prop}))

    assert any(p.startswith(path) for p in paths(problems)), problems


@pytest.mark.parametrize(
    ("prop", "path"),
    [
        ({"type": "object"}, "$.properties.field.type"),
        ({"type": ["string", "null"]}, "$.properties.field.type"),
        ({"type": "string", "format": "email"}, "$.properties.field.format"),
        ({"type": "number", "exclusiveMinimum": 0}, "$.properties.field.exclusiveMinimum"),
        ({"type": "string", "oneOf": [{"maxLength": 1}]}, "$.properties.field.oneOf"),
        ({"type": "boolean", "const": False}, "$.properties.field.const"),
        ({"type": "integer", "minimum": 5, "maximum": 1}, "$.properties.field.minimum"),
        ({"type": "string", "pattern": "(unclosed"}, "$.properties.field.pattern"),
        ({"type": "array"}, "$.properties.field.items"),
        ({"type": "array", "items": {"type": "integer"}}, "$.properties.field.items"),
        (
            {"type": "array", "items": {"type": "object", "properties": {}}},
            "$.properties.field.items.properties",
        ),
        (
            {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "inner": {
                            "type": "array",
                            "title": "Inner",
                            "x-title-zh": "内",
                            "items": {"enum": ["a"]},
                        }
                    },
                },
            },
            "$.properties.field.items.properties.inner.type",
        ),
        (
            {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"n": {"type": "string", "x-title-zh": "名"}},
                    "required": ["m"],
                },
            },
            "$.properties.field.items.properties.n.title",
        ),
    ],
)
def test_unsupported_shapes_are_reported(prop, path):
    problems = check_form_schema(one_step_schema({"field": prop}))

    assert path in paths(problems), problems


def test_group_required_must_name_group_fields():
    schema = food_licence_schema()
    schema["properties"]["staff"]["items"]["required"] = ["name", "phone"]

    assert paths(check_form_schema(schema)) == ["$.properties.staff.items.required[1]"]


def test_property_names_must_be_plain_identifiers():
    schema = one_step_schema({"Shop Name": {"type": "string"}, "add__x": {"type": "string"}})

    assert paths(check_form_schema(schema)) == ["$.properties.Shop Name", "$.properties.add__x"]


def test_bilingual_titles_are_required_for_properties_and_steps():
    schema = food_licence_schema()
    del schema["properties"]["notes"]["x-title-zh"]
    schema["properties"]["seats"]["title"] = " "
    del schema["x-steps"][0]["x-title-zh"]

    assert sorted(paths(check_form_schema(schema))) == [
        "$.properties.notes.x-title-zh",
        "$.properties.seats.title",
        "$.x-steps[0].x-title-zh",
    ]


def test_every_choice_needs_both_labels():
    schema = food_licence_schema()
    labels = schema["properties"]["category"]["x-enum-labels"]
    del labels["catering"]["zh"]
    labels["bakery"] = {"en": "Bakery", "zh": "烘焙"}

    assert paths(check_form_schema(schema)) == [
        "$.properties.category.x-enum-labels.catering",
        "$.properties.category.x-enum-labels.bakery",
    ]


def test_a_choice_list_without_labels_is_reported():
    prop = {"type": "array", "items": {"enum": ["a", "b"]}}

    assert paths(check_form_schema(one_step_schema({"field": prop}))) == [
        "$.properties.field.items.x-enum-labels"
    ]


def test_labels_may_sit_on_the_items_of_a_choice_list():
    prop = {
        "type": "array",
        "items": {"enum": ["a", "b"], "x-enum-labels": CHOICE["x-enum-labels"]},
    }

    assert check_form_schema(one_step_schema({"field": prop})) == []


def test_conditions_must_not_form_a_loop():
    schema = food_licence_schema()
    schema["properties"]["notes"]["x-show-if"] = {"field": "agrees", "equals": True}
    schema["properties"]["agrees"]["x-show-if"] = {"field": "notes", "equals": "x"}

    problems = check_form_schema(schema)

    assert paths(problems) == [
        "$.properties.notes.x-show-if",
        "$.properties.agrees.x-show-if",
    ]
    assert "notes → agrees → notes" in problems[0]


def test_only_a_date_field_marked_true_gives_the_licences_end():
    date = {"type": "string", "format": "date", "title": "Until", "x-title-zh": "至"}
    assert check_form_schema(one_step_schema({"until": {**date, "x-licence-valid-to": True}})) == []
    text = {"type": "string", "title": "Until", "x-title-zh": "至", "x-licence-valid-to": True}
    assert paths(check_form_schema(one_step_schema({"until": text}))) == [
        "$.properties.until.x-licence-valid-to"
    ]
    marked_yes = {**date, "x-licence-valid-to": "yes"}
    assert paths(check_form_schema(one_step_schema({"until": marked_yes}))) == [
        "$.properties.until.x-licence-valid-to"
    ]
