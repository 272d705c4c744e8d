"""Supervision tests: a signing key per test, and helpers to read the audit trail."""

import pytest

from approvals.models import AuditEvent


@pytest.fixture(autouse=True)
def _signing_key(settings, tmp_path):
    settings.AUDIT_SIGNING_KEY_PATH = tmp_path / "audit-signing-key.pem"


def events(action, obj=None):
    queryset = AuditEvent.objects.filter(action=action)
    if obj is not None:
        queryset = queryset.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    return queryset
