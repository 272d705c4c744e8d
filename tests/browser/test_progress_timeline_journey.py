"""Issue 18's progress journey, in each language, on a desktop and a phone: a citizen's
application for the construction planning permit (window intake → planning, housing and fire in
parallel → the planning approver's decision with a second approval) is accepted, paused for an
expert review, and decided; between the states (driven through the services), the citizen opens
the application page and follows the timeline. The public /track/ page shows the same progress
with departments only. axe-core finds no serious or critical violation; screenshots are saved.
"""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from approvals.models import ReviewTask
from approvals.security.query_codes import hash_query_code
from approvals.services.intake import intake_accept
from approvals.services.tasks import task_approve, task_resume_clock
from tests.approvals.review import conftest as review
from tests.approvals.timeline.conftest import expert_review_pause
from tests.browser_support import DESKTOP, PHONE, axe_violations, screenshot
from tests.factories import ApplicationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

demo = review.demo

QUERY_CODE = "305172"
WORDS = {
    "en": {
        "now": "Now",
        "done": "Done",
        "intake": "Window intake",
        "paused": "Clock paused since",
        "was_paused": "Clock paused from",
        "approved": "Approved",
        "parallel": "Handled by these departments in parallel",
    },
    "zh-hans": {
        "now": "进行中",
        "done": "已完成",
        "intake": "窗口受理",
        "paused": "暂停计时",
        "was_paused": "暂停计时",
        "approved": "准予许可",
        "parallel": "以下部门同时办理",
    },
}
PAUSE_REASON = "Expert panel on the noise study"


def _current(page):
    return page.locator('[data-testid="timeline"] [aria-current="step"]')


def _look(pages, name, language):
    for label, page in pages.items():
        page.reload()
        expect(page.get_by_test_id("timeline")).to_be_visible()
        assert axe_violations(page) == [], (label, name)
        screenshot(page, f"timeline-{name}-{language}-{label}")


def _task(application, branch):
    return ReviewTask.objects.get(application=application, branch_key=branch, status="open")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_citizen_follows_the_timeline_through_acceptance_a_pause_and_the_decision(
    demo, signed_in_page, open_page, language
):
    words = WORDS[language]
    application = ApplicationFactory(
        service_version=demo.version,
        submitted=True,
        received_on=timezone.localdate(),
        query_code_hash=hash_query_code(QUERY_CODE),
    )
    citizen = application.created_by
    pages = {
        "desktop": signed_in_page(citizen, language, DESKTOP),
        "phone": signed_in_page(citizen, language, PHONE),
    }
    for page in pages.values():
        page.goto(f"/applications/{application.pk}/")

    # submitted: the window's intake is the step running now
    _look(pages, "submitted", language)
    for page in pages.values():
        expect(_current(page)).to_contain_text(words["now"])
        expect(_current(page)).to_contain_text(words["intake"])

    # accepted: intake done, the three departments review side by side
    application = intake_accept(
        actor=demo.clerk, application=application, revision=application.revision
    )
    _look(pages, "accepted", language)
    desktop, phone = pages["desktop"], pages["phone"]
    for page in pages.values():
        step = page.locator('[data-testid="timeline"] [data-step="intake"]')
        expect(step).to_contain_text(words["done"])
        expect(_current(page)).to_contain_text(words["parallel"])
        expect(_current(page).locator(".timeline-lane")).to_have_count(3)
    # side by side on the desktop, stacked on the phone
    lanes = desktop.locator('[aria-current="step"] .timeline-lane')
    assert lanes.nth(0).bounding_box()["y"] == lanes.nth(1).bounding_box()["y"]
    lanes = phone.locator('[aria-current="step"] .timeline-lane')
    assert lanes.nth(1).bounding_box()["y"] > lanes.nth(0).bounding_box()["y"]

    # paused: the fire department's expert review stops the clock, explained in words
    expert_review_pause(demo, application, reason=PAUSE_REASON, days=10)
    _look(pages, "paused", language)
    for page in pages.values():
        expect(_current(page)).to_contain_text(words["paused"])
        expect(_current(page)).to_contain_text(PAUSE_REASON)
        expect(page.get_by_test_id("timeline-paused")).to_be_visible()

    # decided: the clock resumes, the departments agree, the approver and a second approve
    fire = _task(application, "fire")
    task_resume_clock(actor=demo.reviewers["fire"], task=fire, revision=fire.revision)
    for branch, user in demo.reviewers.items():
        task = _task(application, branch)
        task_approve(actor=user, task=task, revision=task.revision)
    for approver in (demo.approver, demo.approver2):
        task = _task(application, "decision")
        task_approve(actor=approver, task=task, revision=task.revision)
    _look(pages, "decided", language)
    for page in pages.values():
        expect(_current(page)).to_have_count(0)
        decided = page.locator('[data-testid="timeline"] [data-step="decided"]')
        expect(decided).to_contain_text(words["done"])
        expect(decided).to_contain_text(words["approved"])
        # the pause stays told on the step it happened in
        joint = page.locator('[data-testid="timeline"] [data-step="joint_review"]')
        expect(joint).to_contain_text(words["was_paused"])

    # the public lookup shows the same progress, without the reason or any name
    public = open_page(language, PHONE)
    public.goto("/track/")
    public.locator("input[name=tracking_number]").fill(application.tracking_number)
    public.locator("input[name=query_code]").fill(QUERY_CODE)
    public.locator("main form [type=submit]").click()
    timeline = public.get_by_test_id("timeline")
    expect(timeline).to_contain_text(words["approved"])
    expect(timeline).not_to_contain_text(PAUSE_REASON)
    expect(public.locator("main")).not_to_contain_text(application.person.real_name)
    assert axe_violations(public) == []
    screenshot(public, f"timeline-public-{language}-phone")
