"""Corrections (issue 13, item 11): the issuing department's page to issue a corrected edition
of a document with a reason; the old edition shows superseded on /verify/."""

import pytest
from django.urls import reverse

from approvals.models import Document, DocumentStatus
from audit.models import AuditEvent


def _url(document, **query):
    url = reverse("approvals:document_correct", args=[document.pk])
    return url + ("?next=" + query["next"] if "next" in query else "")


@pytest.fixture
def issued(register):
    certificate = register.certificate
    certificate.context = {
        "title_zh": "许可证",
        "title_en": "Licence",
        "holder_name": "张三丰",
        "scope_zh": "预包装食品销售",
        "scope_en": "Sale of pre-packaged food",
    }
    certificate.save(update_fields=["context"])
    return certificate


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_head_issues_a_corrected_edition_from_the_page(
    register, issued, official_client, client_for, language, django_capture_on_commit_callbacks
):
    browser = official_client(register.head, language)
    detail = reverse("approvals:licence_register_detail", args=[register.licence.pk])
    # the licence page offers the correction of its certificate
    assert _url(issued) in browser.get(detail).content.decode()
    # the page shows what the certificate says now
    page = browser.get(_url(issued, next=detail))
    assert page.status_code == 200
    assert "张三丰" in page.content.decode()
    # when the head corrects the holder's name with a reason
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            _url(issued),
            {
                "reason": "持证人姓名录入错误",
                "holder_name": "张三峰",
                "scope_zh": "预包装食品销售",
                "scope_en": "Sale of pre-packaged food",
                "next": detail,
            },
        )
    assert response.status_code == 302 and response.url == detail
    # then a second edition supersedes the first, and the register follows it
    corrected = Document.objects.get(supersedes=issued)
    assert corrected.edition == 2 and corrected.context["holder_name"] == "张三峰"
    assert corrected.issued_by == register.head
    issued.refresh_from_db()
    register.licence.refresh_from_db()
    assert issued.status == DocumentStatus.SUPERSEDED
    assert issued.status_reason == "持证人姓名录入错误"
    assert register.licence.holder_name == "张三峰"
    event = AuditEvent.objects.get(action="document.corrected")
    assert event.actor == register.head and event.reason == "持证人姓名录入错误"
    assert event.changes["corrected"] == [None, ["holder_name"]]
    assert event.changes["licence.holder_name"] == ["张三丰", "张三峰"]
    # and /verify/ of the old edition says it is superseded, by which edition, and why
    verify = client_for(register.stranger, language).get(
        reverse("approvals:document_verify", args=[issued.verification_code])
    )
    text = verify.content.decode()
    assert "verify-superseded" in text and corrected.number in text
    assert "持证人姓名录入错误" in text


def test_a_correction_needs_a_reason(register, issued, official_client):
    response = official_client(register.head).post(
        _url(issued), {"reason": " ", "holder_name": "X"}
    )
    assert response.status_code == 400
    assert not Document.objects.filter(supersedes=issued).exists()


@pytest.mark.parametrize("who", ["reviewer", "other_head", "supervisor", "holder", "stranger"])
def test_nobody_else_finds_the_page(register, issued, official_client, client_for, who):
    user = getattr(register, who)
    browser = (client_for if who in ("holder", "stranger") else official_client)(user)
    assert browser.get(_url(issued)).status_code in (403, 404)
    browser.post(_url(issued), {"reason": "x", "holder_name": "Y"})
    assert not Document.objects.filter(supersedes=issued).exists()


def test_the_page_is_not_offered_for_a_superseded_edition(register, issued, official_client):
    issued.status = DocumentStatus.SUPERSEDED
    issued.save(update_fields=["status"])
    response = official_client(register.head).post(_url(issued), {"reason": "again"})
    assert response.status_code == 400
    assert not Document.objects.filter(supersedes=issued).exists()
