"""The licence pages in a real browser, at phone width, in both languages: no serious
accessibility violations, and the holder cites a licence with the keyboard."""

import pytest
from playwright.sync_api import expect

from tests.browser_support import PHONE, axe_violations, citizen_signs_in, screenshot
from tests.factories import ApplicationFactory, ServiceVersionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_published_decisions_on_a_phone(register, open_page, language):
    page = open_page(language, viewport=PHONE)
    page.goto("/decisions/")
    expect(page.locator("main")).to_contain_text(register.licence.number)
    expect(page.locator("main")).to_contain_text("张**")
    assert axe_violations(page) == []
    screenshot(page, f"licences-decisions-{language}-phone")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_holder_sees_my_licences_and_cites_one_with_the_keyboard(register, open_page, language):
    version = ServiceVersionFactory(
        item__department=register.bureau,
        materials=[{"key": "food-licence", "reusable_licence_item_code": "SPJY"}],
        published=True,
    )
    draft = ApplicationFactory(service_version=version, person=register.holder.person)
    page = open_page(language, viewport=PHONE)
    citizen_signs_in(page, register.holder)

    page.goto("/licences/")
    expect(page.locator("main")).to_contain_text(register.licence.number)
    assert axe_violations(page) == []
    screenshot(page, f"licences-mine-{language}-phone")

    page.goto(f"/applications/{draft.pk}/step/materials/")
    radio = page.locator(f"#cite-food-licence-{register.licence.pk}")
    expect(radio).to_be_checked()
    assert axe_violations(page) == []
    radio.focus()
    page.keyboard.press("Tab")  # to the "use this licence" button
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text(register.licence.number)
    assert draft.attachments.get().cited_licence_id == register.licence.pk
    screenshot(page, f"licences-cited-{language}-phone")
