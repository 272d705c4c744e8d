"""What officials do with review tasks: claim, release, assign, decide, return, pause the clock,
ask for more time.

Each service takes the ``revision`` the official's form was built from, locks the task
(``select_for_update``) and raises ``StaleTask`` when it changed meanwhile, so that two officials
deciding one task at the same moment give one outcome; permissions come from
``approvals.selectors.policy``; every change is audited (``task.*``).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import OfficialPosition, User
from approvals.domain.china_time import china_today
from approvals.domain.working_days import CalendarNotCovered
from approvals.models import ReviewTask, SupplementRequest
from approvals.models.pauses import PauseKind
from approvals.models.review import TaskStatus
from approvals.models.working_calendar import working_calendar
from approvals.selectors import policy
from approvals.services.act_event import ActEvent
from approvals.services.deadlines import (
    clock_pause_end,
    clock_pause_start,
    extension_request,
    pause_changes,
)
from approvals.services.documents import supplement_notice_issue
from approvals.services.lifecycle import application_transition
from approvals.services.notices import notice_supplement_requested, notice_task_assigned
from approvals.services.notifications import notify, tell_applicant
from approvals.services.supplement_items import (
    supplement_item_changes,
    supplement_item_lines,
    supplement_items_clean,
)
from approvals.services.workflow import (
    SelfApprovalError,
    is_window_stage,
    workflow_advance,
    workflow_definition,
)
from audit.chain import audit_record

REVIEW_PAUSE_KINDS = (
    PauseKind.EXPERT_REVIEW,
    PauseKind.INSPECTION,
    PauseKind.TESTING,
    PauseKind.HEARING,
)
SUPPLEMENT_REPLY_WORKING_DAYS = 10


class StaleTask(Exception):
    """The task changed since the form was shown; ``task`` is its fresh state."""

    def __init__(self, task: ReviewTask):
        super().__init__(f"task {task.pk} changed (revision {task.revision})")
        self.task = task


def _lock(task: ReviewTask, revision: int | None) -> ReviewTask:
    locked = (
        ReviewTask.objects.select_for_update()
        .select_related("application", "department")
        .get(pk=task.pk)
    )
    if revision is not None and int(revision) != locked.revision:
        raise StaleTask(locked)
    return locked


def _require_open(task: ReviewTask) -> None:
    if task.status != TaskStatus.OPEN:
        raise ValidationError(_("This task is closed."))


def _bump(task: ReviewTask, *fields: str) -> None:
    task.revision += 1
    task.save(update_fields=[*fields, "revision"])


def _finish(task: ReviewTask, status: str, *fields: str) -> None:
    task.status = status
    task.completed_at = timezone.now()
    _bump(task, "status", "completed_at", *fields)


def _refresh(task: ReviewTask, locked: ReviewTask) -> ReviewTask:
    task.refresh_from_db()
    return locked


# --- Claiming and assignment --------------------------------------------------------------------


@transaction.atomic
def task_claim(*, actor: User, task: ReviewTask, revision: int) -> ReviewTask:
    """Take an unclaimed task of one's department and role."""
    policy.require_task_action(actor, task, "claim")
    locked = _lock(task, revision)
    _require_open(locked)
    if locked.assignee_id not in (None, actor.pk):
        raise ValidationError(_("Someone else has already claimed this task."))
    locked.assignee = actor
    _bump(locked, "assignee")
    audit_record(
        action="task.claimed", actor=actor, obj=locked, changes={"assignee": [None, actor.pk]}
    )
    return _refresh(task, locked)


@transaction.atomic
def task_release(*, actor: User, task: ReviewTask, revision: int) -> ReviewTask:
    """Give a claimed task back to the department's queue (the assignee or the head)."""
    policy.require_task_action(actor, task, "release")
    locked = _lock(task, revision)
    _require_open(locked)
    before = locked.assignee_id
    locked.assignee = None
    _bump(locked, "assignee")
    audit_record(
        action="task.released", actor=actor, obj=locked, changes={"assignee": [before, None]}
    )
    return _refresh(task, locked)


@transaction.atomic
def task_assign(*, actor: User, task: ReviewTask, assignee: User, revision: int) -> ReviewTask:
    """The department head gives the task to a member holding the task's role."""
    policy.require_task_action(actor, task, "assign")
    locked = _lock(task, revision)
    _require_open(locked)
    if not OfficialPosition.objects.filter(
        user=assignee,
        is_active=True,
        department_id=locked.department_id,
        role=locked.role,
        user__is_active=True,
    ).exists():
        raise ValidationError(
            {"assignee": [_("Choose a member of the department who holds the task's role.")]}
        )
    before = locked.assignee_id
    locked.assignee = assignee
    _bump(locked, "assignee")
    audit_record(
        action="task.assigned",
        actor=actor,
        obj=locked,
        changes={"assignee": [before, assignee.pk]},
    )
    notify(user=assignee, application=locked.application, **notice_task_assigned(locked).fields())
    return _refresh(task, locked)


@transaction.atomic
def task_bulk_claim(*, actor: User, task_ids) -> list[ReviewTask]:
    """Claim every unclaimed open task among ``task_ids`` that the actor may claim; the others
    are left alone. Returns the tasks claimed."""
    tasks = list(
        ReviewTask.objects.select_for_update()
        .filter(pk__in=list(task_ids), status=TaskStatus.OPEN, assignee__isnull=True)
        .order_by("pk")
    )
    pairs = set(policy.active_positions(actor).values_list("department_id", "role"))
    claimed = []
    for task in tasks:
        if (task.department_id, task.role) not in pairs:
            continue
        task.assignee = actor
        _bump(task, "assignee")
        audit_record(
            action="task.claimed",
            actor=actor,
            obj=task,
            # Marked in the changes, not as an English reason that a Chinese history would show.
            changes={"assignee": [None, actor.pk], "bulk": [None, True]},
        )
        claimed.append(task)
    return claimed


# --- Decisions ----------------------------------------------------------------------------------


def _stage(task: ReviewTask):
    return workflow_definition(task.application).stage(task.stage_key)


@transaction.atomic
def task_approve(*, actor: User, task: ReviewTask, revision: int, comment: str = "") -> ReviewTask:
    """Approve (on a task confirming a proposed denial: confirm the denial). On a second-approval
    stage the first approval is a draft (``drafted_by``) that waits for a second person with the
    role; the drafter may not give it."""
    policy.require_task_action(actor, task, "approve")
    locked = _lock(task, revision)
    _require_open(locked)
    act = _decide_task(actor, locked, TaskStatus.APPROVED, (comment or "").strip())
    workflow_advance(actor=actor, application=locked.application, act=act)
    act.record()  # done by the engine's step already; here for every way out of it
    return _refresh(task, locked)


@transaction.atomic
def task_reject(*, actor: User, task: ReviewTask, revision: int, reasons: str) -> ReviewTask:
    """Reject with reasons (on a task confirming a proposed denial: overrule it). Before the last
    stage a rejection is a proposed denial that the later stages confirm as they would an
    approval (approvals.domain.workflow); on a second-approval stage it is drafted and needs a
    second person, as an approval does."""
    policy.require_task_action(actor, task, "reject")
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": [_("Give the reasons; the applicant is told them.")]})
    locked = _lock(task, revision)
    _require_open(locked)
    act = _decide_task(actor, locked, TaskStatus.REJECTED, reasons)
    workflow_advance(actor=actor, application=locked.application, act=act)
    act.record()  # done by the engine's step already; here for every way out of it
    return _refresh(task, locked)


def _decide_task(actor: User, task: ReviewTask, outcome: str, comment: str) -> ActEvent:
    """Record ``outcome`` (approved or rejected) on the locked ``task``: as a draft where the
    stage needs a second person and there is no draft of the same outcome yet, else final.
    Returns the decision's one event, for the engine's step to complete and record."""
    rejecting = outcome == TaskStatus.REJECTED
    drafted = task.drafted_outcome or TaskStatus.APPROVED
    if _stage(task).second_approval and (task.drafted_by_id is None or drafted != outcome):
        # A first decision, or a second person who disagrees with the draft: a (new) draft.
        before = task.drafted_by_id
        task.drafted_by = actor
        task.drafted_outcome = TaskStatus.REJECTED if rejecting else ""
        task.comment = comment
        task.assignee = None  # back to the queue for the second approver
        _bump(task, "drafted_by", "drafted_outcome", "comment", "assignee")
        return ActEvent(
            action="task.rejection_drafted" if rejecting else "task.drafted",
            actor=actor,
            obj=task,
            reason=comment,
            changes={"drafted_by": [before, actor.pk]},
        )
    if task.drafted_by_id == actor.pk:
        raise SelfApprovalError()
    task.approved_by = actor
    if comment:
        task.comment = f"{task.comment}\n{comment}".strip() if task.drafted_by_id else comment
    _finish(task, outcome, "approved_by", "comment")
    return ActEvent(
        action="task.rejected" if rejecting else "task.approved",
        actor=actor,
        obj=task,
        reason=comment,
        changes={
            "status": ["open", str(outcome)],
            "approved_by": [None, actor.pk],
            "drafted_by": [task.drafted_by_id, task.drafted_by_id],
        },
    )


def earlier_stages(task: ReviewTask):
    """The review stages before the task's stage (the window's intake is not one of them)."""
    definition = workflow_definition(task.application)
    here = definition.index(task.stage_key)
    return [stage for stage in definition.stages[:here] if not is_window_stage(stage)]


@transaction.atomic
def task_return_to_stage(
    *, actor: User, task: ReviewTask, revision: int, stage_key: str, reason: str
) -> ReviewTask:
    """Send the application back to an earlier review stage, whose tasks start afresh."""
    policy.require_task_action(actor, task, "return_to_stage")
    reason = (reason or "").strip()
    locked = _lock(task, revision)
    _require_open(locked)
    if locked.confirms_denial_id is not None:
        raise ValidationError(
            _("A proposed denial is confirmed or overruled here; it cannot be returned.")
        )
    errors = {}
    if stage_key not in {stage.key for stage in earlier_stages(locked)}:
        errors["stage_key"] = [_("Choose an earlier review stage.")]
    if not reason:
        errors["reason"] = [_("Say why the application goes back.")]
    if errors:
        raise ValidationError(errors)
    locked.return_to = stage_key
    locked.comment = reason
    _finish(locked, TaskStatus.RETURNED, "return_to", "comment")
    act = ActEvent(
        action="task.returned_to_stage",
        actor=actor,
        obj=locked,
        reason=reason,
        changes={"status": ["open", "returned"], "return_to": [None, stage_key]},
    )
    workflow_advance(actor=actor, application=locked.application, act=act)
    act.record()  # done by the engine's step already; here for every way out of it
    return _refresh(task, locked)


@transaction.atomic
def task_return_to_applicant(
    *,
    actor: User,
    task: ReviewTask,
    revision: int,
    items: list[dict],
    reply_by: dt.date | None = None,
) -> SupplementRequest:
    """A supplement notice during review (一次性告知): every item at once, each a material to
    hand in again, an answer on the form to correct or another problem, checked as the window's
    notice is (``supplement_items_clean``); the clock pauses while the applicant prepares it
    (Art. 45). The task stays open for the answer, which records each corrected answer's
    before → after (``supplement_answer``)."""

    policy.require_task_action(actor, task, "return_to_applicant")
    locked = _lock(task, revision)
    _require_open(locked)
    items = supplement_items_clean(locked.application.service_version, items)
    today = china_today()
    if reply_by is None:
        try:
            reply_by = working_calendar().add_working_days(today, SUPPLEMENT_REPLY_WORKING_DAYS)
        except CalendarNotCovered:
            raise ValidationError(
                {
                    "reply_by": [
                        _(
                            "The working-day calendar does not reach %(days)s working days ahead "
                            "yet (next year's holidays have not been entered): give the reply "
                            "date yourself."
                        )
                        % {"days": SUPPLEMENT_REPLY_WORKING_DAYS}
                    ]
                }
            ) from None
    elif reply_by <= today:
        raise ValidationError({"reply_by": [_("The reply date must be in the future.")]})
    application = locked.application
    request = SupplementRequest.objects.create(
        application=application,
        items=items,
        reply_by=reply_by,
        during_review=True,
        requested_by=actor,
    )
    reason = "; ".join(item["problem"] for item in items)
    pause = clock_pause_start(
        actor=actor,
        application=application,
        kind="supplement",
        reason=reason,
        recorded_by_caller=True,
    )
    # One act, one event: the return carries the status change, the notice and the pause.
    application_transition(
        actor=actor,
        application=application,
        action="request_supplement",
        event="task.returned_to_applicant",
        reason=reason,
        changes={
            "task": [None, locked.pk],
            **supplement_item_changes(items),
            "supplement_request": [None, request.pk],
            "reply_by": [None, reply_by],
            **pause_changes(pause),
        },
    )
    _bump(locked)
    supplement_notice_issue(request=request, actor=actor)
    tell_applicant(
        application,
        **notice_supplement_requested(
            application,
            reply_by=reply_by,
            item_lines=supplement_item_lines(application.service_version, items),
            during_review=True,
        ).fields(),
    )
    task.refresh_from_db()
    return request


@transaction.atomic
def task_pause_clock(
    *,
    actor: User,
    task: ReviewTask,
    revision: int,
    kind: str,
    reason: str,
    expected_working_days: int | None = None,
):
    """Stop the clock for expert review, inspection, testing or a hearing (Art. 45)."""

    policy.require_task_action(actor, task, "pause_clock")
    if kind not in REVIEW_PAUSE_KINDS:
        raise ValidationError({"kind": [_("Choose what the clock is paused for.")]})
    locked = _lock(task, revision)
    _require_open(locked)
    pause = clock_pause_start(
        actor=actor,
        application=locked.application,
        kind=kind,
        reason=reason,
        expected_working_days=expected_working_days,
        recorded_by_caller=True,
    )
    _bump(locked)
    audit_record(
        action="task.clock_paused",
        actor=actor,
        obj=locked,
        reason=reason,
        changes={"application": [None, locked.application_id], **pause_changes(pause)},
    )
    task.refresh_from_db()
    return pause


@transaction.atomic
def task_resume_clock(*, actor: User, task: ReviewTask, revision: int):

    policy.require_task_action(actor, task, "pause_clock")
    locked = _lock(task, revision)
    _require_open(locked)
    running = locked.application.pauses.filter(ended_on__isnull=True).exclude(kind="supplement")
    first = running.order_by("started_on", "pk").first()
    if first is None:
        raise ValidationError(_("The clock is not paused."))
    pause = clock_pause_end(
        actor=actor, application=locked.application, kind=first.kind, recorded_by_caller=True
    )
    _bump(locked)
    audit_record(
        action="task.clock_resumed",
        actor=actor,
        obj=locked,
        changes={"application": [None, locked.application_id], **pause_changes(pause)},
    )
    task.refresh_from_db()
    return pause


@transaction.atomic
def task_request_extension(
    *, actor: User, task: ReviewTask, revision: int, working_days: int, reason: str
):
    """Ask the department head for more time (Art. 42)."""

    policy.require_task_action(actor, task, "extension")
    locked = _lock(task, revision)
    _require_open(locked)
    extension = extension_request(
        actor=actor,
        application=locked.application,
        working_days=working_days,
        reason=reason,
        recorded_by_caller=True,
    )
    _bump(locked)
    audit_record(
        action="task.extension_requested",
        actor=actor,
        obj=locked,
        reason=reason,
        changes={
            "application": [None, locked.application_id],
            "extension": [None, extension.pk],
            "working_days": [None, working_days],
        },
    )
    task.refresh_from_db()
    return extension
