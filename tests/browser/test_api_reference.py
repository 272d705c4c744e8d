"""The API reference page renders the OpenAPI schema with its static script, in each language,
at phone width, navigable by its contents links, with no serious accessibility violation."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser_support import PHONE, axe_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_api_reference_lists_every_operation(open_page, language):
    page = open_page(language, viewport=PHONE)

    page.goto("/api/docs/")

    operations = page.locator("#api-reference .api-operation")
    expect(operations.first).to_be_visible()
    assert operations.count() >= 40
    expect(page.locator("#api-reference")).to_contain_text("/api/v1/applications/{id}/submit/")
    page.locator("#api-reference nav a", has_text="agency").click()
    expect(page).to_have_url(re.compile(r"#tag-agency$"))
    assert axe_violations(page) == []
    screenshot(page, f"api-reference-{language}-phone")
