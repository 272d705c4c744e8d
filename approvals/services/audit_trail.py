"""What supervisors do with the audit trail in the admin: verify the chain now, and export a
filtered view. Both are audited (who checked, who took a copy of what)."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from approvals.selectors import policy
from audit.chain import audit_record
from audit.checkpoints import Verification, verify_audit_trail
from audit.models import AuditEvent, AuditOutcome
from portal.queueing import task_named

VERIFIED = "audit.verified"


def audit_chain_verify(*, actor: User) -> Verification:
    """Walk the chain and the latest signed checkpoint; the result is recorded as
    ``audit.verified`` (outcome failed, with the problem, when the chain is broken)."""
    policy.require_audit_reader(actor)
    # The walk reads only; the event is appended afterwards, in its own short transaction.
    result = verify_audit_trail()
    with transaction.atomic():
        audit_record(
            action=VERIFIED,
            actor=actor,
            outcome=AuditOutcome.DONE if result.intact else AuditOutcome.FAILED,
            changes={
                "events": [None, result.events],
                "head_hash": [None, result.head_hash],
                "checkpoint": [
                    None,
                    result.checkpoints[0].sequence if result.checkpoints else None,
                ],
            },
            reason="" if result.intact else str(result.problem),
        )
    return result


def audit_chain_verify_request(*, actor: User) -> None:
    """ "Verify now" from the admin: the walk runs in a worker (on millions of events it takes
    longer than a web request may), and its ``audit.verified`` event is what the index shows."""
    policy.require_audit_reader(actor)
    task_named("approvals.tasks.audit_chain_verify_task").delay_on_commit(actor.pk)


@transaction.atomic
def audit_events_export(*, actor: User, filters: dict[str, str]) -> None:
    """Record that ``actor`` exported the audit events matching ``filters`` (the admin's query
    string); the caller streams the rows after this commits."""
    policy.require_audit_reader(actor)
    audit_record(
        action="audit.exported",
        actor=actor,
        object_type=AuditEvent._meta.label_lower,
        changes={"filters": [None, dict(sorted(filters.items()))]},
    )


@transaction.atomic
def statistics_export(*, actor: User, period) -> None:
    """Record that ``actor`` exported the supervision statistics of ``period``."""
    policy.require_supervisor(actor)
    audit_record(
        action="supervision.exported",
        actor=actor,
        changes={"period": [None, [period.start, period.end]]},
    )


def theme_statistics_export(*, actor: User, period) -> None:
    """Record that ``actor`` exported the 一件事 statistics of ``period``."""
    policy.require_supervisor(actor)
    audit_record(
        action="supervision.themes_exported",
        actor=actor,
        changes={"period": [None, [period.start, period.end]]},
    )
