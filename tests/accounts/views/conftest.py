"""Fixtures for the sign-in, sign-up and two-factor page tests."""

import pytest

from tests.factories import OfficialFactory


@pytest.fixture
def official():
    """A user who holds an official position (so must use two-factor sign-in)."""
    return OfficialFactory().user
