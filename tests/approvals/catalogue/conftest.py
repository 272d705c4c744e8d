"""Fixtures for the catalogue tests: catalogue administrators, and versions complete enough to
publish (a checked form schema and a workflow whose departments exist)."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from tests.factories import (
    DepartmentFactory,
    ServiceItemFactory,
    ServiceVersionFactory,
    ThemeVersionFactory,
    UserFactory,
)


def minimal_schema(field_title: str = "Shop name") -> dict:
    return {
        "type": "object",
        "properties": {
            "shop_name": {"type": "string", "title": field_title, "x-title-zh": "门店名称"},
        },
        "required": ["shop_name"],
        "x-steps": [
            {"key": "basic", "title": "Basics", "x-title-zh": "基本信息", "fields": ["shop_name"]}
        ],
    }


def minimal_workflow(department_code: str) -> dict:
    return {
        "stages": [
            {
                "key": "review",
                "name": {"en": "Review", "zh": "审查"},
                "branches": [{"key": "review", "department": department_code, "role": "reviewer"}],
                "limit_working_days": 5,
            }
        ]
    }


@pytest.fixture
def english_client():
    """An anonymous visitor reading in English (the portal's default language is Chinese)."""
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def chinese_client():
    return Client(headers={"accept-language": "zh-hans"})


@pytest.fixture
def catalogue_admin(db):
    """A staff member with the catalogue administrator's permissions (not a superuser)."""
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="approvals",
            codename__in=[
                "view_serviceitem",
                "add_serviceitem",
                "change_serviceitem",
                "view_serviceversion",
                "add_serviceversion",
                "change_serviceversion",
                "delete_serviceversion",
                # No permission of the materials or forms to download: they follow the version.
            ],
        )
    )
    return user


@pytest.fixture
def make_draft(db):
    """``make_draft(item=None, **fields)``: a draft that passes every publishing check."""

    def make(item=None, **fields):
        item = item or ServiceItemFactory(department=DepartmentFactory())
        fields.setdefault("form_schema", minimal_schema())
        fields.setdefault("workflow_definition", minimal_workflow(item.department.code))
        return ServiceVersionFactory(item=item, **fields)

    return make


def theme_schema(**types):
    return {
        "type": "object",
        "properties": {
            name: {"type": kind, "title": name, "x-title-zh": name} for name, kind in types.items()
        },
        "x-steps": [{"key": "main", "title": "Main", "x-title-zh": "主", "fields": list(types)}],
    }


def theme_shared_field(key, kind="string"):
    return {"key": key, "schema": {"type": kind, "title": key, "x-title-zh": key}}


@pytest.fixture
def theme_services(db):
    """A registration and a food licence, published, for themes to name."""
    registration = ServiceVersionFactory(
        published=True,
        form_schema=theme_schema(trade_name="string", premises_address="string"),
        materials=[{"key": "premises_proof"}],
    )
    food = ServiceVersionFactory(
        published=True,
        form_schema=theme_schema(shop_name="string", seats="integer"),
        materials=[{"key": "business_licence"}, {"key": "lease"}],
    )
    return registration, food


@pytest.fixture
def make_theme(theme_services):
    """``make_theme(**fields)``: a draft restaurant theme of the two services that passes every
    publishing check."""
    registration, food = theme_services

    def make(**overrides):
        return _theme(registration, food, **overrides)

    return make


def _theme(registration, food, **overrides):
    fields = {
        "questions": [
            {"key": "sign", "kind": "yes_no", "text_zh": "招牌？", "text_en": "A sign?"},
        ],
        "shared_fields": [theme_shared_field("name"), theme_shared_field("address")],
        "shared_materials": [{"key": "lease", "name_zh": "租赁合同", "name_en": "Lease"}],
        "members": [
            {
                "key": "registration",
                "service_item": registration.item,
                "field_map": {"name": "trade_name", "address": "premises_address"},
                "material_map": {"lease": "premises_proof"},
            },
            {
                "key": "food",
                "service_item": food.item,
                "field_map": {"name": "shop_name"},
                "material_map": {"lease": "lease"},
                "depends_on": [{"member": "registration", "cite_as": "business_licence"}],
            },
        ],
    }
    fields.update(overrides)
    return ThemeVersionFactory(**fields)


def change_url(version):
    return reverse("admin:approvals_serviceversion_change", args=[version.pk])
