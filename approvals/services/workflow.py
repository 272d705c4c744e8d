"""Running the workflow: the pure engine (``approvals.domain.workflow.next_step``) decides, this
module acts on ReviewTask rows.

Rounds: ``Application.workflow_round`` counts the passes through the workflow. A fan-out or an
advance creates the next stage's tasks in the current round; a return to an earlier stage cancels
the unfinished tasks and recreates that stage's tasks in the next round. The engine's state is the
current stage's tasks of the current round.

Second approval: a drafted approval (or rejection, ``drafted_outcome="rejected"``) stays ``open``
in the database (so that it waits in the department's queue for a second person) with
``drafted_by`` set; the engine sees it as a decision waiting for its second approver.

Denials (Art. 38, four eyes): a rejection before the last stage is a proposal. Its confirmation
tasks are the later stages' tasks with ``confirms_denial`` set to the (first) rejected task; they
do not move the application's current stage, whose other branches work on. Approving such a task
confirms the denial, rejecting it overrules the proposal. Once the last stage confirms, the
denial is issued in the name of the department that decided, naming who decided.

The window intake stage: a demo workflow may start with a stage whose every branch is an intake
clerk at the window. The intake acceptance (``approvals.services.intake``) is that stage's
decision, so ``workflow_start`` treats it as passed and fans out the first review stage.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, OfficialPosition
from approvals.domain.china_time import china_today
from approvals.domain.workflow import (
    Advance,
    Complete,
    DenialOverruled,
    FanOut,
    NeedsSecondApproval,
    ProposeDenial,
    Reject,
    ReturnTo,
    SelfApprovalRefused,
    Stage,
    TaskState,
    TaskStatus,
    WorkflowDefinition,
    WorkflowState,
    next_step,
    parse_definition,
)
from approvals.models import Application, DocumentKind, ReviewTask
from approvals.models.working_calendar import working_calendar
from approvals.services.act_event import ActEvent
from approvals.services.deadlines import task_due_on
from approvals.services.documents import document_issue
from approvals.services.ending import review_tasks_cancel
from approvals.services.licence_issue import licence_issue
from approvals.services.lifecycle import (
    application_move,
    application_transition,
    on_behalf_of,
    transition_changes,
)
from approvals.services.notices import (
    notice_application_approved,
    notice_application_denied,
    notice_second_approval_needed,
    notice_task_new,
)
from approvals.services.notifications import notify, notify_groups, tell_applicant
from approvals.services.webhooks import outbox_event, outbox_record_many
from audit.chain import audit_record


class SelfApprovalError(ValidationError):
    """The person who drafted an approval may not give its second approval."""

    def __init__(self):
        super().__init__(
            _("You drafted this approval; a second person with the approver role must approve it.")
        )


class WorkflowAlreadyStarted(ValidationError):
    def __init__(self):
        super().__init__(_("The review of this application has already started."))


def workflow_definition(application: Application) -> WorkflowDefinition:
    return parse_definition(application.service_version.workflow_definition)


def is_window_stage(stage: Stage) -> bool:
    """A stage worked only by intake clerks: the window's intake, decided by intake acceptance."""
    return all(branch.role == "intake_clerk" for branch in stage.branches)


def current_tasks(application: Application):
    return ReviewTask.objects.filter(
        application=application,
        stage_key=application.current_stage_key,
        round=application.workflow_round,
        confirms_denial__isnull=True,
    ).order_by("pk")


def denial_confirmations(application: Application, rejections) -> list[ReviewTask]:
    """The confirmation tasks of the denial proposed by ``rejections`` (rejected tasks of the
    current stage), of the furthest stage its confirmation has reached."""
    rejected = [task.pk for task in rejections]
    if not rejected:
        return []
    tasks = list(ReviewTask.objects.filter(confirms_denial_id__in=rejected).order_by("pk"))
    if not tasks:
        return []
    definition = workflow_definition(application)
    furthest = max(definition.index(task.stage_key) for task in tasks)
    return [task for task in tasks if definition.index(task.stage_key) == furthest]


def _task_state(task: ReviewTask) -> TaskState:
    status = TaskStatus(task.status)
    approved_by = task.approved_by_id
    if task.status == TaskStatus.OPEN and task.drafted_by_id is not None:
        # Drafted and waiting for a second person.
        status = TaskStatus(task.drafted_outcome or TaskStatus.APPROVED)
        approved_by = None
    return TaskState(
        id=task.pk,
        branch=task.branch_key,
        status=status,
        drafted_by=task.drafted_by_id,
        approved_by=approved_by,
        return_to=task.return_to or None,
    )


def workflow_state(application: Application) -> WorkflowState:
    if not application.current_stage_key:
        return WorkflowState(stage=None)
    tasks = list(current_tasks(application))
    confirmations = denial_confirmations(
        application, [task for task in tasks if task.status == TaskStatus.REJECTED]
    )
    return WorkflowState(
        stage=application.current_stage_key,
        tasks=tuple(_task_state(task) for task in tasks),
        denial_stage=confirmations[0].stage_key if confirmations else None,
        denial_tasks=tuple(_task_state(task) for task in confirmations),
    )


def _departments_by_code(codes: set[str], stage_keys) -> dict[str, Department]:
    found = {d.code: d for d in Department.objects.filter(code__in=codes)}
    missing = codes - found.keys()
    if missing:
        stages = ", ".join(repr(key) for key in dict.fromkeys(stage_keys))
        raise ImproperlyConfigured(
            f"workflow stage {stages} names unknown departments {sorted(missing)}"
        )
    return found


def _fan_out(
    actor, application: Application, stage: Stage, round_: int, act: ActEvent | None = None
) -> list[ReviewTask]:
    """One open task per branch of ``stage``; the application moves to that stage."""
    tasks = _create_tasks(actor, application, stage, round_, act=act)
    application.current_stage_key = stage.key
    application.workflow_round = round_
    application.save(update_fields=["current_stage_key", "workflow_round"])
    return tasks


def _create_tasks(
    actor,
    application: Application,
    stage: Stage,
    round_: int,
    *,
    branches=None,
    confirms_denial: ReviewTask | None = None,
    comment: str = "",
    act: ActEvent | None = None,
) -> list[ReviewTask]:
    """One open task per branch of ``stage`` (or of ``branches``), audited and told; each
    task's ``task.created`` fact follows the event of the ``act`` that created it."""
    opening = TaskOpening(
        application=application,
        stage=stage,
        round=round_,
        branches=branches,
        confirms_denial=confirms_denial,
        comment=comment,
        act=act,
    )
    return review_tasks_open(actor=actor, openings=[opening])[0]


@dataclass
class TaskOpening:
    """The tasks to open for one application: one per branch of ``stage`` (or of
    ``branches``) in round ``round``; ``act``: the act whose event the ``task.created`` facts
    follow."""

    application: Application
    stage: Stage
    round: int
    branches: object = None
    confirms_denial: ReviewTask | None = None
    comment: str = ""
    act: ActEvent | None = None


def review_tasks_open(*, actor, openings: list[TaskOpening]) -> list[list[ReviewTask]]:
    """Open the tasks of each of ``openings``, audited and told: one read of the departments,
    one insert, one write of the notices, however many applications (the sweep's deemed
    acceptances). Due dates from the calendar once per distinct limit (``task_due_on``'s memo).
    Returns each opening's tasks."""
    codes = {
        branch.department
        for opening in openings
        for branch in (opening.branches if opening.branches is not None else opening.stage.branches)
    }
    departments = _departments_by_code(codes, stage_keys=[o.stage.key for o in openings])
    calendar = working_calendar()
    memo: dict = {}
    tasks_of = []
    for opening in openings:
        application, stage = opening.application, opening.stage
        due_on = task_due_on(application=application, stage=stage, memo=memo)
        provisional = calendar.is_provisional(due_on)
        tasks_of.append(
            [
                ReviewTask(
                    application=application,
                    stage_key=stage.key,
                    branch_key=branch.key,
                    round=opening.round,
                    department=departments[branch.department],
                    role=branch.role,
                    due_on=due_on,
                    due_provisional=provisional,
                    confirms_denial=opening.confirms_denial,
                    comment=opening.comment,
                )
                for branch in (opening.branches if opening.branches is not None else stage.branches)
            ]
        )
    every_task = [task for tasks in tasks_of for task in tasks]
    if len(every_task) == 1:
        every_task[0].save(force_insert=True)
    elif every_task:
        ReviewTask.objects.bulk_create(every_task)
    for opening, tasks in zip(openings, tasks_of, strict=True):
        for task in tasks:
            _task_created_fact(actor, opening, task)
    _notify_new_tasks(
        [(opening.application, tasks) for opening, tasks in zip(openings, tasks_of, strict=True)]
    )
    return tasks_of


def _task_created_fact(actor, opening: TaskOpening, task: ReviewTask) -> None:
    confirms_denial = opening.confirms_denial
    record = partial(
        audit_record,
        action="task.created",
        actor=actor,
        obj=task,
        changes={
            "application": [None, opening.application.pk],
            "stage": [None, opening.stage.key],
            "branch": [None, task.branch_key],
            "department": [None, task.department.code],
            "role": [None, task.role],
            "round": [None, opening.round],
            "due_on": [None, task.due_on],
            **({"confirms_denial": [None, confirms_denial.pk]} if confirms_denial else {}),
        },
    )
    if opening.act is not None:
        opening.act.then(record)
    else:
        record()


def _notify_new_tasks(opened: list[tuple[Application, list[ReviewTask]]]) -> None:
    """Everyone holding the task's department and role is told there is work: per task, its
    text rendered once, and one write for all the tasks of ``opened`` (``notify_groups``), not
    one per official nor per task (a department's dozen reviewers made a deemed acceptance a
    dozen writes and broker messages)."""
    every_task = [task for _application, tasks in opened for task in tasks]
    positions = OfficialPosition.objects.filter(
        is_active=True,
        user__is_active=True,
        department_id__in={task.department_id for task in every_task},
    ).select_related("user")
    holders: dict[tuple, dict] = {}
    for position in positions:
        holders.setdefault((position.department_id, position.role), {}).setdefault(
            position.user_id, position.user
        )
    notify_groups(
        (
            holders.get((task.department_id, task.role), {}).values(),
            application,
            notice_task_new(application, task=task).fields(),
        )
        for application, tasks in opened
        for task in tasks
    )


def _cancel(actor, task_ids, reason: str = "") -> list[ReviewTask]:
    return review_tasks_cancel(actor=actor, task_ids=task_ids, reason=reason)


@transaction.atomic
def workflow_start(
    *, actor, application: Application, act: ActEvent | None = None
) -> list[ReviewTask]:
    """After acceptance: review starts (accepted → under review) and the first review stage fans
    out. A leading window intake stage counts as passed by the acceptance. ``act``: the
    acceptance's one event, which then carries the start (status, stage, tasks); else the start
    is recorded as ``workflow.started``."""
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("service_version__item__department")
        .get(pk=application.pk)
    )
    [tasks] = workflows_start(actor=actor, starts=[(locked, act)])
    application.refresh_from_db()
    return tasks


def _first_review_stage(definition: WorkflowDefinition) -> tuple[Stage | None, str | None]:
    """The stage the review starts with, and the window intake stage passed to reach it."""
    decision = next_step(definition, WorkflowState(stage=None))
    assert isinstance(decision, FanOut)
    stage = decision.stage
    if is_window_stage(stage):
        return definition.next_stage(stage.key), stage.key
    return stage, None


def workflows_start(
    *, actor, starts: list[tuple[Application, ActEvent | None]]
) -> list[list[ReviewTask]]:
    """``workflow_start`` for each of ``starts`` (an application locked by the caller, with its
    service loaded, and the act whose event records the start, or ``None`` for its own
    ``workflow.started``): one save of the applications, one of their outbox rows, their first
    stages' tasks opened together (``review_tasks_open``). Returns each one's tasks."""
    first_stages: dict[int, tuple[Stage | None, str | None]] = {}
    moved, update_fields, outbox, acts, openings, window_only = [], {}, [], [], [], set()
    for locked, given in starts:
        if locked.current_stage_key:
            raise WorkflowAlreadyStarted()
        version_id = locked.service_version_id
        if version_id not in first_stages:
            first_stages[version_id] = _first_review_stage(workflow_definition(locked))
        stage, skipped = first_stages[version_id]
        # One act, one event: the start of the review carries its status change and its tasks
        # (each task has its own "task.created" fact, naming the application).
        act = given or ActEvent(action="workflow.started", obj=locked, actor=actor)
        before, after, fields = application_move(locked, "start_review")
        update_fields.update(dict.fromkeys(fields))
        outbox.append(outbox_event(application=locked, before=str(before), after=str(after)))
        changes = {
            "stage": [None, stage.key if stage else None],
            "window_stage_passed": [None, skipped],
        }
        act.add(
            transition_changes(locked, before, after, changes),
            on_behalf_of=on_behalf_of(locked) if actor is not None else "",
        )
        locked.workflow_round = 1
        if stage is None:  # nothing beyond the window: the acceptance is the whole review
            locked.current_stage_key = skipped or ""
            window_only.add(locked.pk)
        else:
            locked.current_stage_key = stage.key
            openings.append(TaskOpening(application=locked, stage=stage, round=1, act=act))
        moved.append(locked)
        acts.append((act, given is None))
    Application.objects.bulk_update(
        moved, [*update_fields, "current_stage_key", "workflow_round"], batch_size=500
    )
    outbox_record_many(outbox)
    opened = dict(
        zip(
            (opening.application.pk for opening in openings),
            review_tasks_open(actor=actor, openings=openings),
            strict=True,
        )
    )
    for locked, (act, own_event) in zip(moved, acts, strict=True):
        if locked.pk in window_only:
            act.record()  # the acceptance before the decision it leads to
            _decide(actor, locked, approve=True, reason="")
            locked.refresh_from_db()
        else:
            act.add({"tasks": [None, [task.pk for task in opened[locked.pk]]]})
            if own_event:
                act.record()
    return [opened.get(locked.pk, []) for locked in moved]


def _issue_decision(
    actor, application: Application, *, approve: bool, reason: str, decided_by=()
) -> None:
    """The written decision (Art. 38) and, on approval, the licence with its certificate at once
    (Art. 44), or the closing of a filing. A denial is issued in the name of the department whose
    tasks decided it (``decided_by``) and names who decided."""

    if approve:
        decision = document_issue(
            application=application,
            kind=DocumentKind.APPROVAL_DECISION,
            actor=actor,
            extra={"remarks": reason},
        )
        licence_issue(application=application, actor=actor, decision=decision)
    else:
        deciding = decided_by[0] if decided_by else None
        document_issue(
            application=application,
            kind=DocumentKind.DENIAL_DECISION,
            actor=actor,
            department=deciding.department if deciding else None,
            extra={"reasons": reason, **_deciders(decided_by)},
        )


def _deciders(tasks) -> dict:
    """Who drafted and who gave (or seconded) the decision of ``tasks``, as printed."""
    drafted = [
        t.drafted_by for t in tasks if t.drafted_by_id and t.drafted_by_id != t.approved_by_id
    ]
    approved = [t.approved_by for t in tasks if t.approved_by_id]
    return {
        "drafted_by": "、".join(dict.fromkeys(str(user) for user in drafted)),
        "approved_by": "、".join(dict.fromkeys(str(user) for user in approved)),
    }


def _decide(
    actor,
    application: Application,
    *,
    approve: bool,
    reason: str,
    decided_by=(),
    changes: dict | None = None,
) -> Application:
    """The final decision: the status change, recorded as ``application.approve``/``deny`` with
    the engine's step in ``changes`` (one act, one event), then the written decision and the
    applicant's notice."""
    application = application_transition(
        actor=actor,
        application=application,
        action="approve" if approve else "deny",
        reason=reason,
        changes=changes,
        fields={"decided_on": china_today()},
    )
    _issue_decision(actor, application, approve=approve, reason=reason, decided_by=decided_by)
    application.refresh_from_db()
    notice = (
        notice_application_approved(application)
        if approve
        else notice_application_denied(application, reasons=reason)
    )
    tell_applicant(application, **notice.fields())
    return application


@transaction.atomic
def workflow_advance(*, actor, application: Application, act: ActEvent | None = None):
    """After a task decision: ask the engine what happens next and do it. Returns the engine's
    decision. ``act``: the task decision's one event, which then carries the engine's step
    (``step`` and what it did); it is recorded before a final decision's own event. Without
    it the step is recorded as ``workflow.<step>``."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    definition = workflow_definition(locked)
    decision = next_step(definition, workflow_state(locked))
    changes: dict = {"stage": [locked.current_stage_key, locked.current_stage_key]}
    if isinstance(decision, SelfApprovalRefused):
        raise SelfApprovalError()
    if isinstance(decision, Advance):
        tasks = _fan_out(actor, locked, decision.stage, locked.workflow_round, act)
        changes = {
            "stage": [decision.from_stage, decision.to_stage],
            "tasks": [None, [t.pk for t in tasks]],
        }
    elif isinstance(decision, ReturnTo):
        cancelled = _cancel(actor, decision.cancel)
        before = locked.current_stage_key
        tasks = _fan_out(actor, locked, decision.stage, locked.workflow_round + 1, act)
        changes = {
            "stage": [before, decision.stage.key],
            "round": [locked.workflow_round - 1, locked.workflow_round],
            "cancelled": [None, [t.pk for t in cancelled]],
            "tasks": [None, [t.pk for t in tasks]],
        }
    elif isinstance(decision, Reject):
        reasons = _rejection_reasons(locked)
        cancelled = _cancel(actor, decision.cancel, _("Denied: %(reasons)s") % {"reasons": reasons})
        decided_by = list(
            ReviewTask.objects.filter(pk__in=list(decision.decided_by))
            .select_related("department", "drafted_by", "approved_by")
            .order_by("pk")
        )
        changes["cancelled"] = [None, [t.pk for t in cancelled]]
        changes["decided_by"] = [None, [t.pk for t in decided_by]]
        _record_step(actor, locked, decision, {}, act)
        # The application's decision: its status change, recorded with the engine's step.
        _decide(
            actor,
            locked,
            approve=False,
            reason=reasons,
            decided_by=decided_by,
            changes=changes,
        )
        application.refresh_from_db()
        return decision
    elif isinstance(decision, ProposeDenial):
        anchor = ReviewTask.objects.get(pk=min(decision.rejections))
        tasks = _create_tasks(
            actor, locked, decision.to, locked.workflow_round, confirms_denial=anchor, act=act
        )
        changes = {
            "stage": [locked.current_stage_key, locked.current_stage_key],
            "denial_proposed_to": [None, decision.to.key],
            "rejected_by": [None, list(decision.rejected_by)],
            "tasks": [None, [t.pk for t in tasks]],
        }
    elif isinstance(decision, DenialOverruled):
        changes = _overrule(actor, locked, decision, act)
    elif isinstance(decision, Complete):
        _record_step(actor, locked, decision, {}, act)
        _decide(actor, locked, approve=True, reason="", changes=changes)
        application.refresh_from_db()
        return decision
    elif isinstance(decision, NeedsSecondApproval):
        _notify_second_approval(locked, decision, actor)
    else:  # Wait
        _record_step(actor, locked, decision, {}, act)
        application.refresh_from_db()
        return decision
    _record_step(actor, locked, decision, changes, act)
    application.refresh_from_db()
    return decision


def _record_step(actor, application: Application, decision, changes: dict, act) -> None:
    """The engine's step: in the task decision's one event (``act``, recorded now), or as an
    event of its own when the step was asked for without a decision. A final decision's step
    writes nothing of its own: the decision's event carries it."""
    step = type(decision).__name__.lower()
    if act is not None:
        act.add({"workflow_step": [None, step], **changes})
        act.record()
    elif changes:
        audit_record(action=f"workflow.{step}", actor=actor, obj=application, changes=changes)


def _rejection_reasons(application: Application) -> str:
    return "; ".join(
        task.comment
        for task in current_tasks(application).filter(status=TaskStatus.REJECTED)
        if task.comment
    )


def _overrule(
    actor, application: Application, decision: DenialOverruled, act: ActEvent | None = None
) -> dict:
    """The confirming stage did not confirm the proposed denial: the rejections are set aside
    (recorded, with the overruling reasons) and their branches review afresh."""
    overruling = list(
        ReviewTask.objects.filter(
            confirms_denial_id__in=list(decision.rejections),
            stage_key=decision.by_stage,
            status=TaskStatus.REJECTED,
        )
    )
    reason = "; ".join(task.comment for task in overruling if task.comment)
    cancelled = _cancel(actor, decision.cancel, reason)
    set_aside = review_tasks_cancel(
        actor=actor,
        task_ids=decision.rejections,
        reason=reason,
        from_status=TaskStatus.REJECTED,
        action="task.rejection_overruled",
    )
    stage = workflow_definition(application).stage(application.current_stage_key)
    reopened = _create_tasks(
        actor,
        application,
        stage,
        application.workflow_round,
        branches=[stage.branch(key) for key in decision.reopen],
        comment=_("Denial not confirmed: %(reasons)s") % {"reasons": reason},
        act=act,
    )
    return {
        "stage": [application.current_stage_key, application.current_stage_key],
        "overruled_by": [None, decision.by_stage],
        "set_aside": [None, [t.pk for t in set_aside]],
        "cancelled": [None, [t.pk for t in cancelled]],
        "tasks": [None, [t.pk for t in reopened]],
    }


def _notify_second_approval(application, decision: NeedsSecondApproval, actor) -> None:
    tasks = list(ReviewTask.objects.filter(pk__in=list(decision.task_ids)))
    # One query for every task's holders, not one per task.
    positions = list(
        OfficialPosition.objects.filter(
            is_active=True,
            department_id__in={task.department_id for task in tasks},
            role__in={task.role for task in tasks},
        ).select_related("user")
    )
    for task in tasks:
        for position in positions:
            if (
                position.department_id != task.department_id
                or position.role != task.role
                or position.user_id == task.drafted_by_id
            ):
                continue
            notify(
                user=position.user,
                application=application,
                **notice_second_approval_needed(application, task=task).fields(),
            )
