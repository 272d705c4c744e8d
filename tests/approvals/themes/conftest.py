"""A small restaurant theme for the case tests: a registration, a food licence that waits for it
and cites its licence, and a sign permit when the applicant says so; two shared fields (one
prefilled from the registry), one shared material needed by all three, and a citizen."""

import pytest

from accounts.models import OfficialRole
from tests.factories import (
    DepartmentFactory,
    OfficialFactory,
    PersonFactory,
    ServiceVersionFactory,
    ThemeVersionFactory,
)


def _schema(*fields, required=(), prefill=None):
    prefill = prefill or {}
    properties = {}
    for name in fields:
        prop = {"type": "string", "title": name}
        if name in prefill:
            prop["x-prefill"] = prefill[name]
        properties[name] = prop
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "x-steps": [{"key": "main", "title": "Main", "fields": list(fields)}],
    }


@pytest.fixture
def lead_window():
    # A real window (一窗受理): its clerks are those who accept the case, and are told of it.
    return DepartmentFactory(code="window-theme", is_service_window=True)


@pytest.fixture
def window_clerk(lead_window):
    return OfficialFactory(department=lead_window, role=OfficialRole.INTAKE_CLERK).user


@pytest.fixture
def restaurant(lead_window):
    registration = ServiceVersionFactory(
        published=True,
        statutory_limit_days=3,
        promised_limit_days=2,
        form_schema=_schema(
            "trade_name",
            "operator",
            "capital",
            required=("trade_name", "operator", "capital"),
            prefill={"operator": "person.real_name"},
        ),
        materials=[{"key": "identity"}, {"key": "premises_proof"}],
    )
    registration.item.code = "T-REG"
    registration.item.save(update_fields=["code"])
    food = ServiceVersionFactory(
        published=True,
        form_schema=_schema("shop_name", "seats", required=("shop_name", "seats")),
        materials=[
            {"key": "business_licence", "reusable_licence_item_code": "T-REG"},
            {"key": "lease"},
            {"key": "kitchen_layout"},
        ],
    )
    sign = ServiceVersionFactory(
        published=True,
        form_schema=_schema("applicant_name", "sign_size", required=("applicant_name",)),
        materials=[{"key": "site_use_proof"}],
    )
    return ThemeVersionFactory(
        published=True,
        item__code="RESTAURANT",
        lead_department=lead_window,
        questions=[
            {"key": "sign", "kind": "yes_no", "text_zh": "设招牌？", "text_en": "A sign?"},
        ],
        shared_fields=[
            {"key": "name", "schema": {"type": "string", "title": "Shop name"}, "required": True},
            {
                "key": "operator",
                "schema": {"type": "string", "title": "Operator", "x-prefill": "person.real_name"},
                "required": True,
            },
        ],
        shared_materials=[{"key": "lease", "name_zh": "租赁合同", "name_en": "Lease"}],
        members=[
            {
                "key": "registration",
                "service_item": registration.item,
                "field_map": {"name": "trade_name", "operator": "operator"},
                "material_map": {"lease": "premises_proof"},
            },
            {
                "key": "food",
                "service_item": food.item,
                "field_map": {"name": "shop_name"},
                "material_map": {"lease": "lease"},
                "depends_on": [{"member": "registration", "cite_as": "business_licence"}],
            },
            {
                "key": "sign",
                "service_item": sign.item,
                "condition": {"question": "sign", "equals": True},
                "field_map": {"name": "applicant_name"},
                "material_map": {"lease": "site_use_proof"},
            },
        ],
    )


@pytest.fixture
def citizen():
    return PersonFactory().user


@pytest.fixture
def stranger():
    return PersonFactory().user
