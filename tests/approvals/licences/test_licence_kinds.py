"""Terms and kinds of licences (issue 13, item 7): the catalogue states each licence's term by
its legal basis, the certificate prints it, and a registration issues its own 营业执照 with the
credit code it assigns."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.identifiers import is_valid_uscc
from approvals.models import (
    Document,
    DocumentKind,
    DocumentStatus,
    ServiceItem,
    ServiceVersion,
    VersionStatus,
)
from approvals.selectors.licences import certificate
from approvals.services.catalogue_io import export_service, import_service
from approvals.services.documents import document_html
from approvals.services.licence_issue import licence_issue
from approvals.services.licences import licence_revoke
from demo.catalogue import seed_catalogue
from demo.management.commands.seed_demo import DemoSeeder
from tests.approvals.licences.conftest import DecidedApplicationFactory
from tests.factories import OfficialFactory, UserFactory


@pytest.fixture
def catalogue(db):
    DemoSeeder(password="unused", reset_passwords=False).seed_departments()
    seed_catalogue()


def _published(code):
    return ServiceVersion.objects.get(item__code=code, status=VersionStatus.PUBLISHED)


def _approved(code, data):
    return DecidedApplicationFactory(
        service_version=_published(code),
        status="approved",
        decided_on=dt.date(2026, 6, 15),
        received_on=dt.date(2026, 6, 1),
        accepted_on=dt.date(2026, 6, 2),
        data=data,
    )


@pytest.mark.parametrize(
    ("code", "years", "name"),
    [
        ("FOOD-LIC", 5, "食品经营许可证"),
        ("HYG-LIC", 4, "公共场所卫生许可证"),
        ("DRAIN-PERMIT", 5, "城镇污水排入排水管网许可证"),
        ("MED-LIC", 5, "医疗机构执业许可证"),
        ("IND-REG", None, "营业执照"),
        ("TRAVEL-LIC", None, "旅行社业务经营许可证"),
    ],
)
def test_the_demo_catalogue_states_each_licences_term_and_name(catalogue, code, years, name):
    version = _published(code)
    assert version.licence_valid_years == years
    assert version.certificate_name_zh == name


def test_the_guide_states_the_term(catalogue, client):
    page = client.get(reverse("approvals:guide_detail", args=["FOOD-LIC"])).content.decode()
    assert "食品经营许可证（有效期5年）" in page  # full-width brackets in Chinese
    page = client.get(
        reverse("approvals:guide_detail", args=["FOOD-LIC"]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Food business licence (valid for 5 years)" in page
    page = client.get(
        reverse("approvals:guide_detail", args=["IND-REG"]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Business licence (without end date)" in page


def test_the_term_travels_with_an_exported_service(catalogue):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    exported = export_service(ServiceItem.objects.get(code="FOOD-LIC"))
    assert exported["versions"][-1]["licence_valid_years"] == 5
    assert exported["versions"][-1]["certificate_name_zh"] == "食品经营许可证"
    exported["code"] = "FOOD-LIC-COPY"
    item = import_service(exported, actor=superuser)
    draft = item.versions.get(status=VersionStatus.DRAFT)
    assert draft.licence_valid_years == 5
    exported["code"] = "FOOD-LIC-BAD"
    exported["versions"][-1]["licence_valid_years"] = "five"
    with pytest.raises(ValidationError, match="licence_valid_years"):
        import_service(exported, actor=superuser)


def test_a_food_business_licence_runs_five_years_and_prints_its_term(catalogue):
    application = _approved(
        "FOOD-LIC",
        {
            "shop_name": "老福州小吃",
            "premises_address": "福州市鼓楼区东街88号",
            "category": "catering",
            "food_items": ["prepackaged", "hot"],
        },
    )
    licence = licence_issue(application=application, actor=None)
    assert (licence.valid_from, licence.valid_to) == (dt.date(2026, 6, 15), dt.date(2031, 6, 14))
    assert licence.scope_zh == "预包装食品、热食类食品"
    document = Document.objects.get(application=application, licence=licence)
    assert document.kind == DocumentKind.LICENCE_CERTIFICATE
    html = document_html(document)
    assert "食品经营许可证" in html and "Food business licence" in html
    assert "2026年6月15日 至 2031年6月14日" in html
    assert "福州市鼓楼区东街88号" in html and "餐饮服务经营者" in html


def test_a_medical_institution_practising_licence_prints_its_five_year_term(catalogue):
    # given an approved application for a clinic's practising licence
    application = _approved(
        "MED-LIC",
        {
            "institution_name": "福州鼓楼林氏诊所",
            "category": "clinic",
            "clinical_departments": ["internal", "tcm"],
            "address": "福州市鼓楼区东街88号",
        },
    )
    # when the licence is issued
    licence = licence_issue(application=application, actor=None)
    # then it runs five years, and the certificate says until when, in both languages
    assert (licence.valid_from, licence.valid_to) == (dt.date(2026, 6, 15), dt.date(2031, 6, 14))
    document = certificate(licence)
    assert document.kind == DocumentKind.LICENCE_CERTIFICATE
    html = document_html(document)
    assert "医疗机构执业许可证" in html and "Medical institution practising licence" in html
    assert "2026年6月15日 至 2031年6月14日" in html
    assert "长期" not in html and "without end date" not in html
    # and it names the institution, its address and the 诊疗科目 it may practise
    assert "福州鼓楼林氏诊所" in html and "福州市鼓楼区东街88号" in html
    assert "内科、中医科" in html and "Internal medicine, Traditional Chinese medicine" in html


def test_an_individual_business_registration_issues_a_business_licence_with_a_credit_code(
    catalogue,
):
    application = _approved(
        "IND-REG",
        {
            "trade_name": "福州市鼓楼区老街小吃店",
            "organisation": "individual",
            "premises_address": "福州市鼓楼区东街88号",
            "business_scope": "小吃服务；食品销售",
        },
    )
    licence = licence_issue(application=application, actor=None)
    # the register number is the credit code assigned: market regulation (9), individual (2)
    assert is_valid_uscc(licence.number)
    assert licence.number.startswith("92" + licence.department.region_code[:6])
    assert licence.valid_to is None
    document = certificate(licence)
    assert document.kind == DocumentKind.BUSINESS_LICENCE
    html = document_html(document)
    assert "营业执照" in html and "统一社会信用代码" in html and licence.number in html
    assert "个体工商户" in html and "福州市鼓楼区老街小吃店" in html
    assert "个人经营" in html and "小吃服务；食品销售" in html
    assert "许可证" not in html.split("<body>")[1].split("English translation")[0]
    # a second registration gets the next code, and revoking retires the business licence
    second = licence_issue(application=_approved("IND-REG", {"organisation": "family"}), actor=None)
    assert is_valid_uscc(second.number) and second.number != licence.number
    head = OfficialFactory(department=licence.department, role="department_head").user
    licence_revoke(actor=head, licence=licence, reason="虚假登记")
    document.refresh_from_db()
    assert document.status == DocumentStatus.REVOKED


def test_an_outdoor_sign_permit_runs_for_the_period_granted_not_without_end(catalogue, client):
    # given an approved application to set up a sign from 2026-07-01 to 2029-06-30
    application = _approved(
        "AD-PERMIT",
        {
            "applicant_name": "老福州小吃",
            "ad_type": "shop_sign",
            "location": "福州市鼓楼区东街88号",
            "period_from": "2026-07-01",
            "period_to": "2029-06-30",
        },
    )
    # when the permit is issued, then it runs to the end of the period granted, printed so
    licence = licence_issue(application=application, actor=None)
    assert (licence.valid_from, licence.valid_to) == (dt.date(2026, 6, 15), dt.date(2029, 6, 30))
    html = document_html(certificate(licence))
    assert "2026年6月15日 至 2029年6月30日" in html
    assert "长期" not in html and "without end date" not in html
    # and the guide says so instead of "without end date"
    page = client.get(
        reverse("approvals:guide_detail", args=["AD-PERMIT"]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "for the period granted, as applied for" in page
    assert "without end date" not in page


def test_a_period_asked_for_never_runs_past_the_basis_term_nor_ends_before_the_start(catalogue):
    version = _published("AD-PERMIT")
    version.licence_valid_years = 2  # in memory only: a basis capping permits at two years
    from approvals.services.licence_issue import _valid_to

    start = dt.date(2026, 6, 15)
    assert _valid_to(version, {"period_to": "2030-12-31"}, start) == dt.date(2028, 6, 14)
    assert _valid_to(version, {"period_to": "2027-01-31"}, start) == dt.date(2027, 1, 31)
    # an end before the start, or no date: the basis's term
    assert _valid_to(version, {"period_to": "2026-01-01"}, start) == dt.date(2028, 6, 14)
    assert _valid_to(version, {"period_to": "soon"}, start) == dt.date(2028, 6, 14)
