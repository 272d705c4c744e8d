"""The window's page of a one-thing case on a phone (issue 15), with the demo restaurant (every
member: registration, food licence, fire check, sign, drainage): the members' answers and
materials are folded (``<details>``, closed unless the member has an open supplement item or
pledge), so the decisions follow within a few screens, and a link at the top leads to them; the
page is a fraction of its unfolded height and passes axe, in both languages."""

import pytest
from playwright.sync_api import expect

from approvals.models import ThemeVersion, VersionStatus
from demo.applications import _user
from demo.catalogue import seed_catalogue, seed_themes
from demo.management.commands.seed_demo import DemoSeeder
from demo.theme_cases import THEME_CASES, _build
from tests.browser_support import PHONE, axe_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The page was 23,351 px tall on a phone in Chinese and 25,748 px in English before (every
# member's answers and materials, and a tick and a text box for each item of the supplement
# notice); folded, a line per member and the four decisions fit in a few screens.
MAX_FOLDED_HEIGHT = 8 * PHONE["height"]


@pytest.fixture
def restaurant_case(db):
    DemoSeeder(password="unused-Demo-2026", reset_passwords=False).seed()
    seed_catalogue()
    seed_themes()
    demo = next(case for case in THEME_CASES if case.key == "theme_restaurant")
    version = ThemeVersion.objects.get(item__code="RESTAURANT", status=VersionStatus.PUBLISHED)
    return _build(demo, version)


def _height(page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_window_s_case_page_is_usable_on_a_phone(signed_in_page, restaurant_case, language):
    desk = signed_in_page(_user("clerk@demo.gov.cn"), language, PHONE)

    desk.goto(f"/work/intake/cases/{restaurant_case.pk}/")

    members = desk.locator("details.case-member")
    expect(members).to_have_count(5)
    folded = _height(desk)
    screenshot(desk, f"theme-intake-case-phone-folded-{language}")
    # every member's details start closed (nothing open to check again), a summary line each
    for i in range(5):
        assert members.nth(i).get_attribute("open") is None
        expect(members.nth(i).locator("summary")).to_be_visible()
    assert axe_violations(desk) == []
    assert desk.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1

    # the decisions are reachable without scrolling past the members: the skip link leads there
    # (keyboard: the first links of the page)
    skip = desk.locator("a[href='#decide-heading']")
    expect(skip).to_be_visible()
    skip.focus()
    desk.keyboard.press("Enter")
    accept = desk.locator("#accept button[type=submit]")
    expect(accept).to_be_in_viewport()
    decide_top = desk.evaluate(
        "document.getElementById('decide-heading').getBoundingClientRect().top + window.scrollY"
    )
    # and, the members folded, the decision starts within the first screens
    assert decide_top < 2.5 * PHONE["height"]

    # a member opens with the keyboard (summary is a button to screen readers) and shows its
    # answers and materials
    summary = members.nth(1).locator("summary")
    summary.focus()
    desk.keyboard.press("Enter")
    assert members.nth(1).get_attribute("open") is not None
    expect(members.nth(1).locator("h3").first).to_be_visible()

    # with every member unfolded, the page is as tall as it was before
    for i in range(5):
        members.nth(i).evaluate("node => node.open = true")
    unfolded = _height(desk)
    screenshot(desk, f"theme-intake-case-phone-unfolded-{language}")
    print(f"phone page height ({language}): folded {folded} px, unfolded {unfolded} px")
    assert folded <= MAX_FOLDED_HEIGHT < unfolded
