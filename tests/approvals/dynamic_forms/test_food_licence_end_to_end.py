"""The food business licence form (食品经营许可) of issue 3, filled in by a business agent from
the first step to the check before submission, with the mistakes people make on the way."""

import pytest

from approvals.dynamic_forms import (
    build_step_form,
    check_form_schema,
    prefill_values,
    steps,
    summary_rows,
    validate_application_data,
)
from tests.approvals.dynamic_forms.helpers import post_data, render_error_summary, render_fields
from tests.approvals.dynamic_forms.schemas import food_licence_schema
from tests.factories import BusinessFactory, MembershipFactory


@pytest.mark.django_db
def test_an_agent_fills_in_the_food_business_licence():
    schema = food_licence_schema()
    assert check_form_schema(schema) == []
    business = BusinessFactory(name="福州好味道餐饮有限公司")
    agent = MembershipFactory(business=business).user
    prefill = prefill_values(schema, user=agent, business=business)
    basic, premises = steps(schema)
    stored: dict = {}

    # Step 1: the shop name comes from the registry; the agent picks catering but forgets the
    # seats, and tries to rename the shop.
    first = build_step_form(
        schema,
        basic.key,
        data=post_data({"shop_name": "Renamed", "category": "catering", "seats": ""}),
        initial=stored,
        prefill=prefill,
    )
    assert not first.is_valid()
    assert '<a href="#id_seats">Seats: This field is required.</a>' in render_error_summary(first)
    html = render_fields(first)
    assert "福州好味道餐饮有限公司" in html
    assert 'name="shop_name"' not in html
    assert 'value="catering" id="id_category_1" required checked' in html

    first = build_step_form(
        schema,
        basic.key,
        data=post_data({"shop_name": "Renamed", "category": "catering", "seats": "40"}),
        initial=stored,
        prefill=prefill,
    )
    assert first.is_valid()
    stored = first.merge_into(stored)
    assert stored == {"shop_name": "福州好味道餐饮有限公司", "category": "catering", "seats": 40}

    # Step 2: one staff member, then "Add another", then a second one with a bad floor area.
    typed = {"opening_date": "2025-03-01", "floor_area": "85.5", "notes": "", "agrees": "on"}
    adding = build_step_form(
        schema,
        premises.key,
        data=post_data(typed | {"add__staff": "1"}, staff=[{"name": "李雷", "certificate": "C-1"}]),
        initial=stored,
        prefill=prefill,
    )
    assert not adding.is_valid()
    assert 'name="staff-1-name"' in render_fields(adding)
    assert 'name="floor_area" value="85.5"' in render_fields(adding)

    rows = [{"name": "李雷", "certificate": "C-1"}, {"name": "韩梅梅", "certificate": ""}]
    wrong = build_step_form(
        schema,
        premises.key,
        data=post_data(typed | {"floor_area": "0"}, staff=rows),
        initial=stored,
        prefill=prefill,
    )
    assert wrong.errors == {"floor_area": ["Ensure this value is greater than or equal to 1."]}

    second = build_step_form(
        schema, premises.key, data=post_data(typed, staff=rows), initial=stored, prefill=prefill
    )
    assert second.is_valid(), second.errors
    stored = second.merge_into(stored)

    # Review and submission check.
    assert validate_application_data(schema, stored) == {}
    summary = {row["name"]: row["value"] for row in summary_rows(schema, stored)}
    assert summary["category"] == "Catering"
    assert summary["seats"] == "40"
    assert summary["notes"] == "Not provided"

    # Going back to step 1 and switching to retail drops the seats when the step is saved again.
    again = build_step_form(
        schema,
        basic.key,
        data=post_data({"category": "retail", "seats": "40"}),
        initial=stored,
        prefill=prefill,
    )
    assert again.is_valid()
    stored = again.merge_into(stored)
    assert "seats" not in stored
    assert validate_application_data(schema, stored) == {}
    assert stored["staff"] == [{"name": "李雷", "certificate": "C-1"}, {"name": "韩梅梅"}]
