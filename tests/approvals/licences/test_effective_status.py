"""Expiry is not stored: the effective status says it."""

import datetime as dt

import pytest
from django.utils import translation

from approvals.models import LicenceStatus
from tests.factories import LicenceFactory


@pytest.mark.parametrize(
    ("status", "valid_to", "expected"),
    [
        (LicenceStatus.VALID, dt.date(2026, 6, 15), "valid"),  # the last day still counts
        (LicenceStatus.VALID, dt.date(2026, 6, 14), "expired"),
        (LicenceStatus.VALID, None, "valid"),
        (LicenceStatus.REVOKED, dt.date(2030, 1, 1), "revoked"),
        (LicenceStatus.CANCELLED, dt.date(2020, 1, 1), "cancelled"),
        (LicenceStatus.SUPERSEDED, dt.date(2030, 1, 1), "superseded"),
    ],
)
def test_effective_status(db, status, valid_to, expected):
    licence = LicenceFactory(status=status, valid_to=valid_to)
    assert licence.effective_status() == expected
    assert licence.in_force() == (expected == "valid")


def test_the_label_is_in_both_languages(db):
    licence = LicenceFactory(valid_to=dt.date(2026, 1, 1))
    with translation.override("en"):
        assert licence.effective_status_label == "Expired"
    with translation.override("zh-hans"):
        assert licence.effective_status_label == "已过期"
