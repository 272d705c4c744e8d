"""The public service guides: the catalogue and each guide, open without signing in."""

import re
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from approvals.models import ItemType, ServiceSearchDocument, ServiceTopic, VersionStatus
from approvals.services.catalogue import version_search_entries
from tests.factories import (
    DepartmentFactory,
    MaterialFactory,
    ServiceItemFactory,
    ServiceVersionFactory,
)

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    """The page's visible text, tags removed and whitespace collapsed."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


@pytest.fixture
def food_licence():
    """A published guide with every Art. 30 item filled in, a co-handling department, a
    material with a template and one that a licence can replace."""
    market = DepartmentFactory(
        code="fz-market", name_en="Market Regulation Bureau", name_zh="市场监督管理局"
    )
    fire = DepartmentFactory(code="fz-fire", name_en="Fire and Rescue", name_zh="消防救援支队")
    ServiceVersionFactory(
        item=ServiceItemFactory(code="ENT-REG", department=market),
        name_en="Company establishment registration",
        name_zh="企业设立登记",
        published=True,
    )
    version = ServiceVersionFactory(
        item=ServiceItemFactory(code="FOOD-LIC", department=market, topic=ServiceTopic.FOOD_HEALTH),
        name_en="Food business licence",
        name_zh="食品经营许可",
        item_type=ItemType.LICENCE,
        for_persons=False,
        for_businesses=True,
        legal_basis_en="Food Safety Law, Article 35",
        legal_basis_zh="《中华人民共和国食品安全法》第三十五条",
        conditions_en="Premises suited to the food handled",
        conditions_zh="具有与经营的食品品种相适应的经营场所",
        procedure_en="Apply, intake, on-site inspection, decision",
        procedure_zh="申请、受理、现场核查、决定",
        statutory_limit_days=10,
        promised_limit_days=5,
        fee_amount=Decimal("0"),
        fee_basis_en="Administrative Licensing Law, Article 58",
        fee_basis_zh="《中华人民共和国行政许可法》第五十八条",
        on_the_spot=False,
    )
    version.co_departments.add(fire)
    MaterialFactory(
        version=version,
        key="application-form",
        position=1,
        name_en="Application form",
        name_zh="食品经营许可申请书",
        description_en="Signed by the legal representative",
        description_zh="法定代表人签字",
        medium="original",
        required=True,
        template=ContentFile(b"%PDF-1.4 sample", name="food-form.pdf"),
    )
    MaterialFactory(
        version=version,
        key="business-licence",
        position=2,
        name_en="Business licence",
        name_zh="营业执照",
        medium="copy",
        required=False,
        reusable_licence_item_code="ENT-REG",
    )
    version.status = VersionStatus.PUBLISHED
    version.save(update_fields=["status"])
    ServiceSearchDocument.objects.create(version=version, entries=version_search_entries(version))
    return version


# --- The catalogue --------------------------------------------------------------------------------


def test_the_catalogue_lists_published_services_for_anyone(english_client, food_licence):
    # when an anonymous visitor opens the catalogue
    response = english_client.get(reverse("approvals:guide_list"))

    # then every published service is listed with its department, type and time limits
    assert response.status_code == 200
    page = text_of(response)
    assert "2 services found" in page
    assert "Food business licence" in page
    assert "Market Regulation Bureau" in page
    assert "Licence" in page
    assert "Promised time limit 5 working days" in page
    assert "Statutory time limit 10 working days" in page
    assert reverse("approvals:guide_detail", args=["FOOD-LIC"]) in response.content.decode()


def test_the_catalogue_search_and_filters_work_without_javascript(english_client, food_licence):
    # when the visitor searches with the GET form's fields
    url = reverse("approvals:guide_list")
    by_word = english_client.get(url, {"q": "food"})
    by_kind = english_client.get(url, {"applicant": "person"})
    by_department = english_client.get(url, {"department": "fz-market", "topic": "food_health"})

    # then the results match, and the count says how many
    assert "1 service found" in text_of(by_word)
    assert "Food business licence" in text_of(by_word)
    assert "1 service found" in text_of(by_kind)
    assert "Food business licence" not in text_of(by_kind)
    assert "Company establishment registration" in text_of(by_kind)
    assert "1 service found" in text_of(by_department)
    # the form keeps what was chosen
    assert 'value="food"' in by_word.content.decode()
    assert re.search(r'<option value="fz-market"[^>]*selected', by_department.content.decode())


def test_a_search_without_results_says_so(english_client, food_licence):
    page = text_of(english_client.get(reverse("approvals:guide_list"), {"q": "spaceport"}))
    assert "0 services found" in page
    assert "No service matches" in page


def test_an_unknown_filter_value_is_reported_beside_its_field(english_client, food_licence):
    response = english_client.get(reverse("approvals:guide_list"), {"department": "nowhere"})

    body = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in body
    assert 'aria-invalid="true"' in re.search(r'<select[^>]*name="department"[^>]*>', body)[0]


def test_on_the_spot_services_carry_a_badge(english_client):
    ServiceVersionFactory(
        name_en="Individual business registration", on_the_spot=True, published=True
    )

    page = text_of(english_client.get(reverse("approvals:guide_list")))

    assert "Handled on the spot" in page


def test_the_header_links_to_the_services(english_client, food_licence):
    body = english_client.get(reverse("home")).content.decode()
    assert f'href="{reverse("approvals:guide_list")}"' in body


# --- A guide --------------------------------------------------------------------------------------


def test_the_guide_shows_every_art_30_item_in_english(english_client, food_licence):
    # when an anonymous visitor opens the guide
    response = english_client.get(reverse("approvals:guide_detail", args=["FOOD-LIC"]))

    # then every item Art. 30 requires is on the page
    assert response.status_code == 200
    page = text_of(response)
    for expected in [
        "Food business licence",
        "FOOD-LIC",
        "Implementing department Market Regulation Bureau",
        "Co-handling departments Fire and Rescue",
        "Legal basis Food Safety Law, Article 35",
        "Item type Licence",
        "Who may apply Businesses (legal persons)",
        "Acceptance conditions Premises suited to the food handled",
        "Procedure Apply, intake, on-site inspection, decision",
        "Statutory time limit 10 working days",
        "Promised time limit 5 working days",
        "Application form",
        "Required",
        "Original",
        "Signed by the legal representative",
        "Business licence",
        "Optional",
        "Copy",
        "Can be replaced by a valid licence issued under “Company establishment registration”",
        "Fee Free of charge",
        "Basis Administrative Licensing Law, Article 58",
        "Handled on the spot No",
        "Apply online",
    ]:
        assert expected in page, expected
    body = response.content.decode()
    assert reverse("approvals:material_template", args=["FOOD-LIC", "application-form"]) in body
    # the business licence has no template: no download link for it
    assert reverse("approvals:material_template", args=["FOOD-LIC", "business-licence"]) not in body


def test_the_apply_button_leads_to_the_online_application(english_client, food_licence):
    body = english_client.get(reverse("approvals:guide_detail", args=["FOOD-LIC"])).content.decode()
    assert f'href="{reverse("approvals:application_start", args=["FOOD-LIC"])}"' in body


def test_the_guide_in_chinese_shows_the_chinese_content(chinese_client, food_licence):
    response = chinese_client.get(reverse("approvals:guide_detail", args=["FOOD-LIC"]))

    page = text_of(response)
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in response.content.decode()
    for expected in [
        "食品经营许可",
        "市场监督管理局",
        "消防救援支队",
        "《中华人民共和国食品安全法》第三十五条",
        "具有与经营的食品品种相适应的经营场所",
        "申请、受理、现场核查、决定",
        "食品经营许可申请书",
        "法定代表人签字",
        "营业执照",
        "企业设立登记",
        "《中华人民共和国行政许可法》第五十八条",
    ]:
        assert expected in page, expected
    assert "Food business licence" not in page


def test_the_catalogue_in_chinese_lists_chinese_names(chinese_client, food_licence):
    page = text_of(chinese_client.get(reverse("approvals:guide_list")))
    assert "食品经营许可" in page and "市场监督管理局" in page


def test_a_fee_is_shown_with_its_amount_and_basis(english_client):
    ServiceVersionFactory(
        item=ServiceItemFactory(code="PAID"),
        fee_amount=Decimal("120.50"),
        fee_basis_en="Price Bureau notice No. 12",
        fee_basis_zh="物价局第12号通知",
        published=True,
    )

    page = text_of(english_client.get(reverse("approvals:guide_detail", args=["PAID"])))

    assert "Fee 120.50 yuan" in page
    assert "Basis Price Bureau notice No. 12" in page
    assert "Free of charge" not in page


@pytest.mark.parametrize("status", [VersionStatus.DRAFT, VersionStatus.RETIRED])
def test_an_unpublished_guide_is_not_found(english_client, status):
    version = ServiceVersionFactory(item=ServiceItemFactory(code="HIDDEN"))
    version.status = status
    version.save(update_fields=["status"])

    response = english_client.get(reverse("approvals:guide_detail", args=["HIDDEN"]))

    assert response.status_code == 404


def test_an_unknown_guide_is_not_found(english_client):
    assert (
        english_client.get(reverse("approvals:guide_detail", args=["NO-SUCH"])).status_code == 404
    )


# --- Template downloads ---------------------------------------------------------------------------


def test_a_template_downloads_as_an_attachment_that_is_not_sniffed(english_client, food_licence):
    response = english_client.get(
        reverse("approvals:material_template", args=["FOOD-LIC", "application-form"])
    )

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 sample"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Application%20form.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_material_without_a_template_has_nothing_to_download(english_client, food_licence):
    response = english_client.get(
        reverse("approvals:material_template", args=["FOOD-LIC", "business-licence"])
    )
    assert response.status_code == 404


def test_templates_of_unpublished_versions_are_not_served(english_client):
    draft = ServiceVersionFactory(item=ServiceItemFactory(code="DRAFT"))
    MaterialFactory(
        version=draft, key="form", template=ContentFile(b"secret draft", name="draft.pdf")
    )

    response = english_client.get(reverse("approvals:material_template", args=["DRAFT", "form"]))

    assert response.status_code == 404


def test_an_unknown_file_type_is_served_as_bytes(english_client):
    version = ServiceVersionFactory(item=ServiceItemFactory(code="ODD"))
    MaterialFactory(
        version=version, key="form", template=ContentFile(b"<script>", name="sample.html")
    )
    version.status = VersionStatus.PUBLISHED
    version.save(update_fields=["status"])

    response = english_client.get(reverse("approvals:material_template", args=["ODD", "form"]))

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


# --- Accessibility --------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["list", "detail"])
def test_guide_pages_have_one_heading_labelled_fields_and_a_phone_viewport(
    english_client, food_licence, url_name
):
    url = (
        reverse("approvals:guide_list")
        if url_name == "list"
        else reverse("approvals:guide_detail", args=["FOOD-LIC"])
    )
    body = english_client.get(url).content.decode()

    assert body.count("<h1") == 1
    assert 'name="viewport"' in body
    for control in re.findall(r'<(?:input|select)[^>]*id="([^"]+)"', body):
        if control == "language-select":
            continue
        assert f'for="{control}"' in body, control
