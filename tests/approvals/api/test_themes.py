"""一件事 in the API's catalogue: the published themes, and the guide for the answers given (the
theme's plan: what applies, each shared thing once, the total time)."""

import pytest
from rest_framework.test import APIClient

from tests.factories import ServiceVersionFactory, ThemeVersionFactory

pytestmark = pytest.mark.django_db


def _schema(*fields):
    return {
        "type": "object",
        "properties": {name: {"type": "string", "title": name} for name in fields},
        "x-steps": [{"key": "main", "title": "Main", "fields": list(fields)}],
    }


@pytest.fixture
def restaurant():
    registration = ServiceVersionFactory(
        published=True,
        item__code="REG",
        statutory_limit_days=3,
        promised_limit_days=1,
        form_schema=_schema("trade_name", "premises_address", "operator"),
        materials=[{"key": "identity"}, {"key": "premises_proof"}],
    )
    food = ServiceVersionFactory(
        published=True,
        item__code="FOOD",
        statutory_limit_days=20,
        promised_limit_days=10,
        form_schema=_schema("shop_name", "premises_address", "seats"),
        materials=[{"key": "business_licence"}, {"key": "lease"}, {"key": "layout"}],
    )
    sign = ServiceVersionFactory(
        published=True,
        item__code="SIGN",
        statutory_limit_days=20,
        promised_limit_days=5,
        fee_amount="50.00",
        form_schema=_schema("applicant_name", "location", "width"),
        materials=[{"key": "site_use_proof"}],
    )
    return ThemeVersionFactory(
        published=True,
        item__code="RESTAURANT",
        name_zh="我要开餐馆",
        name_en="Open a restaurant",
        questions=[
            {"key": "sign", "kind": "yes_no", "text_zh": "临街招牌？", "text_en": "A street sign?"},
            {"key": "seats", "kind": "number", "text_zh": "座位数", "text_en": "Seats"},
            {
                "key": "form",
                "kind": "choice",
                "text_zh": "组织形式",
                "text_en": "Form",
                "choices": [
                    {"value": "company", "label_zh": "公司", "label_en": "Company"},
                    {"value": "individual", "label_zh": "个体", "label_en": "Individual"},
                ],
            },
        ],
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


def test_the_published_themes_are_listed_with_their_services(restaurant):
    ThemeVersionFactory(item__code="DRAFT-ONLY")  # a draft is not listed

    response = APIClient().get("/api/v1/themes/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 200
    [theme] = response.json()["results"]
    assert theme["code"] == "RESTAURANT"
    assert theme["name"] == "我要开餐馆"
    assert theme["services"] == ["REG", "FOOD", "SIGN"]


def test_the_themes_list_reads_a_constant_number_of_queries(
    restaurant, django_assert_max_num_queries
):
    for _n in range(4):
        ThemeVersionFactory(
            published=True,
            members=[
                {"key": f"m{k}", "service_item": restaurant.members.first().service_item}
                for k in range(3)
            ],
        )

    with django_assert_max_num_queries(3):
        response = APIClient().get("/api/v1/themes/")

    assert response.json()["count"] == 5 and len(response.json()["results"]) == 5


def test_the_guide_applies_the_answers_and_shows_each_shared_thing_once(restaurant):
    response = APIClient().get(
        "/api/v1/themes/RESTAURANT/?sign=yes&seats=60&form=individual",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    guide = response.json()
    assert guide["answers"] == {"sign": True, "seats": 60, "form": "individual"}
    assert [m["key"] for m in guide["members"]] == ["registration", "sign", "food"]
    assert guide["skipped"] == []
    food = next(m for m in guide["members"] if m["key"] == "food")
    assert food["waits_for"] == ["registration"]
    assert food["cited_from"] == {"business_licence": "registration"}
    assert food["own_fields"] == {"main": ["seats"]}
    assert [m["key"] for m in food["own_materials"]] == ["layout"]
    [lease] = guide["shared_materials"]
    assert lease["name"] == "Lease" and lease["members"] == ["registration", "sign", "food"]
    assert [f["key"] for f in guide["shared_fields"]] == ["name", "address"]
    # The food licence waits for the registration (3 + 20); the sign runs beside them.
    assert guide["statutory_days"] == 23
    assert guide["sequential_statutory_days"] == 43
    assert guide["fee_total"] == "50.00"
    assert guide["questions"][2]["choices"][1] == {"value": "individual", "label": "Individual"}
    assert guide["burden"]["theme"]["fields"] < guide["burden"]["one_by_one"]["fields"]
    assert guide["burden"]["theme"]["uploads"] < guide["burden"]["one_by_one"]["uploads"]


def test_without_the_sign_the_guide_skips_the_sign_permit(restaurant):
    guide = APIClient().get("/api/v1/themes/RESTAURANT/?sign=false").json()

    assert [m["key"] for m in guide["members"]] == ["registration", "food"]
    assert guide["skipped"] == [{"key": "sign", "service": "SIGN"}]
    assert guide["fee_total"] == "0.00"


@pytest.mark.parametrize(
    "query",
    ["sign=perhaps", "seats=-3", "seats=many", "seats=1e999", "form=cooperative", "colour=red"],
)
def test_an_answer_that_is_not_one_answers_400_keyed_by_the_question(restaurant, query):
    response = APIClient().get(f"/api/v1/themes/RESTAURANT/?{query}")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert set(response.json()["errors"]) == {query.split("=")[0]}


def test_an_unknown_or_unpublished_theme_answers_404(restaurant):
    ThemeVersionFactory(item__code="DRAFT-ONLY")

    assert APIClient().get("/api/v1/themes/NOPE/").status_code == 404
    assert APIClient().get("/api/v1/themes/DRAFT-ONLY/").status_code == 404


def test_the_guide_reads_a_constant_number_of_queries(restaurant, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        APIClient().get("/api/v1/themes/RESTAURANT/?sign=true")
