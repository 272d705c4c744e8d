"""Issue 15, 一件事: from the home page a visitor opens "我要开餐馆" (the demo restaurant), answers
the guiding questions without JavaScript-only controls, and reads what applies — the members, each
material once with who needs it, the total time against one by one — in each language, at
desktop and phone width. axe finds no serious or critical violation."""

import pytest
from playwright.sync_api import expect

from demo.catalogue import seed_catalogue, seed_themes
from demo.management.commands.seed_demo import DemoSeeder
from tests.browser_support import DESKTOP, PHONE, axe_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

THEME = {"en": "Open a restaurant", "zh-hans": "我要开餐馆"}
COMPANY = {"en": "As a company", "zh-hans": "设立公司"}
YES = {"en": "Yes", "zh-hans": "是"}
NO = {"en": "No", "zh-hans": "否"}
SHOW = {"en": "Show what applies to me", "zh-hans": "查看我需要办理的事项"}
FIRE = {
    "en": "Fire safety inspection",
    "zh-hans": "公众聚集场所投入使用、营业前消防安全检查",
}
LEASE = {"en": "Proof of the right to use the premises", "zh-hans": "经营场所使用证明"}
NOT_NEEDED = {"en": "Not needed for your answers", "zh-hans": "根据您的回答无需办理"}


@pytest.fixture
def catalogue(db):
    DemoSeeder(password="unused", reset_passwords=False).seed_departments()
    seed_catalogue()
    seed_themes()


@pytest.mark.parametrize("viewport_name", ["desktop", "phone"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_visitor_reads_the_restaurant_guide(open_page, catalogue, language, viewport_name):
    page = open_page(language, viewport={"desktop": DESKTOP, "phone": PHONE}[viewport_name])
    page.goto("/")

    # the home page's life events lead to the theme
    page.get_by_role("link", name=THEME[language]).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(THEME[language])
    assert axe_violations(page) == []

    # the questions: a company, a small place, a sign on the street
    page.locator("fieldset", has=page.locator("input[name=entity]")).get_by_label(
        COMPANY[language]
    ).check()
    page.locator("fieldset", has=page.locator("input[name=large_premises]")).get_by_label(
        NO[language], exact=True
    ).check()
    page.locator("fieldset", has=page.locator("input[name=sign]")).get_by_label(
        YES[language], exact=True
    ).check()
    page.get_by_role("button", name=SHOW[language]).click()

    # what applies: no fire check for a small place, the lease once for two services
    applies = page.locator("section#what-applies")
    expect(applies.locator("li.theme-member")).to_have_count(4)
    expect(applies.get_by_text(NOT_NEEDED[language])).to_be_visible()
    expect(applies.locator("ul.theme-skipped")).to_contain_text(FIRE[language])
    lease = page.locator("ol.guide-materials > li", has_text=LEASE[language])
    expect(lease).to_have_count(1)
    expect(page.locator("table.theme-time")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"]

    assert axe_violations(page) == []
    screenshot(page, f"theme-guide-{language}-{viewport_name}")
