"""The themes' supervision page in the browser: no serious accessibility violation, usable on a
phone, in both languages."""

import pytest

from tests.browser_support import PHONE, axe_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_themes_page_is_accessible_on_a_phone(
    city,
    march_cases,
    signed_in_page,
    language,
):
    page = signed_in_page(city.supervisor, language, PHONE)

    page.goto("/supervision/themes/?start=2026-03-01&end=2026-03-31")

    assert page.locator("svg.chart-svg").count() == 1
    assert page.get_by_test_id("theme-statistics").count() == 1
    assert axe_violations(page) == []
    screenshot(page, f"supervision-themes-{language}-phone")


def test_the_themes_page_on_a_desktop(city, march_cases, signed_in_page):
    page = signed_in_page(city.supervisor, "en")

    page.goto("/supervision/themes/?start=2026-03-01&end=2026-03-31")

    assert "Open a restaurant" in page.content()
    assert axe_violations(page) == []
    screenshot(page, "supervision-themes-en-desktop")
