"""A session ends after SESSION_IDLE_TIMEOUT seconds without a request."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from tests.accounts.views.auth_helpers import sign_in
from tests.factories import UserFactory

HOME_URL = reverse("accounts:home")


def _session_row(client) -> Session:
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


@pytest.fixture
def signed_in_client(client):
    UserFactory(email="li.lei@example.cn")
    assert sign_in(client, "li.lei@example.cn").status_code == 302
    return client


@pytest.mark.django_db
def test_the_session_lives_for_the_idle_timeout(signed_in_client):
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_TIMEOUT
    assert settings.SESSION_SAVE_EVERY_REQUEST

    assert signed_in_client.session.get_expiry_age() == settings.SESSION_IDLE_TIMEOUT
    remaining = _session_row(signed_in_client).expire_date - timezone.now()
    assert abs(remaining.total_seconds() - settings.SESSION_IDLE_TIMEOUT) < 60


@pytest.mark.django_db
def test_each_request_renews_the_session(signed_in_client):
    row = _session_row(signed_in_client)
    row.expire_date = timezone.now() + datetime.timedelta(seconds=30)
    row.save(update_fields=["expire_date"])

    response = signed_in_client.get(HOME_URL)

    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME in response.cookies
    remaining = _session_row(signed_in_client).expire_date - timezone.now()
    assert remaining.total_seconds() > settings.SESSION_IDLE_TIMEOUT - 60


@pytest.mark.django_db
def test_an_idle_session_is_signed_out(signed_in_client):
    row = _session_row(signed_in_client)
    row.expire_date = timezone.now() - datetime.timedelta(seconds=1)
    row.save(update_fields=["expire_date"])

    response = signed_in_client.get(HOME_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_the_session_cookie_also_ends_when_the_browser_closes(signed_in_client):
    response = signed_in_client.get(HOME_URL)

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
    assert cookie["httponly"]
