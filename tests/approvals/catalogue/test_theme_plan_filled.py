"""What a theme fills in without asking: fixed values it knows (a restaurant is catering) and
fields its prerequisites' licences give (a registration's licence number is the credit code)."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from approvals.selectors.themes import faced_counts, theme_plan, values_from_licences
from approvals.services.themes_catalogue import theme_version_publish
from tests.approvals.catalogue.conftest import theme_schema

pytestmark = pytest.mark.django_db

KIND = {
    "key": "kind",
    "schema": {
        "type": "string",
        "title": "Kind",
        "x-title-zh": "类别",
        "enum": ["catering", "canteen"],
        "x-enum-labels": {
            "catering": {"en": "Catering", "zh": "餐饮"},
            "canteen": {"en": "Canteen", "zh": "食堂"},
        },
    },
    "value": "catering",
}


@pytest.fixture
def theme(make_theme, theme_services):
    _registration, food = theme_services
    # the food licence's form gains the kind of operator and the credit code
    schema = theme_schema(shop_name="string", seats="integer", category="string", uscc="string")
    schema["properties"]["category"]["enum"] = ["catering", "retail"]
    type(food).objects.filter(pk=food.pk).update(form_schema=schema)
    version = make_theme(
        shared_fields=[
            {"key": "name", "schema": {"type": "string", "title": "N", "x-title-zh": "名"}},
            {"key": "address", "schema": {"type": "string", "title": "A", "x-title-zh": "址"}},
            KIND,
        ]
    )
    version.members.filter(key="food").update(
        field_map={"name": "shop_name", "kind": "category"},
        depends_on=[
            {"member": "registration", "cite_as": "business_licence", "fill": {"uscc": "number"}}
        ],
    )
    return version


def test_fixed_and_licence_fields_are_not_asked(theme):
    plan = theme_plan(theme, {})

    food = plan.member("food")
    assert food.own_fields == {"main": ["seats"]}
    assert food.fixed_values == {"category": "catering"}
    assert food.from_licence == {"uscc": ("registration", "number")}
    assert [f["key"] for f in plan.shared_fields] == ["name", "address"]
    assert [f["key"] for f in plan.fixed_fields] == ["kind"]
    as_theme, _ = faced_counts(plan)
    assert as_theme.fields == 1 + 2 + 1  # the question, name and address, seats


def test_the_prerequisites_licence_fills_the_credit_code_once_issued(theme):
    food = theme_plan(theme, {}).member("food")
    licence = SimpleNamespace(number="92350102MA00000001", holder_name="小林餐馆")

    assert values_from_licences(food, {}) == {}
    assert values_from_licences(food, {"registration": licence}) == {"uscc": licence.number}


def test_a_fixed_value_the_member_does_not_accept_and_an_unknown_fill_are_refused(
    catalogue_admin, theme
):
    theme.shared_fields = [*theme.shared_fields[:2], {**KIND, "value": "canteen"}]
    theme.save()
    theme.members.filter(key="food").update(
        depends_on=[{"member": "registration", "cite_as": "", "fill": {"uscc": "valid_to"}}]
    )

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        theme_version_publish(actor=catalogue_admin, version=theme)

    messages = caught.value.messages
    assert any("does not accept the fixed value of “kind”" in m for m in messages), messages
    assert any("fills “uscc” from the licence" in m for m in messages), messages
