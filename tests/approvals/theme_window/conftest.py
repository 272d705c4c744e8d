"""A small "open a restaurant" theme at the city's window: a business registration, a food
business licence that waits for the registration and cites its licence, and a fire safety check;
the lease and the floor plan are shared materials. A citizen's submitted case, its members'
intake clocks running from today."""

import pytest
from django.utils import timezone

from accounts.models import OfficialRole
from approvals.models import Application
from approvals.services.deadlines import application_deadlines_refresh
from tests.factories import (
    DepartmentFactory,
    OfficialFactory,
    PersonFactory,
    ServiceItemFactory,
    ServiceVersionFactory,
    ThemeCaseFactory,
    ThemeVersionFactory,
)

SCHEMA = {
    "type": "object",
    "properties": {"shop_name": {"type": "string", "title": "Shop name", "x-title-zh": "店名"}},
    "required": ["shop_name"],
    "x-steps": [{"key": "basic", "title": "Basic", "x-title-zh": "基本", "fields": ["shop_name"]}],
}


def _workflow(department_code: str) -> dict:
    return {
        "stages": [
            {
                "key": "review",
                "name": {"en": "Review", "zh": "审查"},
                "branches": [{"key": "main", "department": department_code, "role": "reviewer"}],
                "limit_working_days": 10,
            }
        ]
    }


@pytest.fixture
def window(db):
    government = DepartmentFactory(code="city-gov", region_code="350100")
    return DepartmentFactory(
        code="city-window", region_code="350100", parent=government, is_service_window=True
    )


@pytest.fixture
def bureaus(window):
    return {
        code: DepartmentFactory(code=code, region_code="350100", parent=window.parent)
        for code in ("city-market", "city-fire")
    }


@pytest.fixture
def clerk(window):
    return OfficialFactory(department=window, role=OfficialRole.INTAKE_CLERK).user


@pytest.fixture
def other_clerk(db):
    window = DepartmentFactory(code="xm-window", region_code="350200", is_service_window=True)
    return OfficialFactory(department=window, role=OfficialRole.INTAKE_CLERK).user


@pytest.fixture
def reviewers(bureaus):
    return {
        code: OfficialFactory(department=department, role=OfficialRole.REVIEWER).user
        for code, department in bureaus.items()
    }


def _service(code, department, name_en, name_zh, materials):
    item = ServiceItemFactory(code=code, department=department)
    return ServiceVersionFactory(
        item=item,
        name_en=name_en,
        name_zh=name_zh,
        form_schema=SCHEMA,
        materials=materials,
        workflow_definition=_workflow(department.code),
        published=True,
    )


@pytest.fixture
def services(bureaus):
    market, fire = bureaus["city-market"], bureaus["city-fire"]
    shared = [
        {"key": "lease", "name_en": "Lease", "name_zh": "租赁合同"},
        {"key": "floor-plan", "name_en": "Floor plan", "name_zh": "平面图"},
    ]
    return {
        "registration": _service(
            "ENT-REG", market, "Business registration", "企业设立登记", shared
        ),
        "food": _service(
            "FOOD-LIC",
            market,
            "Food business licence",
            "食品经营许可",
            [
                *shared,
                {
                    "key": "business-licence",
                    "name_en": "Business licence",
                    "name_zh": "营业执照",
                    "reusable_licence_item_code": "ENT-REG",
                },
            ],
        ),
        "fire": _service("FIRE-CHECK", fire, "Fire safety check", "消防安全检查", shared),
    }


@pytest.fixture
def theme(window, services):
    maps = {"lease": "lease", "floor_plan": "floor-plan"}
    return ThemeVersionFactory(
        name_en="Open a restaurant",
        name_zh="我要开餐馆",
        lead_department=window,
        shared_fields=[{"key": "shop_name", "schema": {"type": "string"}, "required": True}],
        shared_materials=[
            {"key": "lease", "name_zh": "租赁合同", "name_en": "Lease"},
            {"key": "floor_plan", "name_zh": "平面图", "name_en": "Floor plan"},
        ],
        members=[
            {
                "key": "registration",
                "service_item": services["registration"].item,
                "field_map": {"shop_name": "shop_name"},
                "material_map": maps,
            },
            {
                "key": "food",
                "service_item": services["food"].item,
                "field_map": {"shop_name": "shop_name"},
                "material_map": maps,
                "depends_on": [{"member": "registration", "cite_as": "business-licence"}],
            },
            {
                "key": "fire",
                "service_item": services["fire"].item,
                "field_map": {"shop_name": "shop_name"},
                "material_map": maps,
            },
        ],
        published=True,
    )


@pytest.fixture
def citizen(db):
    return PersonFactory(real_name="王芳", user__preferred_language="en").user


@pytest.fixture
def make_case(theme, citizen):
    def make():
        case = ThemeCaseFactory(
            submitted=True,
            version=theme,
            person=citizen.person,
            created_by=citizen,
            received_on=timezone.localdate(),
        )
        for member in Application.objects.filter(theme_case=case):
            member.data = {"shop_name": "老福州小吃"}
            member.save(update_fields=["data"])
            application_deadlines_refresh(application=member)
        return case

    return make


@pytest.fixture
def case(make_case):
    return make_case()


def members_of(case) -> dict[str, Application]:
    return {m.theme_member_key: m for m in Application.objects.filter(theme_case=case)}
