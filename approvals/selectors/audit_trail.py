"""Reads of the audit trail for supervisors: an application's whole timeline, and the last
verification of the chain."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import CharField, Q, Value

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


def _related_ids(application: Application) -> dict[str, list[str]]:
    """The ids of the objects that belong to ``application``, by their audit object type: one
    ``UNION ALL`` of an indexed read per kind (one statement, whatever the number of kinds)."""
    first, *others = [
        model.objects.filter(**{path: application})
        .order_by()
        .annotate(object_type=Value(model._meta.label_lower, output_field=CharField()))
        .values_list("object_type", "pk")
        for model, path in _RELATED
    ]
    ids: dict[str, list[str]] = {}
    for object_type, pk in first.union(*others, all=True):
        ids.setdefault(object_type, []).append(str(pk))
    return ids


def application_timeline(application: Application) -> list[TimelineEntry]:
    """Every event of the application and of the objects that belong to it (tasks, files,
    documents, pauses, cards, the rating …), oldest first: two statements whatever the number of
    objects and events (their ids, then the events on the ``audit_object`` index)."""
    query = Q(object_type="approvals.application", object_id=str(application.pk))
    for object_type, ids in _related_ids(application).items():
        query |= Q(object_type=object_type, object_id__in=ids)
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
