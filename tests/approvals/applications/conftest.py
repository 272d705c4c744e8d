"""A small food-shop licence with a two-step form and two materials, a service window with its
intake clerk, and applicants: a citizen, a business with an agent, and a stranger."""

import pytest

from accounts.models import OfficialRole
from tests.approvals.dynamic_forms.schemas import food_licence_schema
from tests.factories import (
    DepartmentFactory,
    MembershipFactory,
    OfficialFactory,
    PersonFactory,
    ServiceItemFactory,
    ServiceVersionFactory,
)

# The shop name, category and conditional seat count are the shared food-licence fields.
_FOOD = food_licence_schema()["properties"]

SCHEMA = {
    "type": "object",
    "properties": {
        "applicant_name": {
            "type": "string",
            "title": "Applicant",
            "x-title-zh": "申请人",
            "x-prefill": "person.real_name",
        },
        "id_number": {
            "type": "string",
            "title": "Resident ID number",
            "x-title-zh": "公民身份号码",
            "x-prefill": "person.id_number",
        },
        **{key: _FOOD[key] for key in ("shop_name", "category", "seats")},
        "floor_area": {
            "type": "number",
            "minimum": 1,
            "maximum": 100000,
            "title": "Floor area (m²)",
            "x-title-zh": "经营面积（平方米）",
        },
        "notes": {"type": "string", "title": "Notes", "x-title-zh": "备注", "x-widget": "textarea"},
    },
    "required": ["shop_name", "category", "seats", "floor_area"],
    "x-steps": [
        {
            "key": "basic",
            "title": "About the business",
            "x-title-zh": "经营者信息",
            "fields": ["applicant_name", "id_number", "shop_name", "category", "seats"],
        },
        {
            "key": "premises",
            "title": "Premises",
            "x-title-zh": "经营场所",
            "fields": ["floor_area", "notes"],
        },
    ],
}

COMPLETE_DATA = {"shop_name": "老福州小吃", "category": "retail", "floor_area": 45}

MATERIALS = [
    {"key": "floor-plan", "name_en": "Floor plan", "name_zh": "平面图", "required": True},
    {"key": "lease", "name_en": "Lease contract", "name_zh": "租赁合同", "required": False},
]


@pytest.fixture
def window(db):
    """The city's service window, where applications for city bureaus arrive."""
    government = DepartmentFactory(code="city-gov", region_code="350100")
    return DepartmentFactory(
        code="city-window", region_code="350100", parent=government, is_service_window=True
    )


@pytest.fixture
def clerk(window):
    return OfficialFactory(department=window, role=OfficialRole.INTAKE_CLERK).user


@pytest.fixture
def version(window):
    bureau = DepartmentFactory(code="city-market", region_code="350100", parent=window.parent)
    item = ServiceItemFactory(code="SPJY", department=bureau, topic="food_health")
    return ServiceVersionFactory(
        item=item,
        name_en="Food business licence",
        name_zh="食品经营许可",
        form_schema=SCHEMA,
        materials=MATERIALS,
        published=True,
    )


@pytest.fixture
def citizen(db):
    return PersonFactory(real_name="王芳", user__preferred_language="en").user


@pytest.fixture
def membership(db):
    return MembershipFactory(user=PersonFactory().user)


@pytest.fixture
def agent(membership):
    return membership.user


@pytest.fixture
def business(membership):
    return membership.business


@pytest.fixture
def stranger(db):
    return PersonFactory().user
