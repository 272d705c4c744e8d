"""Signing in with the email address or the mobile number, and signing out."""

import pytest
from django.urls import reverse

from tests.accounts.views.auth_helpers import sign_in
from tests.factories import UserFactory

GENERIC_ERROR = "The email address or mobile number, or the password, is incorrect."


def _signed_in_user(client):
    return client.get(reverse("accounts:home")).context["user"]


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("li.lei@example.cn", id="email"),
        pytest.param("LI.Lei@Example.CN", id="upper-case-email"),
        pytest.param("13800138000", id="mobile"),
        pytest.param("+86 13800138000", id="mobile-with-country-code"),
        pytest.param(" 138 0013 8000 ", id="mobile-with-spaces"),
    ],
)
@pytest.mark.django_db
def test_citizen_signs_in_with_email_or_mobile(client, typed):
    user = UserFactory(email="li.lei@example.cn", mobile="13800138000")

    response = sign_in(client, typed)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:home")
    assert _signed_in_user(client) == user


@pytest.mark.django_db
def test_wrong_password_shows_the_generic_message(client):
    UserFactory(email="li.lei@example.cn")

    response = sign_in(client, "li.lei@example.cn", "not the password at all")

    assert response.status_code == 200
    assert GENERIC_ERROR in response.content.decode()
    assert 'value="li.lei@example.cn"' in response.content.decode()
    assert not response.context["user"].is_authenticated


@pytest.mark.django_db
def test_unknown_identifier_shows_the_same_generic_message(client):
    response = sign_in(client, "nobody@example.cn", "not the password at all")

    assert response.status_code == 200
    assert GENERIC_ERROR in response.content.decode()


@pytest.mark.django_db
def test_inactive_user_cannot_sign_in(client):
    UserFactory(email="li.lei@example.cn", is_active=False)

    response = sign_in(client, "li.lei@example.cn")

    assert response.status_code == 200
    assert GENERIC_ERROR in response.content.decode()
    assert client.get(reverse("accounts:home")).status_code == 302


@pytest.mark.django_db
def test_sign_in_follows_a_same_site_next_link(client):
    UserFactory(email="li.lei@example.cn")

    response = sign_in(client, "li.lei@example.cn", next_url="/accounts/?tab=profile")

    assert response["Location"] == "/accounts/?tab=profile"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "http://testserver.evil.example/"]
)
@pytest.mark.django_db
def test_sign_in_ignores_a_next_link_to_another_site(client, target):
    UserFactory(email="li.lei@example.cn")

    response = sign_in(client, "li.lei@example.cn", next_url=target)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:home")


@pytest.mark.django_db
def test_signed_in_user_opening_sign_in_goes_to_account_home(client):
    client.force_login(UserFactory())

    response = client.get(reverse("accounts:login"))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:home")


@pytest.mark.django_db
def test_signed_in_user_opening_sign_in_with_a_next_link_goes_there(client):
    client.force_login(UserFactory())

    response = client.get(reverse("accounts:login"), {"next": "/accounts/?tab=profile"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/?tab=profile"


@pytest.mark.django_db
def test_sign_out_is_a_post_and_ends_the_session(client):
    client.force_login(UserFactory())

    refused = client.get(reverse("accounts:logout"))
    assert refused.status_code == 405
    assert client.get(reverse("accounts:home")).status_code == 200

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("accounts:home")).status_code == 302


@pytest.mark.django_db
def test_every_page_offers_sign_out_as_a_form(client):
    client.force_login(UserFactory())

    body = client.get(reverse("accounts:home")).content.decode()

    assert f'<form method="post" action="{reverse("accounts:logout")}"' in body


@pytest.mark.parametrize(("language", "prefix"), [("en", "Error: "), ("zh-hans", "错误：")])
@pytest.mark.django_db
def test_a_page_with_errors_says_so_in_its_title_and_focuses_the_summary(client, language, prefix):
    import re

    UserFactory(email="li.lei@example.cn")

    failed = client.post(
        reverse("accounts:login"),
        {"username": "li.lei@example.cn", "password": "wrong"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    fresh = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE=language)

    title = re.search(r"<title>(.*?)</title>", failed.content.decode(), re.S).group(1)
    assert title.startswith(prefix), title
    summary = re.search(r'<div class="error-summary"[^>]*>', failed.content.decode()).group(0)
    assert "autofocus" in summary and 'tabindex="-1"' in summary
    fresh_title = re.search(r"<title>(.*?)</title>", fresh.content.decode(), re.S).group(1)
    assert not fresh_title.startswith(prefix)


@pytest.mark.django_db
def test_the_title_says_error_whatever_the_view_calls_its_forms(client):
    """The window's page keeps several forms in a dict (``forms``): one with errors counts."""
    from django.forms import Form, IntegerField
    from django.template.loader import render_to_string

    class Revision(Form):
        revision = IntegerField()

    html = render_to_string(
        "base.html", {"forms": {"accept": Revision(), "refuse": Revision(data={})}}
    )

    assert "<title>Error:" in html or "<title>错误：" in html
