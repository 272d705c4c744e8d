"""Fixtures for the upload tests."""

import pytest

from tests.approvals.uploads.fake_clamd import FakeClamd


@pytest.fixture
def clamd():
    server = FakeClamd()
    yield server
    server.close()
