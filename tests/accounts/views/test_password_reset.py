"""Resetting a forgotten password through a link sent by email."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import AuditEvent
from tests.accounts.views.auth_helpers import page_without_csrf, sign_in
from tests.factories import UserFactory

RESET_URL = reverse("accounts:password_reset")
NEW_PASSWORD = "amber kettle 58 meadow"


def _link_in(message) -> str:
    match = re.search(r"https?://testserver(/accounts/password-reset/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def _html_lang(message) -> str:
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def _set_password(client, link, password):
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    set_url = form_page.request["PATH_INFO"]
    return client.post(set_url, {"new_password1": password, "new_password2": password})


@pytest.mark.parametrize(("language", "html_lang"), [("en", "en"), ("zh-hans", "zh-CN")])
@pytest.mark.django_db
def test_a_reset_request_sends_one_email_in_the_active_language(client, language, html_lang):
    UserFactory(email="li.lei@example.cn")
    client.cookies["portal_language"] = language

    response = client.post(RESET_URL, {"email": "LI.LEI@example.cn"})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["li.lei@example.cn"]
    assert _html_lang(message) == html_lang
    assert _link_in(message)


@pytest.mark.django_db
def test_an_unknown_email_gets_the_same_page_and_no_email(client):
    UserFactory(email="li.lei@example.cn")
    known = client.post(RESET_URL, {"email": "li.lei@example.cn"}, follow=True)
    mail.outbox.clear()

    unknown = client.post(RESET_URL, {"email": "nobody@example.cn"}, follow=True)

    assert unknown.redirect_chain == known.redirect_chain
    assert unknown.status_code == 200
    assert page_without_csrf(unknown) == page_without_csrf(known)
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_link_sets_a_new_password_and_the_old_one_stops_working(client, password):
    UserFactory(email="li.lei@example.cn")
    client.post(RESET_URL, {"email": "li.lei@example.cn"})
    link = _link_in(mail.outbox[0])

    response = _set_password(client, link, NEW_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_complete")
    assert sign_in(client, "li.lei@example.cn", password).status_code == 200
    assert sign_in(client, "li.lei@example.cn", NEW_PASSWORD).status_code == 302
    assert AuditEvent.objects.filter(action="account.password_reset").count() == 1


@pytest.mark.django_db
def test_the_new_password_must_pass_the_password_rules(client, password):
    UserFactory(email="li.lei@example.cn")
    client.post(RESET_URL, {"email": "li.lei@example.cn"})

    response = _set_password(client, _link_in(mail.outbox[0]), "password1234")

    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    assert 'href="#id_new_password2"' in response.content.decode()
    assert sign_in(client, "li.lei@example.cn", password).status_code == 302


@pytest.mark.django_db
def test_the_link_works_once(client):
    UserFactory(email="li.lei@example.cn")
    client.post(RESET_URL, {"email": "li.lei@example.cn"})
    link = _link_in(mail.outbox[0])
    _set_password(client, link, NEW_PASSWORD)

    again = client.get(link, follow=True)

    assert again.status_code == 200
    assert not again.context["validlink"]
    assert "new_password1" not in again.content.decode()


@pytest.mark.django_db
def test_a_reset_lifts_a_sign_in_pause(client):
    UserFactory(email="li.lei@example.cn")
    for _ in range(10):
        sign_in(client, "li.lei@example.cn", "not the password at all")
    assert sign_in(client, "li.lei@example.cn", NEW_PASSWORD).status_code == 429
    client.post(RESET_URL, {"email": "li.lei@example.cn"})

    _set_password(client, _link_in(mail.outbox[0]), NEW_PASSWORD)

    assert sign_in(client, "li.lei@example.cn", NEW_PASSWORD).status_code == 302


@pytest.mark.django_db
def test_reset_requests_are_rate_limited_per_client_address(client):
    from accounts.views.auth import PASSWORD_RESET_LIMIT

    UserFactory(email="li.lei@example.cn")
    for _ in range(PASSWORD_RESET_LIMIT.limit):
        assert client.post(RESET_URL, {"email": "li.lei@example.cn"}).status_code == 302
    sent = len(mail.outbox)

    response = client.post(RESET_URL, {"email": "li.lei@example.cn"})

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert 'value="li.lei@example.cn"' in response.content.decode()
    assert len(mail.outbox) == sent
    assert (
        client.post(RESET_URL, {"email": "x@example.cn"}, REMOTE_ADDR="10.1.1.1").status_code == 302
    )
