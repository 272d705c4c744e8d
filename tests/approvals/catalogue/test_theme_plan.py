"""The one reading of a theme: what applies after the questions, each shared field and material
asked once, the total time the longest chain, and the burden against one by one."""

from decimal import Decimal

import pytest

from approvals.selectors.themes import faced_counts, theme_plan
from tests.factories import ServiceVersionFactory, ThemeVersionFactory

pytestmark = pytest.mark.django_db


def _schema(*fields):
    return {
        "type": "object",
        "properties": {name: {"type": "string", "title": name} for name in fields},
        "x-steps": [{"key": "main", "title": "Main", "fields": list(fields)}],
    }


def _restaurant():
    registration = ServiceVersionFactory(
        published=True,
        statutory_limit_days=3,
        promised_limit_days=1,
        form_schema=_schema("trade_name", "premises_address", "operator"),
        materials=[{"key": "identity"}, {"key": "premises_proof"}],
    )
    food = ServiceVersionFactory(
        published=True,
        statutory_limit_days=20,
        promised_limit_days=10,
        fee_amount=Decimal("0"),
        form_schema=_schema("shop_name", "premises_address", "seats"),
        materials=[{"key": "business_licence"}, {"key": "lease"}, {"key": "layout"}],
    )
    sign = ServiceVersionFactory(
        published=True,
        statutory_limit_days=20,
        promised_limit_days=5,
        fee_amount=Decimal("50"),
        form_schema=_schema("applicant_name", "location", "width"),
        materials=[{"key": "site_use_proof"}],
    )
    return ThemeVersionFactory(
        published=True,
        questions=[{"key": "sign", "kind": "yes_no"}],
        shared_fields=[
            {"key": "name", "schema": {"type": "string", "title": "Shop name"}},
            {"key": "address", "schema": {"type": "string", "title": "Address"}},
        ],
        shared_materials=[{"key": "lease", "name_zh": "租赁合同", "name_en": "Lease"}],
        members=[
            {
                "key": "registration",
                "service_item": registration.item,
                "field_map": {"name": "trade_name", "address": "premises_address"},
                "material_map": {"lease": "premises_proof"},
            },
            {
                "key": "food",
                "service_item": food.item,
                "field_map": {"name": "shop_name", "address": "premises_address"},
                "material_map": {"lease": "lease"},
                "depends_on": [{"member": "registration", "cite_as": "business_licence"}],
            },
            {
                "key": "sign",
                "service_item": sign.item,
                "condition": {"question": "sign", "equals": True},
                "field_map": {"name": "applicant_name", "address": "location"},
                "material_map": {"lease": "site_use_proof"},
            },
        ],
    )


def test_the_plan_asks_each_shared_thing_once_and_cites_the_prerequisites_licence():
    version = _restaurant()

    plan = theme_plan(version, {"sign": False})

    assert [p.key for p in plan.members] == ["registration", "food"]
    assert [m.key for m in plan.skipped] == ["sign"]
    assert [f["key"] for f in plan.shared_fields] == ["name", "address"]
    lease = plan.shared_materials[0]
    assert (lease.key, lease.members, lease.required) == ("lease", ["registration", "food"], True)
    food = plan.member("food")
    assert food.waits_for == ["registration"]
    assert food.cited_from == {"business_licence": "registration"}
    assert food.own_fields == {"main": ["seats"]}
    assert [m.key for m in food.own_materials] == ["layout"]
    assert (plan.statutory_days, plan.promised_days, plan.sequential_statutory_days) == (23, 11, 23)


def test_members_run_in_parallel_and_the_fees_add_up():
    plan = theme_plan(_restaurant(), {"sign": True})

    assert [p.key for p in plan.members] == ["registration", "sign", "food"]
    assert plan.statutory_days == 23  # registration 3 + food 20; the sign runs beside them
    assert plan.sequential_statutory_days == 43
    assert plan.fee_total == Decimal("50")
    assert len(plan.departments) == 3


def test_the_theme_asks_less_than_the_members_one_by_one(django_assert_max_num_queries):
    version = _restaurant()

    with django_assert_max_num_queries(4):
        plan = theme_plan(version, {"sign": True})
        as_theme, one_by_one = faced_counts(plan)

    # questions 1 + shared 2 + own (1 + 1 + 1) fields; uploads: lease once + identity + layout
    # + nothing for the sign beyond the lease (its site proof is the lease) = 3.
    assert (as_theme.fields, as_theme.uploads) == (6, 3)
    assert (one_by_one.fields, one_by_one.uploads) == (9, 6)
