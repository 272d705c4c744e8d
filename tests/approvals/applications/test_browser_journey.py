"""In a real browser, in both languages: a citizen finds the service, fills the first step, leaves,
resumes on another device, attaches the material, double-clicks Submit, gets one application and
a receipt, and follows it through the public lookup. axe-core checks each page on the way."""

import re

import pytest
from playwright.sync_api import expect

from approvals.models import Application, ApplicationStatus
from tests.browser_support import (
    APPLICATION_TEXT,
    attach_floor_plan,
    citizen_signs_in,
    no_serious_axe_violations,
    screenshot,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_citizen_applies_resumes_on_another_device_and_submits_once(
    open_page, citizen, version, language
):
    laptop = open_page(language)
    citizen_signs_in(laptop, citizen)

    # finds the service and starts
    laptop.goto("/services/SPJY/")
    laptop.locator("main a.button").first.click()
    laptop.locator("main form button.button").click()
    expect(laptop.locator("nav.progress li[aria-current=step]")).to_have_count(1)
    no_serious_axe_violations(laptop)

    # fills the first step and leaves
    laptop.fill("#id_shop_name", "老福州小吃")
    laptop.get_by_label(APPLICATION_TEXT[language]["retail"]).check()
    laptop.locator("button[value=leave]").click()
    expect(laptop).to_have_url(re.compile(r"/applications/$"))
    no_serious_axe_violations(laptop)

    # another device: the dashboard leads to the second step
    phone = open_page(language)
    citizen_signs_in(phone, citizen)
    phone.goto("/applications/")
    phone.locator("main table a[href*='/step/premises/']").click()
    phone.fill("#id_floor_area", "45")
    phone.locator("form.application-form .form-actions button[value=continue]").click()
    expect(phone).to_have_url(re.compile(r"/step/materials/$"))
    attach_floor_plan(phone, "平面图.png")
    no_serious_axe_violations(phone)
    phone.locator(".form-actions button[value=continue]").click()
    expect(phone).to_have_url(re.compile(r"/review/(#.*)?$"))
    expect(phone.locator("main")).to_contain_text("老福州小吃")
    no_serious_axe_violations(phone)

    # ticks the declaration and double-clicks Submit
    phone.locator("#id_declaration").check()
    phone.locator("button[data-once]").dblclick()
    expect(phone).to_have_url(re.compile(r"/receipt/$"))
    no_serious_axe_violations(phone)
    screenshot(phone, f"application-receipt-{language}")

    application = Application.objects.get()
    assert application.status == ApplicationStatus.SUBMITTED
    expect(phone.locator(".tracking-number")).to_have_text(application.tracking_number)
    code = phone.locator(".query-code").inner_text().strip()
    assert re.fullmatch(r"\d{6}", code)
    assert citizen.person.id_number not in phone.content()

    # anyone can follow it with the tracking number and the code, without signing in
    visitor = open_page(language)
    visitor.goto("/track/")
    visitor.fill("#id_tracking_number", application.tracking_number)
    visitor.fill("#id_query_code", code)
    visitor.locator("main form button[type=submit]").click()
    expect(visitor.locator("main")).to_contain_text(application.tracking_number)
    if APPLICATION_TEXT[language]["submitted"]:
        expect(visitor.locator("main")).to_contain_text(APPLICATION_TEXT[language]["submitted"])
    assert "王芳" not in visitor.locator("main").inner_text()
    no_serious_axe_violations(visitor)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_business_agent_applies_for_the_business(
    open_page, agent, membership, business, version, language
):
    # the business's administrator lets this agent apply (the default)
    assert membership.can_apply and membership.may_apply
    office = open_page(language)
    citizen_signs_in(office, agent)

    # finds the service through the public guides and applies from the guide
    office.goto("/services/")
    office.fill("#id_q", "SPJY")
    office.locator("main form.guide-search button[type=submit]").click()
    office.locator("main .guide-results a[href$='/services/SPJY/']").click()
    expect(office).to_have_url(re.compile(r"/services/SPJY/$"))
    office.locator("main a.button[href$='/applications/new/SPJY/']").first.click()
    office.get_by_label(business.name).check()
    office.locator("main form button.button").click()
    # the business's name comes from the registry: shown, not typed
    expect(office.locator("main")).to_contain_text(business.name)
    office.get_by_label(APPLICATION_TEXT[language]["retail"]).check()
    office.locator("button[value=leave]").click()
    expect(office).to_have_url(re.compile(r"/applications/$"))

    # another device, signed in again: the dashboard leads back to the draft
    laptop = open_page(language)
    citizen_signs_in(laptop, agent)
    laptop.goto("/applications/")
    laptop.locator("main table a[href*='/step/premises/']").click()
    laptop.fill("#id_floor_area", "80")
    laptop.locator("form.application-form .form-actions button[value=continue]").click()
    expect(laptop).to_have_url(re.compile(r"/step/materials/$"))
    attach_floor_plan(laptop)
    laptop.locator(".form-actions button[value=continue]").click()
    expect(laptop).to_have_url(re.compile(r"/review/(#.*)?$"))
    expect(laptop.locator("main")).to_contain_text(business.name)

    # double-clicks Submit: one application
    laptop.locator("#id_declaration").check()
    laptop.locator("button[data-once]").dblclick()
    expect(laptop).to_have_url(re.compile(r"/receipt/$"))
    tracking_number = laptop.locator(".tracking-number").inner_text().strip()
    code = laptop.locator(".query-code").inner_text().strip()
    assert re.fullmatch(r"\d{6}", code)

    application = Application.objects.get()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.business == business
    assert application.created_by == agent
    assert tracking_number == application.tracking_number
    laptop.goto("/applications/")
    expect(laptop.locator("main table")).to_contain_text(tracking_number)

    # the public lookup finds it with the numbers from the receipt
    visitor = open_page(language)
    visitor.goto("/track/")
    visitor.fill("#id_tracking_number", tracking_number)
    visitor.fill("#id_query_code", code)
    visitor.locator("main form button[type=submit]").click()
    expect(visitor.locator("main")).to_contain_text(tracking_number)
    if APPLICATION_TEXT[language]["submitted"]:
        expect(visitor.locator("main")).to_contain_text(APPLICATION_TEXT[language]["submitted"])
