"""Acceptance (受理), the one path for its three ways in: the window accepts, the window accepts
against a pledge for a minor missing material (容缺受理), or the sweep deems the application
accepted when the window let its 5 working days pass (Art. 32).

``application_accept`` does the whole cascade — the status change with its one audit event, the
due dates, the written notice of acceptance, the applicant's commitment (告知承诺) when they chose
it, the first review stage, the notices — and the three callers differ only in what they pass.
Permission checks and locking are the callers'.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from approvals.models import Application, DocumentKind
from approvals.services.commitments import commitment_record
from approvals.services.documents import document_issue
from approvals.services.lifecycle import application_transition
from approvals.services.notices import NoticeText
from approvals.services.notifications import notify_many, tell_applicant
from approvals.services.workflow import workflow_start


@dataclass(frozen=True)
class Acceptance:
    """How an application is accepted: the lifecycle action and the act's audit event, the day the
    decision period starts, and what the act adds to the event, the notice and the row."""

    action: str
    event: str
    accepted_on: dt.date
    reason: str = ""
    fields: dict = field(default_factory=dict)
    changes: dict = field(default_factory=dict)
    notice_extra: dict | None = None


def application_accept(
    *,
    actor,
    application: Application,
    acceptance: Acceptance,
    applicant_notice: NoticeText | None,
    others: Iterable = (),
    others_notice: NoticeText | None = None,
) -> Application:
    """Accept ``application`` (locked by the caller) and start its review; returns it refreshed.

    ``actor`` is the clerk, or ``None`` for the sweep. ``applicant_notice`` goes to the applicant
    (``None``: the caller tells them once for several, as a one-thing case's acceptance does);
    ``others_notice`` to ``others`` (the window's clerks, when the sweep deems it accepted).
    """
    locked = application_transition(
        actor=actor,
        application=application,
        action=acceptance.action,
        event=acceptance.event,
        reason=acceptance.reason,
        fields={"accepted_on": acceptance.accepted_on, **acceptance.fields},
        changes={"accepted_on": [None, acceptance.accepted_on], **acceptance.changes},
    )
    document_issue(
        application=locked,
        kind=DocumentKind.ACCEPTANCE_NOTICE,
        actor=actor,
        extra=acceptance.notice_extra,
    )
    commitment_record(actor=actor, application=locked)
    workflow_start(actor=actor, application=locked)
    locked.refresh_from_db()
    if applicant_notice is not None:
        tell_applicant(locked, **applicant_notice.fields())
    if others_notice is not None:
        notify_many(users=others, application=locked, **others_notice.fields())
    return locked
