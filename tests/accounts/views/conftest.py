"""Fixtures for the sign-in, sign-up and two-factor page tests."""

import pytest
from django.test import Client

from tests.factories import OfficialFactory


@pytest.fixture
def official():
    """A user who holds an official position (so must use two-factor sign-in)."""
    return OfficialFactory().user


@pytest.fixture
def client():
    """These tests check the English wording; the portal's default language is Chinese."""
    return Client(headers={"accept-language": "en"})
