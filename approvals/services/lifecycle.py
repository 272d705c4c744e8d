"""The one place that changes ``Application.status``.

Every service that moves an application along its lifecycle (submission, intake, review, the
deadline sweep, withdrawal) calls ``application_transition``. It locks the row, asks the declared
transition table (``approvals.domain.lifecycle.next_status``) whether the action is allowed from
the stored status, saves the new status and revision (with any fields the caller changes in the
same step), and writes one audit event with the status before and after.

Permission checks are the caller's: this function only guards the lifecycle itself.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from approvals.domain.lifecycle import ENDED_STATUSES, Status, TransitionNotAllowed, next_status
from approvals.models import Application
from approvals.services.act_event import ActEvent
from approvals.services.deadlines import DEADLINE_INPUTS, deadlines_compute
from approvals.services.ending import application_end_work, ended_changes
from approvals.services.webhooks import outbox_record
from audit.chain import audit_record
from portal.queueing import enqueue_on_commit

# 一件事: a member of a case reaching one of these may start or stop the members waiting for it.
THEME_PROGRESS_AFTER = frozenset(
    {
        Status.APPROVED,
        Status.LICENCE_ISSUED,
        Status.CLOSED,
        Status.DENIED,
        Status.NOT_ACCEPTED,
        Status.WITHDRAWN,
    }
)
THEME_PROGRESS_TASK = "approvals.tasks.theme_case_progress_task"

__all__ = [
    "StaleApplication",
    "TransitionNotAllowed",
    "application_move",
    "application_transition",
    "on_behalf_of",
    "transition_changes",
]


class StaleApplication(Exception):
    """The form was filled in against an older revision: another window or device saved first.
    ``application`` is the stored, newer version to show instead."""

    def __init__(self, application: Application):
        super().__init__(f"application {application.pk} is at revision {application.revision}")
        self.application = application


def on_behalf_of(application: Application) -> str:
    """Whom an act on ``application`` is done for, as the audit trail names them."""
    if application.business_id is not None:
        return f"business:{application.business_id}"
    if application.person_id is not None and application.person.user_id != (
        application.created_by_id
    ):
        return f"person:{application.person_id}"
    return ""


@transaction.atomic
def application_transition(
    *,
    actor,
    application: Application,
    action: str,
    reason: str = "",
    changes: dict | None = None,
    revision: int | None = None,
    fields: dict | None = None,
    event: str | None = None,
    row_locked: bool = False,
    act: ActEvent | None = None,
) -> Application:
    """Move ``application`` by ``action`` and return the locked, updated row.

    - ``actor``: the user acting, or ``None`` for the system (the sweep).
    - ``reason``, ``changes``: recorded in the audit event beside the status change.
    - ``revision``: the revision the caller's form was rendered with; if the application changed
      since, ``StaleApplication`` is raised and nothing is written.
    - ``fields``: other columns to set in the same save (e.g. ``accepted_on``); setting what the
      due dates count from (``received_on``, ``accepted_on``) recomputes them in the same save.
    - ``event``: the audit action name, ``application.<action>`` unless given (submission and
      withdrawal keep their historical names).
    - ``row_locked``: ``application`` is the row the caller's transaction has just read with
      ``select_for_update`` (and the service, its item and department with it): used as it is
      rather than read and locked again.
    - ``act``: the transition is a step of a larger act, whose one event (``ActEvent``) gets
      the status change and ``changes`` instead of an event of the transition's own.

    Raises ``TransitionNotAllowed`` when the table does not allow ``action`` from the stored
    status (views answer 409).
    """
    locked = (
        application
        if row_locked
        else Application.objects.select_for_update(of=("self",))
        .select_related("service_version__item__department")
        .get(pk=application.pk)
    )
    if revision is not None and locked.revision != revision:
        raise StaleApplication(locked)
    before, after, update_fields = application_move(locked, action, fields)
    locked.save(update_fields=update_fields)
    # The webhook outbox row, in this transaction (approvals/services/webhooks.py).
    outbox_record(application=locked, before=str(before), after=str(after))
    # Every end of an application ends its open work, in this transaction; the act's one event
    # says what it ended.
    ended = (
        application_end_work(
            actor=actor,
            application=locked,
            reason=reason or str(after),
            recorded_by_caller=True,
        )
        if after in ENDED_STATUSES
        else {}
    )
    recorded = {**transition_changes(locked, before, after, changes), **ended_changes(ended)}
    behalf = on_behalf_of(locked) if actor is not None else ""
    if act is not None:
        act.add(recorded, reason=reason, on_behalf_of=behalf)
        return locked
    audit_record(
        action=event or f"application.{action}",
        actor=actor,
        obj=locked,
        on_behalf_of=behalf,
        reason=reason,
        changes=recorded,
    )
    return locked


def application_move(
    locked: Application, action: str, fields: dict | None = None, *, clock=None
) -> tuple[Status, Status, list[str]]:
    """The heart of a transition, on the locked row in memory (the caller saves it, one row or
    a batch): the table's new status, the revision, ``fields`` and the due dates they move
    (``clock``: the application's pauses and extension days, when the caller read them for a
    batch), the mark of a one-thing case's progress. Returns (before, after, the fields to
    save). Raises ``TransitionNotAllowed``."""
    before = locked.status
    after = next_status(before, action)
    update_fields = ["status", "revision", "updated_at"]
    for name, value in (fields or {}).items():
        setattr(locked, name, value)
        update_fields.append(name)
    if DEADLINE_INPUTS.intersection(fields or {}):
        # The due dates count from receipt and acceptance: set with them, in the same save.
        update_fields += deadlines_compute(
            locked, clock_history=before != Status.DRAFT, clock=clock
        )
    locked.status = after
    locked.revision += 1
    locked.updated_at = timezone.now()
    if locked.theme_case_id is not None and after in THEME_PROGRESS_AFTER:
        # Marked in this transaction, cleared by the progress: the sweep catches a lost task.
        locked.theme_progress_pending = True
        update_fields.append("theme_progress_pending")
        # The one hook of the decision path into a one-thing case (services/theme_progress.py),
        # after commit: the decision, its licence and its documents are all stored by then.
        enqueue_on_commit(THEME_PROGRESS_TASK, locked.theme_case_id)
    return before, after, update_fields


def transition_changes(locked: Application, before, after, changes: dict | None = None) -> dict:
    """What a transition's event records: the status and revision moved, and ``changes``."""
    return {
        "status": [str(before), str(after)],
        "revision": [locked.revision - 1, locked.revision],
        **(changes or {}),
    }
