"""Acceptance (受理), the one path for its three ways in: the window accepts, the window accepts
against a pledge for a minor missing material (容缺受理), or the sweep deems the application
accepted when the window let its 5 working days pass (Art. 32).

``application_accept`` does the whole cascade — the status change, the due dates, the written
notice of acceptance, the applicant's commitment (告知承诺) when they chose it, the first review
stage, the notices — and the three callers differ only in what they pass. One act, one event:
the acceptance's event (``Acceptance.event``) carries the status change (submitted → under
review), the commitment and the review's first stage and tasks.
Permission checks and locking are the callers'.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

from approvals.models import Application, DocumentKind
from approvals.services.act_event import ActEvent
from approvals.services.commitments import commitment_record
from approvals.services.deadlines import clock_histories
from approvals.services.documents import documents_issue
from approvals.services.lifecycle import application_move, on_behalf_of, transition_changes
from approvals.services.notices import NoticeText
from approvals.services.notifications import applicant_notice_group, notify_groups
from approvals.services.webhooks import outbox_event, outbox_record_many
from approvals.services.workflow import workflows_start


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
    The acceptance of one is a batch of one (``applications_accept``).
    """
    accepting = Accepting(
        application=application,
        acceptance=acceptance,
        applicant_notice=applicant_notice,
        others=tuple(others),
        others_notice=others_notice,
    )
    return applications_accept(actor=actor, accepting=[accepting])[0]


@dataclass(frozen=True)
class Accepting:
    """One application of a batch of acceptances, with what ``application_accept`` takes for
    it."""

    application: Application
    acceptance: Acceptance
    applicant_notice: NoticeText | None = None
    others: tuple = ()
    others_notice: NoticeText | None = None


@transaction.atomic
def applications_accept(*, actor, accepting: list[Accepting]) -> list[Application]:
    """The acceptance cascade for every application of ``accepting`` at once (the sweep's
    deemed acceptances after an outage; one at the window): the same outcome for each as
    alone, in a number of statements that does not grow with the batch — one locking read, one
    read of the clocks, one save of the rows per step, one insert each of outbox rows, notices
    of acceptance, review tasks and notifications. Per application only what differs: the
    applicant's commitment (告知承诺) when they chose it, and a workflow with no stage beyond the
    window (decided at once). Returns the applications, accepted and under review."""
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related(
            "service_version__item__department", "person__user", "business", "created_by"
        )
        .in_bulk([item.application.pk for item in accepting])
    )
    clocks = clock_histories(list(locked))
    rows, acts, outbox, update_fields = [], [], [], {}
    for item in accepting:
        application, acceptance = locked[item.application.pk], item.acceptance
        before, after, fields = application_move(
            application,
            acceptance.action,
            {"accepted_on": acceptance.accepted_on, **acceptance.fields},
            clock=clocks[application.pk],
        )
        update_fields.update(dict.fromkeys(fields))
        outbox.append(outbox_event(application=application, before=str(before), after=str(after)))
        act = ActEvent(action=acceptance.event, obj=application, actor=actor)
        act.add(
            transition_changes(
                application,
                before,
                after,
                changes={"accepted_on": [None, acceptance.accepted_on], **acceptance.changes},
            ),
            reason=acceptance.reason,
            on_behalf_of=on_behalf_of(application) if actor is not None else "",
        )
        rows.append(application)
        acts.append(act)
    Application.objects.bulk_update(rows, list(update_fields), batch_size=500)
    outbox_record_many(outbox)
    notices = documents_issue(
        applications=rows,
        kind=DocumentKind.ACCEPTANCE_NOTICE,
        actor=actor,
        extras={
            item.application.pk: item.acceptance.notice_extra
            for item in accepting
            if item.acceptance.notice_extra
        },
        row_locked=True,
    )
    for application, act, notice in zip(rows, acts, notices, strict=True):
        # Each application's events in the order of its act: its notice issued, its pledge
        # letter (when chosen), the acceptance, the tasks it created.
        if notice.issued_now:
            notice.record()
        commitment_record(actor=actor, application=application, act=act)
    workflows_start(actor=actor, starts=list(zip(rows, acts, strict=True)))
    for act in acts:
        act.record()
    notify_groups(
        [
            applicant_notice_group(application, item.applicant_notice.fields())
            for application, item in zip(rows, accepting, strict=True)
            if item.applicant_notice is not None
        ]
        + [
            (item.others, application, item.others_notice.fields())
            for application, item in zip(rows, accepting, strict=True)
            if item.others_notice is not None
        ]
    )
    return rows
