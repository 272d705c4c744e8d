"""Issue 13, item 9, in a real Chromium, in each language: the issuing department's head revokes
a food business licence with a reason; the holder finds the sealed 撤销行政许可决定书 on the
licence's application page, with the reasons and the remedies, downloads it, and sees their
pending change application withdrawn; /verify/ says the certificate is revoked and the decision
valid."""

import re

import pytest
from playwright.sync_api import expect

from approvals.models import Document, DocumentKind, LicenceStatus
from tests.accounts.views.auth_helpers import confirmed_device
from tests.approvals.documents.conftest import pdf_text, squeezed
from tests.approvals.licences.conftest import (
    open_follow_up,
    register,  # noqa: F401 (fixture)
)
from tests.browser_support import (
    DESKTOP,
    axe_violations,
    citizen_signs_in,
    official_signs_in,
    screenshot,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "经营场所租赁合同系伪造，以欺骗手段取得行政许可。"
TEXT = {
    "en": {
        "done": "is revoked.",
        "withdrawn": "Withdrawn",
        "verified_revoked": "revoked",
        "why": "Licence %(number)s was revoked: %(reason)s",
    },
    "zh-hans": {
        "done": "已撤销",
        "withdrawn": "已撤回",
        "verified_revoked": "已被撤销",
        "why": "许可证%(number)s已被撤销：%(reason)s",
    },
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_head_revokes_and_the_holder_receives_the_written_decision(
    register,  # noqa: F811 (the imported fixture)
    open_page,
    language,
    tmp_path,
):
    # given a valid licence with a change application under review
    confirmed_device(register.head)
    change = open_follow_up(register)

    # when the head opens the licence in the register and revokes it with the reason
    head = open_page(language, viewport=DESKTOP)
    official_signs_in(head, register.head)
    head.goto(f"/work/licences/{register.licence.pk}/")
    head.locator(f"main a[href$='/work/licences/{register.licence.pk}/revoke/']").click()
    expect(head.locator("main p").first).to_contain_text("Art. 69" if language == "en" else "撤销")
    assert axe_violations(head) == []
    head.fill("#id_reason", REASON)
    screenshot(head, f"licence-revoke-form-{language}")
    head.locator("main form button[type=submit]").click()
    expect(head.locator(".messages")).to_contain_text(TEXT[language]["done"])
    register.licence.refresh_from_db()
    assert register.licence.status == LicenceStatus.REVOKED

    # then the holder finds the sealed decision on the licence's application page
    decision = Document.objects.get(kind=DocumentKind.REVOCATION_DECISION)
    assert decision.sha256 and decision.signed
    holder = open_page(language, viewport=DESKTOP)
    citizen_signs_in(holder, register.holder)
    holder.goto(f"/applications/{register.licence.application.pk}/")
    row = holder.locator(".document-list li", has_text=decision.number)
    expect(row).to_contain_text("撤销行政许可决定书")
    assert axe_violations(holder) == []
    screenshot(holder, f"licence-revocation-decision-listed-{language}")
    with holder.expect_download() as download_info:
        row.get_by_role("link").click()
    path = tmp_path / "decision.pdf"
    download_info.value.save_as(path)
    text = squeezed(pdf_text(path.read_bytes()))
    assert "撤销行政许可决定书" in text and register.licence.number in text
    assert squeezed(REASON) in text
    assert "六十日内" in text and "六个月内" in text and change.tracking_number in text

    # and their change application is withdrawn, with the revocation as the reason, which they
    # read in their language whatever the head's (here: the other one)
    other = "en" if language == "zh-hans" else "zh-hans"
    reader = open_page(other, viewport=DESKTOP)
    citizen_signs_in(reader, register.holder)
    reader.goto(f"/applications/{change.pk}/")
    expect(reader.locator("main")).to_contain_text(TEXT[other]["withdrawn"])
    why = TEXT[other]["why"] % {"number": register.licence.number, "reason": REASON}
    expect(reader.get_by_test_id("withdrawal-reason")).to_have_text(why)
    assert axe_violations(reader) == []
    screenshot(reader, f"licence-revocation-follow-up-withdrawn-{other}")
    change.refresh_from_db()
    assert change.status == "withdrawn"

    # and /verify/ says the certificate is revoked while the decision itself is valid
    holder.goto(f"/verify/{register.certificate.verification_code}/")
    expect(holder.locator(".verify-status")).to_contain_text(TEXT[language]["verified_revoked"])
    holder.goto(f"/verify/{decision.verification_code}/")
    expect(holder.locator(".verify-status.verify-valid")).to_be_visible()
    screenshot(holder, f"licence-revocation-decision-verified-{language}")


CORRECTED = {"en": "is issued as the corrected edition", "zh-hans": "已签发更正版"}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_head_issues_a_corrected_certificate_and_verify_shows_the_old_superseded(
    register,  # noqa: F811 (the imported fixture)
    open_page,
    language,
):
    confirmed_device(register.head)
    old = register.certificate
    old.context = {"title_zh": "许可证", "title_en": "Licence", "holder_name": "张三丰"}
    old.save(update_fields=["context"])
    head = open_page(language, viewport=DESKTOP)
    official_signs_in(head, register.head)
    head.goto(f"/work/licences/{register.licence.pk}/")
    head.locator(f"main a[href*='/work/documents/{old.pk}/correct/']").click()
    expect(head.locator("#id_holder_name")).to_have_value("张三丰")
    head.fill("#id_reason", "持证人姓名录入错误")
    head.fill("#id_holder_name", "张三峰")
    assert axe_violations(head) == []
    screenshot(head, f"document-correction-form-{language}")
    head.locator("main form button[type=submit]").click()
    expect(head.locator(".messages")).to_contain_text(CORRECTED[language])
    expect(head).to_have_url(re.compile(rf"/work/licences/{register.licence.pk}/$"))
    expect(head.locator("main")).to_contain_text("张三峰")
    new = Document.objects.get(supersedes=old)
    head.goto(f"/verify/{old.verification_code}/")
    expect(head.locator(".verify-status.verify-superseded")).to_contain_text(new.number)
    expect(head.locator(".verify-status")).to_contain_text("持证人姓名录入错误")
    screenshot(head, f"document-correction-verified-old-{language}")
