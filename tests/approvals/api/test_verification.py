"""Verification through the API tells a verifier what the public page tells (the same status
rule, the same audit event and rate limit)."""

import datetime as dt

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from approvals.models import Document, DocumentKind, Licence
from audit.models import AuditEvent
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate():
    cache.clear()  # the verification rate limit counts per address
    application = ApplicationFactory(submitted=True)
    item = application.service_version.item
    licence = Licence.objects.create(
        number="TEST-L-1",
        application=application,
        item=item,
        department=item.department,
        holder_kind="person",
        person=application.person,
        holder_name=application.person.real_name,
        valid_from=dt.date(2026, 1, 5),
        valid_to=dt.date(2031, 1, 4),
    )
    return Document.objects.create(
        application=application,
        kind=DocumentKind.LICENCE_CERTIFICATE,
        licence=licence,
        department=item.department,
        number="TEST-N-1",
        sha256="ab" * 32,
    )


def _verify(code: str):
    return APIClient().get(f"/api/v1/verify/{code}/", HTTP_ACCEPT_LANGUAGE="en")


def test_the_status_follows_the_licence_and_each_check_is_audited(certificate):
    # a valid certificate, with the fingerprint a copy can be compared with
    body = _verify(certificate.verification_code).json()
    assert (body["status"], body["status_label"]) == ("valid", "Valid")
    assert body["sha256"] == "ab" * 32
    # revoked once its licence is (撤销), expired once its licence has ended
    Licence.objects.filter(pk=certificate.licence_id).update(status="revoked")
    assert _verify(certificate.verification_code).json()["status"] == "revoked"
    Licence.objects.filter(pk=certificate.licence_id).update(
        status="valid", valid_to=dt.date(2026, 6, 1)
    )
    assert _verify(certificate.verification_code).json()["status"] == "expired"
    # an unknown code is a problem-details 404
    missing = _verify("ABCDEFGHJKMNPQRS")
    assert missing.status_code == 404
    assert missing["Content-Type"].startswith("application/problem+json")
    outcomes = list(
        AuditEvent.objects.filter(action="document.verified")
        .order_by("sequence")
        .values_list("changes__outcome", flat=True)
    )
    assert [outcome[1] for outcome in outcomes] == ["valid", "revoked", "expired", "unknown"]


def test_verification_shares_the_page_s_rate_limit(certificate):
    for _ in range(30):
        assert _verify(certificate.verification_code).status_code == 200
    refused = _verify(certificate.verification_code)
    assert refused.status_code == 429
    # the public page counts against the same budget
    page = APIClient().get(f"/verify/{certificate.verification_code}/")
    assert page.status_code == 429
