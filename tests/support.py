"""Small helpers the tests share (fixtures shared by every package are in tests/conftest.py)."""

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import QuerySet
from django.utils import timezone
from PIL import Image

from approvals.models import AuditEvent


def events(action: str, obj=None) -> QuerySet[AuditEvent]:
    """The audit events of ``action`` (about ``obj`` when given), oldest first."""
    queryset = AuditEvent.objects.filter(action=action)
    if obj is not None:
        queryset = queryset.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    return queryset.order_by("sequence")


def in_days(days: int) -> dt.date:
    """The date ``days`` calendar days from today in China."""
    return timezone.localdate() + dt.timedelta(days=days)


def png_upload(name: str = "plan.png") -> SimpleUploadedFile:
    """A small real PNG, as a browser would upload it."""
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
