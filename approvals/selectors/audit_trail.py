"""Reads of the audit trail for supervisors: an application's whole timeline, and the last
verification of the chain."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from approvals.models import (
    Application,
    Attachment,
    ClockPause,
    DeadlineExtension,
    Document,
    Licence,
    Pledge,
    RectificationTask,
    ReviewTask,
    ServiceRating,
    SupervisionCard,
    SupplementRequest,
)
from approvals.selectors.audit_labels import action_label, actor_display
from audit.models import AuditEvent

# The objects whose events belong to an application's timeline.
_RELATED = (
    (ReviewTask, "application"),
    (Attachment, "application"),
    (Document, "application"),
    (Licence, "application"),
    (Pledge, "application"),
    (SupplementRequest, "application"),
    (ClockPause, "application"),
    (DeadlineExtension, "application"),
    (SupervisionCard, "application"),
    (ServiceRating, "application"),
    (RectificationTask, "rating__application"),
)


@dataclass(frozen=True)
class Difference:
    field: str
    before: object
    after: object


@dataclass(frozen=True)
class TimelineEntry:
    event: AuditEvent
    label: str
    actor: str
    differences: list[Difference]


def differences(changes: dict) -> list[Difference]:
    """``{field: [before, after]}`` as rows; a value that is not a pair shows as the after."""
    rows = []
    for field, value in sorted((changes or {}).items()):
        if isinstance(value, list) and len(value) == 2:
            rows.append(Difference(field, value[0], value[1]))
        else:
            rows.append(Difference(field, None, value))
    return rows


def application_timeline(application: Application) -> list[TimelineEntry]:
    """Every event of the application and of the objects that belong to it (tasks, files,
    documents, pauses, cards, the rating …), oldest first. One indexed query per kind of object
    (``audit_object`` index), whatever the number of events."""
    query = Q(object_type="approvals.application", object_id=str(application.pk))
    for model, path in _RELATED:
        ids = [
            str(pk)
            for pk in model.objects.filter(**{path: application}).values_list("pk", flat=True)
        ]
        if ids:
            query |= Q(object_type=model._meta.label_lower, object_id__in=ids)
    if application.person_id is not None:
        query |= Q(
            object_type="accounts.personprofile",
            object_id=str(application.person_id),
            action="person.id_number_revealed",
        )
    rows = []
    for event in AuditEvent.objects.filter(query).select_related("actor").order_by("sequence"):
        if event.action == "person.id_number_revealed":
            revealed_for = (event.changes.get("application") or [None, None])[1]
            if revealed_for != application.pk:
                continue
        rows.append(
            TimelineEntry(
                event=event,
                label=action_label(event.action),
                actor=actor_display(event),
                differences=differences(event.changes),
            )
        )
    return rows


def last_verification() -> AuditEvent | None:
    """The latest ``audit.verified`` event (the ``audit_action`` index)."""
    return AuditEvent.objects.filter(action="audit.verified").order_by("-sequence").first()
