"""Fixtures for the sign-in, sign-up and two-factor page tests."""

import pytest
from django.urls import reverse

from tests.accounts.views.auth_helpers import confirmed_device, sign_in, totp_code
from tests.factories import OfficialFactory


@pytest.fixture
def official():
    """A user who holds an official position (so must use two-factor sign-in)."""
    return OfficialFactory().user


@pytest.fixture
def two_factor_client(client):
    """Signs a user in with password and authenticator code; returns the client."""

    def sign_in_fully(user):
        device = confirmed_device(user)
        response = sign_in(client, user.email)
        assert response.status_code == 302
        response = client.post(reverse("accounts:otp_verify"), {"token": totp_code(device)})
        assert response.status_code == 302
        return client

    return sign_in_fully
