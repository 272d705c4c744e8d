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


def application_events(application: Application):
    """Every event of the application and of the objects that belong to it (tasks, files,
    documents, pauses, cards, the rating …), oldest first, as a query on the ``audit_object``
    index (one statement for the ids of its objects, when evaluated; a page of it is one more)."""
    query = Q(object_type="approvals.application", object_id=str(application.pk))
    for object_type, ids in _related_ids(application).items():
        query |= Q(object_type=object_type, object_id__in=ids)
    if application.person_id is not None:
        # The applicant's full ID number shown for this application (the person's own record
        # holds the reveals for every application of theirs).
        query |= Q(
            object_type="accounts.personprofile",
            object_id=str(application.person_id),
            action="person.id_number_revealed",
            changes__application__1=application.pk,
        )
    return AuditEvent.objects.filter(query).select_related("actor").order_by("sequence")


def timeline_entries(events) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            event=event,
            label=action_label(event.action),
            actor=actor_display(event),
            differences=differences(event.changes),
        )
        for event in events
    ]


def last_verification() -> AuditEvent | None:
    """The latest ``audit.verified`` event (the ``audit_action`` index)."""
    return AuditEvent.objects.filter(action="audit.verified").order_by("-sequence").first()
