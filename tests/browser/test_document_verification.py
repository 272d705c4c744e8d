"""The public verification page, as a bank clerk holding a decision uses it: open it from the QR
code's link, read the status, upload the copy — in each language, at phone and desktop widths,
with no serious accessibility violation."""

import pytest
from playwright.sync_api import expect

from approvals.models import DocumentKind
from approvals.services.documents import document_issue, document_render
from tests.browser_support import DESKTOP, PHONE, axe_violations, screenshot
from tests.factories import ApplicationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(("viewport_name", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_verify_a_decision_and_compare_a_copy(
    open_page, language, viewport_name, viewport, tmp_path
):
    # given an issued, sealed approval decision
    application = ApplicationFactory(submitted=True, status="approved")
    document = document_render(
        document_id=document_issue(application=application, kind=DocumentKind.APPROVAL_DECISION).pk
    )
    copy = tmp_path / "decision.pdf"
    with document.file.open("rb") as handle:
        copy.write_bytes(handle.read())
    page = open_page(language, viewport)

    # when the verifier opens the link printed under the QR code
    page.goto(f"/verify/{document.verification_code}/")

    # then the page states the document valid, with its number and hash, and passes axe
    expect(page.locator(".verify-status")).to_be_visible()
    expect(page.locator("main")).to_contain_text(document.number)
    expect(page.locator("main")).to_contain_text(document.sha256)
    assert axe_violations(page) == []

    # when they upload their copy
    page.set_input_files("#id_copy", str(copy))
    page.locator("main form button[type=submit]").click()

    # then it is confirmed identical
    expect(page.locator(".message-success")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, f"verify-{language}-{viewport_name}")
