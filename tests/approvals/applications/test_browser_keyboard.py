"""The food business licence form with the keyboard alone (Tab, Shift+Tab, Space, Enter, and
typing into the fields), in a real browser: a citizen signs in, starts an application from the
service guide, gets the first step's errors, corrects them and completes both form steps up to the
materials (choosing a file needs the system's file dialog, outside the page)."""

import re

import pytest
from playwright.sync_api import expect

from approvals.models import Application
from tests.factories import DEFAULT_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# How far Tab may go looking for a control before the test calls it unreachable.
TAB_LIMIT = 60


def tab_to(page, selector: str, *, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until ``selector`` has the focus, which must then be visible."""
    target = page.locator(selector)
    # The focus ring is the portal's stylesheet: wait until the page (and its styles) loaded.
    page.wait_for_load_state("load")
    for _ in range(TAB_LIMIT):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if target.evaluate("element => element === document.activeElement"):
            assert focus_is_visible(page), selector
            return
    raise AssertionError(f"{selector} cannot be reached with the keyboard")


def focus_is_visible(page) -> bool:
    """The focused control shows the portal's focus ring (an outline; buttons' shadows do not
    count, they are there without the focus too)."""
    return page.evaluate(
        """() => {
            const element = document.activeElement;
            const style = getComputedStyle(element);
            return element.matches(':focus-visible')
                && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
        }"""
    )


def press_on(page, selector: str, key: str = "Enter") -> None:
    tab_to(page, selector)
    page.keyboard.press(key)


def test_the_application_form_can_be_completed_with_the_keyboard_alone(open_page, citizen, version):
    page = open_page("en")
    # given the citizen signed in with the keyboard (the first field has the focus)
    page.goto("/accounts/login/")
    expect(page.locator("#id_username")).to_be_focused()
    page.keyboard.type(citizen.email)
    page.keyboard.press("Tab")
    page.keyboard.type(DEFAULT_PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/accounts/$"))

    # when they start from the service guide
    page.goto("/services/SPJY/")
    press_on(page, "main a.button[href$='/applications/new/SPJY/'] >> nth=0")
    expect(page).to_have_url(re.compile(r"/applications/new/SPJY/"))
    press_on(page, "main form button.button")
    expect(page.locator("#id_shop_name")).to_be_visible()

    # and continue without filling the first step: the errors are shown beside the fields
    press_on(page, "form.application-form .form-actions button[value=continue]")
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#id_shop_name")).to_have_attribute("aria-invalid", "true")

    # then they type the shop's name, tick the first category with Space, go back with Shift+Tab
    tab_to(page, "#id_shop_name")
    page.keyboard.type("老福州小吃")
    tab_to(page, "input[name=category][value=retail]")
    page.keyboard.press("Space")
    expect(page.locator("input[name=category][value=retail]")).to_be_checked()
    tab_to(page, "#id_shop_name", backwards=True)
    expect(page.locator("#id_shop_name")).to_have_value("老福州小吃")
    press_on(page, "form.application-form .form-actions button[value=continue]")
    expect(page).to_have_url(re.compile(r"/step/premises/$"))

    # and fill the second step: the area, and notes on two lines (Enter in a text area)
    tab_to(page, "#id_floor_area")
    page.keyboard.type("45")
    tab_to(page, "#id_notes")
    page.keyboard.type("Ground floor")
    page.keyboard.press("Enter")
    page.keyboard.type("Street entrance")
    press_on(page, "form.application-form .form-actions button[value=continue]")

    # then the materials step opens, with everything typed saved in the draft
    expect(page).to_have_url(re.compile(r"/step/materials/$"))
    draft = Application.objects.get()
    assert draft.data["shop_name"] == "老福州小吃"
    assert draft.data["category"] == "retail"
    assert draft.data["floor_area"] == 45
    assert draft.data["notes"].splitlines() == ["Ground floor", "Street entrance"]
