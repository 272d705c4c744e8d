"""In a real browser, in both languages: a citizen finds the service, fills the first step, leaves,
resumes on another device, attaches the material, double-clicks Submit, gets one application and
a receipt, and follows it through the public lookup. axe-core checks each page on the way."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from approvals.models import Application, ApplicationStatus
from tests.browser_support import axe_violations, screenshot
from tests.factories import DEFAULT_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {"retail": "Food retail", "submitted": "Submitted, awaiting intake"},
    "zh-hans": {"retail": "食品销售", "submitted": None},
}


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "white").save(buffer, "PNG")
    return buffer.getvalue()


def _sign_in(page, user):
    page.goto("/accounts/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/$"))


def _no_serious_axe_violations(page):
    assert axe_violations(page) == [], page.url


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_citizen_applies_resumes_on_another_device_and_submits_once(
    open_page, citizen, version, language
):
    laptop = open_page(language)
    _sign_in(laptop, citizen)

    # finds the service and starts
    laptop.goto("/services/SPJY/")
    laptop.locator("main a.button").first.click()
    laptop.locator("main form button.button").click()
    expect(laptop.locator("nav.progress li[aria-current=step]")).to_have_count(1)
    _no_serious_axe_violations(laptop)

    # fills the first step and leaves
    laptop.fill("#id_shop_name", "老福州小吃")
    laptop.get_by_label(TEXT[language]["retail"]).check()
    laptop.locator("button[value=leave]").click()
    expect(laptop).to_have_url(re.compile(r"/applications/$"))
    _no_serious_axe_violations(laptop)

    # another device: the dashboard leads to the second step
    phone = open_page(language)
    _sign_in(phone, citizen)
    phone.goto("/applications/")
    phone.locator("main table a[href*='/step/premises/']").click()
    phone.fill("#id_floor_area", "45")
    phone.locator("form.application-form .form-actions button[value=continue]").click()
    expect(phone).to_have_url(re.compile(r"/step/materials/$"))
    phone.set_input_files(
        "#file-floor-plan",
        files=[{"name": "平面图.png", "mimeType": "image/png", "buffer": _png()}],
    )
    phone.locator("#material-floor-plan form.upload-form button").click()
    expect(phone.locator("#material-floor-plan")).to_contain_text("平面图.png")
    _no_serious_axe_violations(phone)
    phone.locator(".form-actions button[value=continue]").click()
    expect(phone).to_have_url(re.compile(r"/review/(#.*)?$"))
    expect(phone.locator("main")).to_contain_text("老福州小吃")
    _no_serious_axe_violations(phone)

    # ticks the declaration and double-clicks Submit
    phone.locator("#id_declaration").check()
    phone.locator("button[data-once]").dblclick()
    expect(phone).to_have_url(re.compile(r"/receipt/$"))
    _no_serious_axe_violations(phone)
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
    if TEXT[language]["submitted"]:
        expect(visitor.locator("main")).to_contain_text(TEXT[language]["submitted"])
    assert "王芳" not in visitor.locator("main").inner_text()
    _no_serious_axe_violations(visitor)


def test_a_business_agent_applies_for_the_business(open_page, agent, business, version):
    page = open_page("en")
    _sign_in(page, agent)

    page.goto("/applications/new/SPJY/")
    page.get_by_label(business.name).check()
    page.locator("main form button.button").click()
    expect(page.locator("main")).to_contain_text(f"for {business.name}")
    # the business's name comes from the registry: shown, not typed
    expect(page.locator("main")).to_contain_text(business.name)
    page.get_by_label("Food retail").check()
    page.locator("form.application-form .form-actions button[value=continue]").click()
    page.fill("#id_floor_area", "80")
    page.locator("form.application-form .form-actions button[value=continue]").click()
    page.set_input_files(
        "#file-floor-plan", files=[{"name": "plan.png", "mimeType": "image/png", "buffer": _png()}]
    )
    page.locator("#material-floor-plan form.upload-form button").click()
    page.locator(".form-actions button[value=continue]").click()
    page.locator("#id_declaration").check()
    page.locator("button[data-once]").click()
    expect(page).to_have_url(re.compile(r"/receipt/$"))

    application = Application.objects.get()
    assert application.business == business
    assert application.created_by == agent
    page.goto("/applications/")
    expect(page.locator("main table")).to_contain_text(application.tracking_number)
