"""A supervisor reads the trends at a glance (issue 18): from the supervision dashboard to the
trend charts, chooses March 2026 by week, and follows the "decided late" column of the week of
16 March to the case behind it; then the workload page with the department tree. Desktop and
phone, English and Chinese; axe finds no serious or critical violation; screenshots for a person
to look at."""

import itertools
import re

import pytest
from playwright.sync_api import expect

from approvals.models import working_calendar as calendar_cache
from tests.approvals.supervision import conftest as supervision
from tests.browser_support import DESKTOP, PHONE, axe_violations, screenshot
from tests.factories import ReviewTaskFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

city, health_version, trend_march = (
    supervision.city,
    supervision.health_version,
    supervision.trend_march,
)
_signing_key = supervision._signing_key


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """The working-day calendar is cached per process: none of another test's."""
    calendar_cache.clear_cache()
    yield
    calendar_cache.clear_cache()


@pytest.mark.parametrize("viewport_name", ["desktop", "phone"])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_supervisor_drills_down_from_a_trend_column_to_the_late_case(
    city,
    trend_march,
    signed_in_page,
    language,
    viewport_name,
):
    viewport = DESKTOP if viewport_name == "desktop" else PHONE
    page = signed_in_page(city.supervisor, language, viewport)
    late = trend_march["B"]

    # given the supervision dashboard, the supervisor opens the trends
    page.goto("/supervision/")
    page.get_by_test_id("trends-link").click()
    expect(page).to_have_url(re.compile(r"/supervision/trends/$"))

    # when they choose March 2026, week by week
    page.fill("#id_start", "2026-03-01")
    page.fill("#id_end", "2026-03-31")
    page.select_option("#id_granularity", "week")
    page.locator("[data-testid=trend-form] button[type=submit]").click()
    expect(page.get_by_test_id("trend-period")).to_contain_text("2026-03-01")
    chart = page.get_by_test_id("trend-late")
    expect(chart.locator("svg")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, f"supervision-trends-{language}-{viewport_name}")
    # the axis labels drawn do not overlap
    boxes = [
        box
        for box in (t.bounding_box() for t in chart.locator("text.chart-tick").all())
        if box is not None
    ]
    assert len(boxes) >= 2
    for left, right in itertools.pairwise(boxes):
        assert left["x"] + left["width"] <= right["x"] + right["width"]
        assert right["x"] >= left["x"] + 1
        overlap_x = min(left["x"] + left["width"], right["x"] + right["width"]) - max(
            left["x"], right["x"]
        )
        overlap_y = min(left["y"] + left["height"], right["y"] + right["height"]) - max(
            left["y"], right["y"]
        )
        assert overlap_x <= 0 or overlap_y <= 0

    # and select the late column of the week of 16 March
    chart.locator('svg a[href*="start=2026-03-16"]').click()

    # then they see the late decision behind it, and only it
    expect(page).to_have_url(re.compile(r"/supervision/trends/cases/\?kind=late"))
    cases = page.get_by_test_id("trend-cases")
    expect(cases).to_contain_text(late.tracking_number)
    expect(cases.locator("tbody tr")).to_have_count(1)
    assert late.person.id_number not in page.content()
    assert axe_violations(page) == []
    screenshot(page, f"supervision-trend-cases-{language}-{viewport_name}")

    # and the satisfaction column of the week of 9 March lists its two ratings
    page.go_back()
    page.get_by_test_id("trend-satisfaction").locator('svg a[href*="start=2026-03-09"]').click()
    expect(page.get_by_test_id("trend-ratings").locator("tbody tr")).to_have_count(2)
    assert axe_violations(page) == []

    # and the workload page draws the department tree with each node's open work and cards
    for light, assignee in (("red", city.reviewer), ("yellow", city.reviewer), ("green", None)):
        ReviewTaskFactory(department=city.bureau, light=light, assignee=assignee)
    page.goto(f"/supervision/workload/?department={city.bureau.pk}")
    expect(page.get_by_test_id("department-tree")).to_be_visible()
    expect(page.get_by_test_id("official-workload").locator("tbody tr")).to_have_count(2)
    assert axe_violations(page) == []
    screenshot(page, f"supervision-workload-{language}-{viewport_name}")
