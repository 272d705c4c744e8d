"""The demo's parallel service in the browser: the construction project planning permit, accepted
at the window, goes to the planning, housing and fire departments in parallel, then to the
planning approver (two people: drafter and second approver) for the decision; and a rejection in
one branch is a proposal that the two approvers confirm before the other branches are cancelled,
and the applicant reads the sealed denial with its reasons, remedies and who decided. Officials
sign in with their second factor already passed (the session is made by the test client and
handed to the browser)."""

import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from approvals.models import Application, Document, ReviewTask
from approvals.services.workflow import workflow_start
from tests.approvals.review import conftest as review
from tests.browser_support import SCREENSHOTS, act, axe_violations, open_task_from_queue, screenshot
from tests.factories import ApplicationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The review tests' fixtures: the planning permit on its own departments and officials.
demo = review.demo
make_accepted = review.make_accepted


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_window_three_departments_approver_decision(demo, make_accepted, official_page, language):
    # given a submitted application, accepted by the window's clerk on the intake page
    application = ApplicationFactory(service_version=demo.version, submitted=True)
    window = official_page(demo.clerk, language)
    window.goto(f"/work/intake/{application.pk}/")
    window.locator("#accept button[type=submit]").click()
    expect(window.get_by_role("status")).to_be_visible()
    application.refresh_from_db()
    assert application.status == "under_review"
    # when each of the three departments approves from its queue
    for user in demo.reviewers.values():
        page = official_page(user, language)
        open_task_from_queue(page, application)
        assert axe_violations(page) == []
        act(page, "approve", comment="OK")
        expect(page.get_by_role("status")).to_be_visible()
    assert ReviewTask.objects.filter(application=application, status="approved").count() == 3
    # then the approver drafts the decision and a second approver gives it
    first = official_page(demo.approver, language)
    open_task_from_queue(first, application)
    act(first, "approve", comment="Grant")
    second = official_page(demo.approver2, language)
    open_task_from_queue(second, application)
    act(second, "approve")
    application.refresh_from_db()
    # approved, and the licence issued at once with its certificate (Art. 44)
    assert application.status == "licence_issued"
    assert application.decided_on is not None


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_rejection_is_confirmed_by_two_approvers_before_the_denial(
    demo, make_accepted, official_page, language
):
    application = make_accepted()
    workflow_start(actor=demo.clerk, application=application)
    # given the fire reviewer rejects (the form first insists on reasons)
    page = official_page(demo.reviewers["fire"], language)
    open_task_from_queue(page, application)
    page.locator("#action-reject summary").click()
    page.locator("#action-reject button[type=submit]").click()  # no reasons yet
    expect(page.locator("#action-reject .error-summary")).to_be_visible()
    assert axe_violations(page) == []
    page.fill("#id_reject-reasons", "Fire escape routes are too narrow")
    page.locator("#action-reject button[type=submit]").click()
    expect(page.get_by_role("status")).to_be_visible()
    # then nothing is decided yet: the other departments work on
    application.refresh_from_db()
    assert application.status == "under_review"
    statuses = dict(
        ReviewTask.objects.filter(
            application=application, confirms_denial__isnull=True
        ).values_list("branch_key", "status")
    )
    assert statuses == {"fire": "rejected", "planning": "open", "housing": "open"}
    planning = official_page(demo.reviewers["planning"], language)
    planning.goto("/work/queue/")
    expect(planning.locator("main")).to_contain_text(application.tracking_number)
    # when the planning approver opens the proposal from the queue, reads the reasons and
    # confirms the denial, and a second approver confirms it too
    first = official_page(demo.approver, language)
    open_task_from_queue(first, application)
    proposal = first.locator("#proposed-denial")
    expect(proposal).to_contain_text("Fire escape routes are too narrow")
    expect(proposal).to_contain_text(
        "拟不予许可" if language == "zh-hans" else "A denial is proposed"
    )
    assert axe_violations(first) == []
    screenshot(first, f"denial-proposal-{language}")
    act(first, "approve", comment="")
    expect(first.get_by_role("status")).to_be_visible()
    assert Application.objects.get(pk=application.pk).status == "under_review"
    second = official_page(demo.approver2, language)
    open_task_from_queue(second, application)
    expect(second.locator("main")).to_contain_text(demo.approver.email)
    act(second, "approve", comment="")
    expect(second.get_by_role("status")).to_be_visible()
    # then the application is denied and the other branches are cancelled
    application.refresh_from_db()
    assert application.status == "denied" and application.decided_on is not None
    statuses = dict(
        ReviewTask.objects.filter(
            application=application, confirms_denial__isnull=True
        ).values_list("branch_key", "status")
    )
    assert statuses == {"fire": "rejected", "planning": "cancelled", "housing": "cancelled"}
    # the planning reviewer's queue no longer lists it
    planning.goto("/work/queue/")
    expect(planning.locator("main")).not_to_contain_text(application.tracking_number)
    assert axe_violations(planning) == []
    # and the applicant reads the written denial on the application page: the reasons, the
    # right to reconsideration or a lawsuit (Art. 38), and who decided, in the sealed decision
    # of the planning department
    applicant = official_page(application.created_by, language)
    applicant.goto(f"/applications/{application.pk}/")
    decision = Document.objects.get(application=application, kind="denial_decision")
    assert decision.department == demo.natres
    link = applicant.get_by_role("link", name=re.compile(re.escape(decision.number)))
    with applicant.expect_download() as download:
        link.click()
    assert axe_violations(applicant) == []
    download.value.save_as(SCREENSHOTS / f"denial-decision-{language}.pdf")
    pages = PdfReader(download.value.path()).pages
    text = "".join("".join(sheet.extract_text() for sheet in pages).split())
    assert "Fireescaperoutesaretoonarrow" in text
    assert "六十日内依法申请行政复议" in text and "六个月内依法向人民法院提起行政诉讼" in text
    assert "within60days" in text and "within6months" in text
    assert "".join(f"审批：{demo.approver2}".split()) in text
    assert "".join(f"拟办：{demo.approver}".split()) in text
