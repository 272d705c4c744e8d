"""Issue 13, item 5, during review, in a real Chromium, in each language: the market bureau's
reviewer, from the task page, asks in the one-time notice for a corrected answer ("the shop's
name does not match the lease") as the window's clerk can; the applicant corrects just that
field on the supplement page (refused empty, as the form refuses it) and sends it; the review
resumes and the reviewer's task page shows before → after. Mirrors the window's journey in
test_pledge_journeys.py."""

import pytest
from playwright.sync_api import expect

from approvals.models import Application, ReviewTask, SupplementRequest
from approvals.services.intake import intake_accept
from tests.approvals.intake import conftest as intake
from tests.browser_support import axe_violations, open_task_from_queue, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

window, bureau, clerk, reviewer = intake.window, intake.bureau, intake.clerk, intake.reviewer
version, citizen = intake.version, intake.citizen

CORRECTED = {"en": "Corrected:", "zh-hans": "更正："}
ASKED_BY_REVIEW = {
    "en": "The department reviewing your application listed everything",
    "zh-hans": "审查您申请的部门已一次性列明",
}
SENT = {
    "en": "Your supplement is sent. The reviewing department will check it.",
    "zh-hans": "补正材料已提交，审查部门将进行审查。",
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_reviewer_asks_for_a_corrected_answer_during_review(
    official_page, version, citizen, clerk, reviewer, language
):
    # given an application under review whose shop name does not match the lease
    application = intake.submitted_with(
        version, citizen, {"applicant_name": "王芳", "shop_name": "王记小吃"}
    )
    intake_accept(actor=clerk, application=application, revision=application.revision)

    # when the reviewer opens the task from the queue and ticks the answer in the notice
    desk = official_page(reviewer, language)
    open_task_from_queue(desk, application)
    desk.locator("#action-return_to_applicant summary").click()
    # the applicant's name comes from the population registry: not offered for correction
    expect(desk.locator("#id_return_to_applicant-f-applicant_name")).to_have_count(0)
    desk.locator("#id_return_to_applicant-f-shop_name").check()
    desk.locator("#action-return_to_applicant button[type=submit]").click()  # no problem yet
    expect(desk.locator("#action-return_to_applicant .error-summary")).to_be_visible()
    assert axe_violations(desk) == []
    desk.fill("#id_return_to_applicant-fp-shop_name", "经营场所名称与租赁合同不一致")
    screenshot(desk, f"review-supplement-notice-{language}")
    desk.locator("#action-return_to_applicant button[type=submit]").click()
    expect(desk.get_by_role("status")).to_be_visible()
    application.refresh_from_db()
    assert application.status == "review_supplement"
    notice = SupplementRequest.objects.get(application=application)
    assert notice.during_review and notice.items[0]["field"] == "shop_name"

    # then the applicant's supplement page reopens just that answer, filled with the old value
    applicant = official_page(citizen, language)
    applicant.goto(f"/applications/{application.pk}/supplement/")
    expect(applicant.locator("main")).to_contain_text(ASKED_BY_REVIEW[language])
    expect(applicant.locator(".supplement-items")).to_contain_text("与租赁合同不一致")
    field = applicant.locator("#id_data-shop_name")
    expect(field).to_have_value("王记小吃")
    assert axe_violations(applicant) == []

    # an empty answer is refused, as the form refuses it
    field.fill("")
    applicant.locator("main form:not([enctype]) button[type=submit]").click()
    expect(applicant.locator(".field-error #id_data-shop_name")).to_be_visible()

    # when they correct it and send the supplement
    applicant.fill("#id_data-shop_name", "王记面馆")
    applicant.locator("main form:not([enctype]) button[type=submit]").click()
    expect(applicant.locator("main")).to_contain_text(SENT[language])
    stored = Application.objects.get(pk=application.pk)
    assert stored.data["shop_name"] == "王记面馆"
    assert stored.status == "under_review"
    assert ReviewTask.objects.get(application=stored).status == "open"

    # then the reviewer's task page shows the correction, before → after
    open_task_from_queue(desk, application)
    correction = desk.locator(".correction")
    expect(correction).to_contain_text(CORRECTED[language])
    expect(correction.locator("del")).to_have_text("王记小吃")
    expect(correction.locator("ins")).to_have_text("王记面馆")
    assert axe_violations(desk) == []
    screenshot(desk, f"review-supplement-correction-{language}")
