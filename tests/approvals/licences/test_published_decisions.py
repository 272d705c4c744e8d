"""The public list of approval decisions (Art. 40)."""

import datetime as dt

from django.test import Client

from tests.approvals.licences.conftest import DecidedApplicationFactory
from tests.factories import ApplicationFactory, BusinessFactory, LicenceFactory, PersonFactory


def _get(query: str = "", language: str = "en"):
    return Client(headers={"accept-language": language}).get(f"/decisions/{query}")


def test_anyone_reads_the_decisions_with_persons_masked(register):
    page = _get()
    assert page.status_code == 200
    assert register.licence.number in page.text
    assert "张**" in page.text
    assert "张三丰" not in page.text
    assert "Food business licence" in page.text
    assert "2026-01-10" in page.text


def test_businesses_are_shown_in_full_and_searchable(register):
    business = BusinessFactory(name="福州老街餐饮有限公司")
    application = DecidedApplicationFactory(
        service_version=register.version,
        applicant_kind="business",
        person=None,
        business=business,
        created_by=PersonFactory().user,
        decided_on=dt.date(2026, 3, 1),
    )
    LicenceFactory(application=application, number="JY-BUSINESS-1")
    page = _get("?holder=老街")
    assert "福州老街餐饮有限公司" in page.text
    assert "JY-BUSINESS-1" in page.text
    assert register.licence.number not in page.text
    # persons' names cannot be searched (they would be unmasked by it)
    assert register.licence.number not in _get("?holder=张三丰").text


def test_drafts_open_and_denied_applications_are_not_published(register):
    ApplicationFactory(service_version=register.version, person=PersonFactory(real_name="赵一"))
    ApplicationFactory(
        service_version=register.version,
        under_review=True,
        person=PersonFactory(real_name="钱二"),
    )
    DecidedApplicationFactory(
        service_version=register.version,
        status="denied",
        person=PersonFactory(real_name="孙三"),
    )
    DecidedApplicationFactory(  # denied, then closed: no licence, no approval decision
        service_version=register.version,
        status="closed",
        person=PersonFactory(real_name="周四"),
    )
    page = _get()
    for family_name in "赵钱孙周":
        assert f"{family_name}*" not in page.text
    assert "张**" in page.text


def test_filters(register):
    other = DecidedApplicationFactory(
        decided_on=dt.date(2025, 12, 1), person=PersonFactory(real_name="李四")
    )
    LicenceFactory(application=other, number="OTHER-1")
    assert "OTHER-1" not in _get("?service=SPJY").text
    assert register.licence.number in _get("?service=food").text
    assert "OTHER-1" not in _get(f"?department={register.bureau.pk}").text
    assert register.licence.number in _get(f"?licence_number={register.licence.number}").text
    assert "OTHER-1" not in _get(f"?licence_number={register.licence.number}").text
    in_range = _get("?decided_from=2026-01-01&decided_to=2026-01-31").text
    assert register.licence.number in in_range
    assert "OTHER-1" not in in_range
    bad = _get("?decided_from=2026-02-01&decided_to=2026-01-01")
    assert "The end of the period is before its start." in bad.text


def test_pages_without_counting(register, django_assert_max_num_queries):
    for day in range(30):
        application = DecidedApplicationFactory(
            service_version=register.version, decided_on=dt.date(2026, 2, 1) + dt.timedelta(day)
        )
        LicenceFactory(application=application)
    with django_assert_max_num_queries(4):
        first = _get()
    assert "page=2" in first.text
    second = _get("?page=2")
    assert register.licence.number in second.text  # the oldest decision
    assert "page=3" not in second.text


def test_chinese(register):
    page = _get(language="zh-hans")
    assert "已公开的准予许可决定" in page.text
