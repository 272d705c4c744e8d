"""The pages come in Simplified Chinese (the default) or English."""

import re

import pytest
from django.conf import settings


def _html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


@pytest.mark.parametrize(("language", "html_lang"), [("en", "en"), ("zh-hans", "zh-CN")])
@pytest.mark.django_db
def test_the_switcher_sets_the_language_cookie_and_the_next_page_follows_it(
    client, language, html_lang
):
    response = client.post(
        "/i18n/setlang/", {"language": language, "next": "/accounts/login/"}, follow=True
    )

    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == language
    assert response.request["PATH_INFO"] == "/accounts/login/"
    assert _html_lang(response) == html_lang
    assert _html_lang(client.get("/")) == html_lang


@pytest.mark.django_db
def test_the_switcher_keeps_the_choice_against_the_browser_language(client):
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})

    assert _html_lang(client.get("/", HTTP_ACCEPT_LANGUAGE="en")) == "zh-CN"


@pytest.mark.parametrize(
    ("accept_language", "html_lang"),
    [("en", "en"), ("en-US,en;q=0.9", "en"), ("zh-CN", "zh-CN"), ("fr", "zh-CN")],
)
@pytest.mark.django_db
def test_without_a_cookie_the_browser_language_decides(client, accept_language, html_lang):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=accept_language)

    assert _html_lang(response) == html_lang


@pytest.mark.django_db
def test_every_page_offers_the_switcher(client):
    body = client.get("/accounts/signup/").content.decode()

    assert 'action="/i18n/setlang/"' in body
    assert '<option value="en" lang="en"' in body
