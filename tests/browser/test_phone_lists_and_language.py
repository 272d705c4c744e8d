"""At a phone's width (390 px), in both languages: the department queue and the window's queue
are cards whose actions stay whole and reachable (a reviewer claims a task with the button);
a citizen who signed up in Chinese reads their notifications in the page's language and sets
English in their profile, after which the portal speaks English to them. Screenshots of each
page are saved for a person to look at."""

import pytest
from django.utils.translation import gettext_lazy
from playwright.sync_api import expect

from accounts.models import User
from approvals.models import ReviewTask
from approvals.services.notifications import message, notify
from tests.approvals.review import conftest as review
from tests.browser_support import PHONE, axe_violations, screenshot
from tests.factories import ApplicationFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

demo = review.demo
make_accepted = review.make_accepted
started = review.started

LANGUAGES = ["zh-hans", "en"]
CLAIM = {"zh-hans": "认领", "en": "Claim"}


def _inside_the_screen(page, locator) -> None:
    box = locator.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert box["width"] > 40, box  # a whole button, not a clipped sliver


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_queues_on_a_phone_keep_their_columns_and_actions(
    demo, started, signed_in_page, language
):
    reviewer = demo.reviewers["planning"]
    page = signed_in_page(reviewer, language, PHONE)

    page.goto("/work/queue/")

    queue = page.get_by_test_id("queue")
    row = queue.locator("tbody tr").first
    service = row.locator("td").nth(4)
    # Each cell is a line of its card: as wide as the card, not a one-character column.
    assert service.bounding_box()["width"] > PHONE["width"] / 2
    claim = row.get_by_role("button", name=CLAIM[language], exact=True)
    _inside_the_screen(page, claim)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_violations(page) == []
    screenshot(page, f"phone-work-queue-{language}")

    claim.click()

    expect(page.locator(".messages")).to_be_visible()
    task = ReviewTask.objects.get(application=started, branch_key="planning", status="open")
    assert task.assignee_id == reviewer.pk

    # The window's queue, the same way
    ApplicationFactory(service_version=demo.version, submitted=True)
    window = signed_in_page(demo.clerk, language, PHONE)
    window.goto("/work/intake/")
    intake = window.get_by_test_id("intake-queue")
    link = intake.locator("tbody tr").first.locator("a").first
    _inside_the_screen(window, link)
    assert window.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(window, f"phone-intake-queue-{language}")


@pytest.mark.parametrize("language", LANGUAGES)
def test_notifications_follow_the_reader_and_the_profile_sets_the_language(
    db, signed_in_page, language
):
    citizen = PersonFactory(user__preferred_language="zh-hans").user
    notify(
        user=citizen,
        kind="intake.accepted",
        title=message(
            gettext_lazy("Application accepted: %(number)s"), number="SPJY-20260615-0001"
        ),
        body=message(
            gettext_lazy("The applicant withdrew %(number)s (%(service)s)."),
            number="SPJY-20260615-0001",
            service="—",
        ),
    )
    page = signed_in_page(citizen, language, PHONE)

    page.goto("/notifications/")

    expected = {
        "zh-hans": "申请已受理：SPJY-20260615-0001",
        "en": "Application accepted: SPJY-20260615-0001",
    }
    expect(page.locator("main")).to_contain_text(expected[language])
    other = "en" if language == "zh-hans" else "zh-hans"
    expect(page.locator("main")).not_to_contain_text(expected[other])
    screenshot(page, f"phone-notifications-{language}")

    # The citizen chooses the other language in their profile
    page.goto("/accounts/")
    page.locator("#id_language").select_option(other)
    page.get_by_role(
        "button", name={"zh-hans": "保存语言设置", "en": "Save language"}[language]
    ).click()

    expect(page.locator(".messages")).to_contain_text(
        {"zh-hans": "Your language is saved.", "en": "语言设置已保存。"}[language]
    )
    assert User.objects.get(pk=citizen.pk).preferred_language == other
    assert axe_violations(page) == []
    screenshot(page, f"phone-profile-language-{other}")
    page.goto("/notifications/")
    expect(page.locator("main")).to_contain_text(expected[other])


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_form_with_errors_focuses_its_summary_and_says_error_in_the_title(
    db, open_page, language
):
    page = open_page(language, PHONE)
    page.goto("/accounts/login/")

    page.locator("#id_username").fill("nobody@example.cn")
    page.locator("#id_password").fill("wrong password")
    page.locator("form button[type=submit]").last.click()

    expect(page.locator("#error-summary")).to_be_focused()
    assert page.title().startswith({"zh-hans": "错误：", "en": "Error: "}[language])
    screenshot(page, f"phone-login-error-{language}")
