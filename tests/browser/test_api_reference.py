"""The API reference page renders the OpenAPI schema with its static script, in each language,
at phone width, navigable by its contents links, with no serious accessibility violation."""

import re
from urllib.parse import urlsplit

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


def test_swagger_ui_tries_a_request_out_from_the_portals_own_files(open_page):
    page = open_page("en")
    blocked, outside = [], []

    def console(message):
        if "Content Security Policy" in message.text:
            blocked.append(message.text)

    def request(request):
        if urlsplit(request.url).hostname not in {"localhost", "127.0.0.1", None}:
            outside.append(request.url)

    page.on("console", console)
    page.on("request", request)

    page.goto("/api/swagger/")
    operation = page.locator(".opblock", has_text="/api/v1/services/").first
    expect(operation).to_be_visible(timeout=15000)
    operation.locator(".opblock-summary").click()
    page.get_by_role("button", name="Execute").first.click()

    expect(page.locator(".responses-wrapper .live-responses-table")).to_contain_text("200")
    assert blocked == []
    assert outside == []
    screenshot(page, "api-swagger-en")
