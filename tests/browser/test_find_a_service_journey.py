"""Issue 18, "Find a service", in a real Chromium, in each language, at desktop and phone width:
from the home page a citizen types "开饭店", then "spjy", then "food", and each time the food
business licence comes first with the matching words marked, and its guide opens. Browsing by who
is applying and by department, and the most used services counted from submissions, are on the
same home page. No JavaScript is needed: every search is a GET form."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from approvals.models import ServiceItem, VersionStatus
from demo.catalogue import seed_catalogue
from demo.management.commands.seed_demo import DemoSeeder
from tests.browser_support import DESKTOP, PHONE, axe_violations, screenshot
from tests.factories import ApplicationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEARCH_LABEL = {"en": "Search services", "zh-hans": "搜索事项"}
SEARCH_BUTTON = {"en": "Search", "zh-hans": "搜索"}
GUIDE_TITLE = {"en": "Food business licence", "zh-hans": "食品经营许可"}
MOST_USED = {"en": "Most used services", "zh-hans": "高频办理事项"}
FOR_INDIVIDUALS = {"en": "For individuals", "zh-hans": "个人办事"}
SHOWN = {"开饭店": "开饭店", "spjy": "食品经营许可", "food": "food"}


@pytest.fixture
def catalogue(db):
    """The demo city's catalogue; the food licence applied for twice yesterday."""
    DemoSeeder(password="unused", reset_passwords=False).seed_departments()
    seed_catalogue()
    food = ServiceItem.objects.get(code="FOOD-LIC").versions.get(status=VersionStatus.PUBLISHED)
    for _n in range(2):
        ApplicationFactory(
            service_version=food,
            submitted=True,
            received_on=timezone.localdate() - dt.timedelta(days=1),
        )
    from approvals.services.supervision_rollup import statistics_rollup

    statistics_rollup()


@pytest.mark.parametrize("viewport_name", ["desktop", "phone"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_citizen_finds_the_food_licence_three_ways(open_page, catalogue, language, viewport_name):
    page = open_page(language, viewport={"desktop": DESKTOP, "phone": PHONE}[viewport_name])
    page.goto("/")
    # the home page: the search box and the paths people think in
    expect(page.get_by_role("heading", name=MOST_USED[language])).to_be_visible()
    expect(page.get_by_role("link", name=FOR_INDIVIDUALS[language])).to_be_visible()
    expect(
        page.locator("section[aria-labelledby=most-used-title]").get_by_role(
            "link", name=GUIDE_TITLE[language]
        )
    ).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, f"find-service-home-{language}-{viewport_name}")

    for query in ("开饭店", "spjy", "food"):
        page.goto("/")
        search = page.get_by_role("search")
        search.get_by_label(SEARCH_LABEL[language]).fill(query)
        search.get_by_role("button", name=SEARCH_BUTTON[language]).click()
        page.wait_for_url("**/services/?q=*")

        # the food licence comes first, with the words that matched marked
        first = page.locator(".guide-card").first
        expect(first.get_by_role("heading")).to_contain_text(GUIDE_TITLE[language])
        expect(first.locator(".guide-matched mark").first).to_have_text(SHOWN[query])
        assert axe_violations(page) == []
        screenshot(page, f"find-service-{query}-{language}-{viewport_name}")

        first.get_by_role("link").first.click()
        page.wait_for_url("**/services/FOOD-LIC/")
        expect(page.get_by_role("heading", level=1)).to_have_text(GUIDE_TITLE[language])
