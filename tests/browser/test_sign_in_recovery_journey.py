"""Strangers slowed sign-in to a citizen's account down; the owner, on a phone, asks for a link,
opens it from the email, opens sign-in again and signs in — in each language."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.lockout import SLOW_DOWN_AFTER, lockout_key_for_user, slow_down_record_failure
from tests.browser_support import PHONE, axe_violations, screenshot
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long demo passphrase 2026"
TEXT = {
    "en": {
        "wait": "Please wait",
        "link": "Get a link",
        "sent": "Check your email",
        "ready": "Open sign-in again",
        "done": "Sign-in is open again",
    },
    "zh-hans": {
        "wait": "请稍候再试",
        "link": "获取重新开放登录的链接",
        "sent": "请查看您的电子邮件和短信",
        "ready": "重新开放登录",
        "done": "登录已重新开放",
    },
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_owner_opens_sign_in_again_with_a_link_on_a_phone(open_page, language):
    text = TEXT[language]
    user = UserFactory(email="li.lei@example.cn", preferred_language=language)
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    # strangers' wrong passwords from many addresses, the last ones after each wait: minutes now
    for _ in range(SLOW_DOWN_AFTER + 8):
        slow_down_record_failure(lockout_key_for_user(user))

    # given the owner is asked to wait
    page = open_page(language, PHONE)
    page.goto("/accounts/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text(text["wait"])
    screenshot(page, f"sign-in-recovery-1-paused-{language}-phone")

    # when they ask for a link to open sign-in again
    summary.get_by_role("link", name=re.compile(text["link"])).click()
    page.fill("#id_username", user.email)
    assert axe_violations(page) == []
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text(text["sent"])
    screenshot(page, f"sign-in-recovery-2-sent-{language}-phone")

    # and open it from the email, and press the button
    [email] = mail.outbox
    [path] = re.findall(r"/accounts/unlock/[^/\s]+/[^/\s]+/", email.body)
    page.goto(path)
    expect(page.locator("h1")).to_contain_text(text["ready"])
    screenshot(page, f"sign-in-recovery-3-ready-{language}-phone")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text(text["done"])
    assert axe_violations(page) == []
    screenshot(page, f"sign-in-recovery-4-done-{language}-phone")

    # then they sign in with their password at once
    page.locator("main a.button").click()
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/$"))
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= PHONE["width"]
