"""Issue 13, items 5 and 6 in a real Chromium, in each language.

5. The window's clerk asks, in the one-time notice, for a corrected answer ("the shop's name does
   not match the lease"); the applicant corrects just that field on the supplement page and
   sends it; the clerk's case page shows before → after.
6. 告知承诺制: an application whose signed pledge replaces the training records reaches the window
   without them; the clerk sees the pledge and accepts; after the normal review the licence is
   issued and the pledge's verification (事后核查) waits in the department's list; the approver
   records that the pledge is false, the licence is revoked with that reason, and the holder is
   told. Officials' sessions have passed the second factor (made by the test client)."""

import re
import shutil
import subprocess

import pytest
from django.conf import settings
from playwright.sync_api import expect

from approvals.models import Application, Commitment, Document, Licence
from tests.approvals.intake import conftest as intake
from tests.browser_support import axe_violations, screenshot
from tests.support import in_days

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

window, bureau, clerk, reviewer = intake.window, intake.bureau, intake.clerk, intake.reviewer
version, citizen = intake.version, intake.citizen
fire_version, approver = intake.fire_version, intake.approver

CORRECTED = {"en": "Corrected:", "zh-hans": "更正："}
SENT = {
    "en": "Your supplement is sent. The service window will check it.",
    "zh-hans": "补正材料已提交，服务窗口将进行审查。",
}
REPLACED = {
    "en": "Replaced by the applicant's signed pledge",
    "zh-hans": "已由申请人签署的告知承诺代替",
}
# Notifications read in the page's language (both texts are kept).
FALSE_TOLD = {"en": "False pledge found: ", "zh-hans": "告知承诺核查不实："}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_supplement_notice_asks_for_a_corrected_answer(
    official_page, version, citizen, clerk, language
):
    # given a submitted application whose shop name does not match the lease
    application = intake.submitted_with(
        version, citizen, {"applicant_name": "王芳", "shop_name": "王记小吃"}
    )

    # when the clerk ticks the answer in the one-time notice
    desk = official_page(clerk, language)
    desk.goto(f"/work/intake/{application.pk}/")
    desk.locator("#supplement-f-shop_name").check()
    desk.fill("#supplement-fp-shop_name", "经营场所名称与租赁合同不一致")
    desk.fill("#supplement-reply_by", in_days(10).isoformat())
    desk.locator("#supplement button[type=submit]").click()
    expect(desk).to_have_url(re.compile(r"/work/intake/$"))

    # then the applicant's supplement page reopens just that answer, filled with the old value
    applicant = official_page(citizen, language)
    applicant.goto(f"/applications/{application.pk}/supplement/")
    expect(applicant.locator(".supplement-items")).to_contain_text("与租赁合同不一致")
    field = applicant.locator("#id_data-shop_name")
    expect(field).to_have_value("王记小吃")
    assert axe_violations(applicant) == []

    # an empty answer is refused, as the form refuses it
    field.fill("")
    applicant.locator("main form:not([enctype]) button[type=submit]").click()
    expect(applicant.locator(".field-error #id_data-shop_name")).to_be_visible()
    assert axe_violations(applicant) == []

    # when they correct it and send the supplement
    applicant.fill("#id_data-shop_name", "王记面馆")
    screenshot(applicant, f"supplement-correction-{language}")
    applicant.locator("main form:not([enctype]) button[type=submit]").click()
    expect(applicant.locator("main")).to_contain_text(SENT[language])
    assert Application.objects.get(pk=application.pk).data["shop_name"] == "王记面馆"

    # then the clerk's case page shows the correction, before → after
    desk.goto(f"/work/intake/{application.pk}/")
    correction = desk.locator(".correction")
    expect(correction).to_contain_text(CORRECTED[language])
    expect(correction.locator("del")).to_have_text("王记小吃")
    expect(correction.locator("ins")).to_have_text("王记面馆")
    assert axe_violations(desk) == []
    screenshot(desk, f"supplement-correction-case-{language}")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_pledge_replaces_a_certificate_and_a_false_one_revokes_the_licence(
    official_page, fire_version, citizen, clerk, reviewer, approver, language, tmp_path
):
    # given an application with the signed pledge and without the training records
    application = intake.submitted_with(fire_version, citizen, intake.PLEDGED)

    # when the clerk opens it: the pledge is shown and the certificate marked as replaced
    desk = official_page(clerk, language)
    desk.goto(f"/work/intake/{application.pk}/")
    expect(desk.locator("[data-testid=commitment]")).to_be_visible()
    expect(desk.locator("#materials-heading + dl")).to_contain_text(REPLACED[language])
    assert axe_violations(desk) == []
    screenshot(desk, f"pledge-intake-{language}")
    desk.locator("#accept button[type=submit]").click()
    expect(desk).to_have_url(re.compile(r"/work/intake/$"))

    # then the letter of commitment joins the application's documents
    letter = Document.objects.get(application=application, kind="commitment_letter")
    applicant = official_page(citizen, language)
    applicant.goto(f"/applications/{application.pk}/")
    expect(applicant.locator(".document-list")).to_contain_text(letter.number)
    if language == "zh-hans" and shutil.which("pdftoppm") and letter.file:
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                "1",
                "-l",
                "1",
                letter.file.path,
                str(settings.BASE_DIR / "test-artifacts" / "screenshots" / "commitment-letter"),
            ],
            check=True,
        )

    # when the review approves as usual, the licence is issued and the pledge waits to be checked
    intake.approve_through(application, reviewer, approver)
    licence = Licence.objects.get(application=application)
    verifier = official_page(approver, language)
    verifier.goto("/work/queue/")
    verifier.locator("a[href='/work/commitments/']").first.click()
    verifier.get_by_role("link", name=application.tracking_number).click()
    expect(verifier).to_have_url(re.compile(r"/work/commitments/\d+/$"))
    assert axe_violations(verifier) == []

    # and the approver records that the pledge is false
    verifier.locator("input[name=outcome][value=false]").check()
    verifier.fill("#id_finding", "现场核查：员工未经消防安全培训")
    screenshot(verifier, f"pledge-verify-{language}")
    verifier.locator("main form button[type=submit]").click()
    expect(verifier).to_have_url(re.compile(r"/work/commitments/$"))

    # then the licence is revoked with the finding, and the holder is told
    licence.refresh_from_db()
    assert licence.status == "revoked" and "员工未经消防安全培训" in licence.status_reason
    assert Commitment.objects.get(application=application).status == "false"
    applicant.goto("/notifications/")
    expect(
        applicant.locator(
            ".notification", has_text=FALSE_TOLD[language] + application.tracking_number
        )
    ).to_be_visible()
    assert axe_violations(applicant) == []
