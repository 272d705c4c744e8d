"""A citizen signs up (checked against the population registry), signs out, signs in with the
mobile number and switches language — in each language, at phone and desktop widths."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import PersonProfile
from tests.browser_support import (
    DESKTOP,
    PHONE,
    SIGN_UP_PASSWORD,
    axe_violations,
    screenshot,
    sign_up,
)
from tests.factories import PopulationRecordFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HTML_LANG = {"en": "en", "zh-hans": "zh-CN"}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_citizen_signs_up_signs_in_and_switches_language(open_page, language):
    # given a person the population registry knows, with no account yet
    record = PopulationRecordFactory(name="林晓燕")
    page = open_page(language)

    # when they sign up with their name and ID number
    page.goto("/accounts/signup/")
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[language])
    sign_up(page, record, mobile="13912345678", email="lin.xiaoyan@example.cn")

    # then their account exists, verified, and the home page shows the ID number masked
    masked = record.id_number[:4] + "*" * 10 + record.id_number[-4:]
    expect(page.locator("main")).to_contain_text(masked)
    assert record.id_number not in page.content()
    assert PersonProfile.objects.get(id_number=record.id_number).verified_at is not None

    # when they sign out and sign in again with the mobile number
    page.locator(".site-nav form button[type=submit]").click()
    page.goto("/accounts/login/")
    page.fill("#id_username", "139 1234 5678")
    page.fill("#id_password", SIGN_UP_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/$"))

    # and switch to the other language with the switcher
    other = "en" if language == "zh-hans" else "zh-hans"
    page.select_option("#language-select", other)
    page.locator(".language-switcher button").click()
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[other])
    expect(page).to_have_url(re.compile(r"/accounts/$"))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    "path", ["/", "/accounts/login/", "/accounts/signup/", "/accounts/login/code/"]
)
def test_public_account_pages_have_no_serious_accessibility_violations(open_page, language, path):
    page = open_page(language)
    page.goto(path)
    assert axe_violations(page) == []


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_sign_up_errors_are_accessible_and_keep_what_was_typed(open_page, language):
    # given the sign-up page
    page = open_page(language)
    page.goto("/accounts/signup/")

    # when someone submits a wrong ID number and a short password
    page.fill("#id_real_name", "王小明")
    page.fill("#id_id_number", "110105194912310021")
    page.fill("#id_mobile", "13912345678")
    page.fill("#id_email", "wang@example.cn")
    page.fill("#id_password1", "short")
    page.fill("#id_password2", "short")
    page.locator("form[novalidate] button[type=submit]").click()

    # then the error summary lists the problems, the fields say what is wrong, input is kept
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#id_id_number")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_real_name")).to_have_value("王小明")
    expect(page.locator("#id_email")).to_have_value("wang@example.cn")
    assert axe_violations(page) == []


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_sign_up_can_be_completed_with_the_keyboard_alone(open_page, language):
    record = PopulationRecordFactory(name="陈晨")
    page = open_page(language)
    page.goto("/accounts/signup/")

    # the skip link is the first stop and leads to the main content
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")

    page.locator("#id_real_name").focus()
    for value in [
        record.name,
        None,  # the identity document: a resident identity card, as chosen already
        record.id_number,
        "13700001111",
        "chen@example.cn",
        SIGN_UP_PASSWORD,
        SIGN_UP_PASSWORD,
    ]:
        if value is not None:
            page.keyboard.type(value)
        page.keyboard.press("Tab")
    # focus has moved through every field to the submit button
    expect(page.locator("form[novalidate] button[type=submit]")).to_be_focused()
    page.keyboard.press("Enter")
    # (the skip link left "#main" in the address)
    expect(page).to_have_url(re.compile(r"/accounts/signup/sent/(#main)?$"))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("viewport_name", ["phone", "desktop"])
def test_screenshots_of_the_account_pages(open_page, language, viewport_name):
    viewport = PHONE if viewport_name == "phone" else DESKTOP
    page = open_page(language, viewport)
    for name, path in [
        ("home", "/"),
        ("sign-in", "/accounts/login/"),
        ("sign-up", "/accounts/signup/"),
        ("sign-up-sent", "/accounts/signup/sent/"),
    ]:
        page.goto(path)
        shot = screenshot(page, f"{name}-{language}-{viewport_name}")
        assert shot.stat().st_size > 0
        # the layout holds: nothing is wider than the viewport
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= viewport["width"], f"{name} overflows at {viewport['width']} px"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_failures_from_elsewhere_slow_sign_in_down_and_say_so(open_page, language):
    # given ten wrong passwords for an account, each from another address
    from django.test import Client

    from accounts.lockout import SLOW_DOWN_AFTER, lockout_key_for_user, slow_down_record_failure
    from tests.factories import UserFactory

    user = UserFactory(email="li.lei@example.cn")
    for n in range(SLOW_DOWN_AFTER):
        Client().post(
            "/accounts/login/",
            {"username": "li.lei@example.cn", "password": "wrong"},
            REMOTE_ADDR=f"203.0.113.{n}",
        )
    # and a few more, each after the wait, so that the wait (1 s after ten) outlasts the
    # browser's start on a busy machine
    for _ in range(6):
        slow_down_record_failure(lockout_key_for_user(user))

    # when someone signs in at once from this browser
    page = open_page(language, PHONE)
    page.goto("/accounts/login/")
    page.fill("#id_username", "li.lei@example.cn")
    page.fill("#id_password", SIGN_UP_PASSWORD)
    page.locator("main form button[type=submit]").click()

    # then they are asked to wait, with a way out, and what they typed is kept
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("请稍候再试" if language == "zh-hans" else "Please wait")
    expect(summary.locator("a[href='/accounts/password-reset/']")).to_be_visible()
    expect(page.locator("#id_username")).to_have_value("li.lei@example.cn")
    screenshot(page, f"sign-in-slowed-{language}-phone")
    assert axe_violations(page) == []
