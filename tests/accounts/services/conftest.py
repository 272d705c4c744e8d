import pytest
from django.utils import translation

from audit.models import AuditChainHead, AuditEvent


class AuditLog:
    """The audit events written since the last ``mark()``."""

    def __init__(self):
        self.mark()

    def mark(self) -> None:
        self._after = AuditChainHead.objects.get(pk=1).sequence

    def new(self) -> list[AuditEvent]:
        return list(AuditEvent.objects.filter(sequence__gt=self._after).order_by("sequence"))


@pytest.fixture
def audit_log(db) -> AuditLog:
    return AuditLog()


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in the source language; the portal's default is Chinese."""
    with translation.override("en"):
        yield
