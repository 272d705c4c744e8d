"""The workflow engine: from a definition and the state of the current stage's tasks, what happens
next. A pure function — the services create, cancel and route tasks as the decision says.

Rules (Administrative Licensing Law Art. 26 and 42; 并联审批 practice):

- An application starts with a fan-out of the first stage: one task per branch, the branches of a
  stage working in parallel.
- Join (``all_approve``): a stage passes when every branch has approved; then the next stage fans
  out, or, after the last stage, the application is complete and ready for its decision.
- A rejection is a proposed denial, which needs the same four eyes as an approval (Art. 38): it
  passes through the later stages one by one, as an approval would, each stage's branches
  confirming it (with a second person where the stage requires second approval). Once the last
  stage has confirmed it, the application is denied and the other unfinished tasks are cancelled
  (any rejection ends, 并联审批); until then the other branches work on. A stage that overrules
  the proposal sends the rejecting branches back to review afresh. A rejection on the last stage
  is that stage's own decision (drafted and seconded there where the stage says so).
- A task may return the application to an earlier stage: the unfinished tasks are cancelled and
  the earlier stage's tasks are created afresh.
- Second approval: on a stage that requires it, an approval (or a rejection) counts only once a
  second person, not the one who drafted it, gives it; the drafter seconding their own draft is
  refused.

When several of these apply to one snapshot the first in this order wins: refused self-approval,
rejection (and its confirmation), return, second approval needed, waiting, stage passed.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from approvals.domain.workflow_definition import (
    DEFINITION_JSON_SCHEMA,
    ROLES,
    Branch,
    DefinitionError,
    JoinRule,
    Problem,
    Stage,
    WorkflowDefinition,
    parse_definition,
)

__all__ = [
    "DEFINITION_JSON_SCHEMA",
    "ROLES",
    "Advance",
    "Branch",
    "Complete",
    "Decision",
    "DefinitionError",
    "DenialOverruled",
    "FanOut",
    "InvalidState",
    "JoinRule",
    "NeedsSecondApproval",
    "Problem",
    "ProposeDenial",
    "Reject",
    "ReturnTo",
    "SelfApprovalRefused",
    "Stage",
    "TaskState",
    "TaskStatus",
    "Wait",
    "WorkflowDefinition",
    "WorkflowState",
    "may_give_second_approval",
    "next_step",
    "parse_definition",
]

TaskId = Hashable
UserId = Hashable


class TaskStatus(StrEnum):
    OPEN = "open"
    APPROVED = "approved"
    REJECTED = "rejected"
    RETURNED = "returned"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class TaskState:
    """One task of the current round of the current stage.

    ``drafted_by``/``approved_by`` matter on second-approval stages only: an ``approved`` (or
    ``rejected``) task there records who drafted the approval (or rejection) and, once given, who
    gave the second approval. On a task confirming a proposed denial, ``approved`` means
    confirmed and ``rejected`` means overruled.
    ``return_to`` is the stage a ``returned`` task sends the application back to (default: the
    previous stage).
    """

    id: TaskId
    branch: str
    status: TaskStatus
    drafted_by: UserId | None = None
    approved_by: UserId | None = None
    return_to: str | None = None


@dataclass(frozen=True)
class WorkflowState:
    """``stage`` is the current stage's key, None before the workflow starts; ``tasks`` are that
    stage's tasks of the current round (tasks of earlier rounds are history, not state).

    While a rejection in the current stage is proposed as a denial, ``denial_stage`` is the later
    stage its confirmation has reached and ``denial_tasks`` that stage's confirmation tasks."""

    stage: str | None
    tasks: Sequence[TaskState] = ()
    denial_stage: str | None = None
    denial_tasks: Sequence[TaskState] = ()


@dataclass(frozen=True)
class FanOut:
    """Start: create one task per branch of the first stage."""

    stage: Stage

    @property
    def branches(self) -> tuple[Branch, ...]:
        return self.stage.branches


@dataclass(frozen=True)
class Wait:
    stage: str
    waiting_for: tuple[str, ...]  # branch keys with open tasks


@dataclass(frozen=True)
class Advance:
    """The stage passed: create one task per branch of the next stage."""

    from_stage: str
    stage: Stage

    @property
    def to_stage(self) -> str:
        return self.stage.key

    @property
    def branches(self) -> tuple[Branch, ...]:
        return self.stage.branches


@dataclass(frozen=True)
class ReturnTo:
    """Back to an earlier stage: cancel ``cancel``, create the earlier stage's tasks afresh."""

    stage: Stage
    returned_by: tuple[str, ...]  # branch keys
    cancel: tuple[TaskId, ...]

    @property
    def branches(self) -> tuple[Branch, ...]:
        return self.stage.branches


@dataclass(frozen=True)
class Reject:
    """The denial is decided (a written decision with reasons follows, Art. 38); the other
    unfinished tasks are cancelled. ``decided_by`` are the tasks whose decision it is: the
    confirmations of the last stage, or the rejecting tasks when the last stage rejected."""

    stage: str
    rejected_by: tuple[str, ...]  # branch keys
    cancel: tuple[TaskId, ...]
    decided_by: tuple[TaskId, ...] = ()


@dataclass(frozen=True)
class ProposeDenial:
    """A rejection in ``stage`` goes to ``to`` for confirmation: create one confirmation task per
    branch of ``to``; the other branches of ``stage`` work on meanwhile."""

    stage: str
    rejected_by: tuple[str, ...]  # branch keys
    rejections: tuple[TaskId, ...]
    to: Stage

    @property
    def branches(self) -> tuple[Branch, ...]:
        return self.to.branches


@dataclass(frozen=True)
class DenialOverruled:
    """``by_stage`` did not confirm the proposed denial: the rejections are set aside (their
    branches review afresh) and the unfinished confirmations are cancelled."""

    stage: str
    by_stage: str
    rejections: tuple[TaskId, ...]
    reopen: tuple[str, ...]  # branch keys of the current stage
    cancel: tuple[TaskId, ...]


@dataclass(frozen=True)
class Complete:
    """The last stage passed: ready for the decision."""

    stage: str


@dataclass(frozen=True)
class NeedsSecondApproval:
    """These approvals are drafted and wait for a second person's approval."""

    stage: str
    branches: tuple[str, ...]
    task_ids: tuple[TaskId, ...]


@dataclass(frozen=True)
class SelfApprovalRefused:
    """The drafter approved their own draft: refused; the task still needs a second person."""

    stage: str
    branch: str
    task_id: TaskId
    user: UserId


Decision = (
    FanOut
    | Wait
    | Advance
    | ReturnTo
    | Reject
    | ProposeDenial
    | DenialOverruled
    | Complete
    | NeedsSecondApproval
    | SelfApprovalRefused
)


class InvalidState(ValueError):
    """The tasks do not fit the definition (unknown stage or branch, a branch with no task, …)."""


def may_give_second_approval(*, drafted_by: UserId | None, approver: UserId | None) -> bool:
    """Whether ``approver`` may give the second approval of a draft by ``drafted_by``."""
    return approver is not None and drafted_by is not None and approver != drafted_by


def next_step(definition: WorkflowDefinition, state: WorkflowState) -> Decision:
    """What happens next. Raises ``InvalidState`` when the tasks do not fit the definition."""
    if state.stage is None:
        if state.tasks:
            raise InvalidState("tasks given for a workflow that has not started")
        return FanOut(definition.stages[0])
    stage = _current_stage(definition, state)
    tasks = _live(stage, state.tasks)
    if (refused := _self_approval(stage, tasks)) is not None:
        return refused

    unfinished = tuple(task for task in tasks if _is_unfinished(stage, task))
    rejected = [t for t in tasks if t.status == TaskStatus.REJECTED and t not in unfinished]
    if rejected:
        return _denial(definition, stage, state, rejected, unfinished)
    if state.denial_stage is not None or state.denial_tasks:
        raise InvalidState("confirmations of a denial without a rejection")
    returned = [task for task in tasks if task.status == TaskStatus.RETURNED]
    if returned:
        target = min((_return_target(definition, stage, t) for t in returned), key=lambda s: s[0])
        return ReturnTo(
            target[1], tuple(t.branch for t in returned), tuple(t.id for t in unfinished)
        )

    if (pending := _pending(stage, tasks, unfinished)) is not None:
        return pending
    following = definition.next_stage(stage.key)
    if following is None:
        return Complete(stage.key)
    return Advance(stage.key, following)


def _pending(
    stage: Stage, tasks: list[TaskState], unfinished: tuple[TaskState, ...]
) -> Decision | None:
    """Every branch of ``stage`` has its live task; None when all of them are finished, else
    the drafts waiting for a second person, or else the open tasks to wait for."""
    missing = [b.key for b in stage.branches if b.key not in {t.branch for t in tasks}]
    if missing:
        raise InvalidState(f"stage {stage.key!r}: no live task for branches {missing}")
    drafted = [t for t in unfinished if t.status != TaskStatus.OPEN]
    if drafted:
        return NeedsSecondApproval(
            stage.key, tuple(t.branch for t in drafted), tuple(t.id for t in drafted)
        )
    if unfinished:
        return Wait(stage.key, tuple(t.branch for t in unfinished))
    return None


def _live(stage: Stage, tasks: Sequence[TaskState]) -> list[TaskState]:
    live = [task for task in tasks if task.status != TaskStatus.CANCELLED]
    for task in live:
        decided = task.status in (TaskStatus.APPROVED, TaskStatus.REJECTED)
        if stage.second_approval and decided and task.drafted_by is None:
            raise InvalidState(f"{task.status} task {task.id!r} does not say who drafted it")
    return live


def _self_approval(stage: Stage, tasks: list[TaskState]) -> SelfApprovalRefused | None:
    for task in tasks:
        if _is_self_approval(stage, task):
            return SelfApprovalRefused(stage.key, task.branch, task.id, task.approved_by)
    return None


def _denial(
    definition: WorkflowDefinition,
    stage: Stage,
    state: WorkflowState,
    rejected: list[TaskState],
    unfinished: tuple[TaskState, ...],
) -> Decision:
    """A rejection decided on ``stage``: propose it to the next stage, follow its confirmation
    through the later stages, and deny once the last one has confirmed it."""
    rejected_by = tuple(t.branch for t in rejected)
    rejections = tuple(t.id for t in rejected)
    cancel = tuple(t.id for t in unfinished)
    if state.denial_stage is None:
        if state.denial_tasks:
            raise InvalidState("confirmation tasks given without their stage")
        following = definition.next_stage(stage.key)
        if following is None:
            return Reject(stage.key, rejected_by, cancel, rejections)
        return ProposeDenial(stage.key, rejected_by, rejections, following)
    try:
        confirming = definition.stage(state.denial_stage)
    except KeyError:
        raise InvalidState(f"unknown stage {state.denial_stage!r}") from None
    if definition.index(confirming.key) <= definition.index(stage.key):
        raise InvalidState("a denial is confirmed by a later stage")
    _check_tasks(confirming, state.denial_tasks)
    confirmations = _live(confirming, state.denial_tasks)
    if (refused := _self_approval(confirming, confirmations)) is not None:
        return refused
    waiting = tuple(t for t in confirmations if _is_unfinished(confirming, t))
    overruled = [t for t in confirmations if t.status == TaskStatus.REJECTED and t not in waiting]
    if overruled:
        return DenialOverruled(
            stage.key, confirming.key, rejections, rejected_by, tuple(t.id for t in waiting)
        )
    if any(t.status == TaskStatus.RETURNED for t in confirmations):
        raise InvalidState("a confirmation can only confirm or overrule")
    if (pending := _pending(confirming, confirmations, waiting)) is not None:
        return pending
    following = definition.next_stage(confirming.key)
    if following is not None:
        return ProposeDenial(stage.key, rejected_by, rejections, following)
    return Reject(stage.key, rejected_by, cancel, tuple(t.id for t in confirmations))


def _current_stage(definition: WorkflowDefinition, state: WorkflowState) -> Stage:
    try:
        stage = definition.stage(state.stage)
    except KeyError:
        raise InvalidState(f"unknown stage {state.stage!r}") from None
    _check_tasks(stage, state.tasks)
    ids = {task.id for task in state.tasks}
    if any(task.id in ids for task in state.denial_tasks):
        raise InvalidState("a task cannot both review and confirm a denial")
    return stage


def _check_tasks(stage: Stage, tasks: Sequence[TaskState]) -> None:
    branch_keys = {branch.key for branch in stage.branches}
    ids: set[TaskId] = set()
    live: set[str] = set()
    for task in tasks:
        if task.branch not in branch_keys:
            raise InvalidState(
                f"task {task.id!r}: stage {stage.key!r} has no branch {task.branch!r}"
            )
        if task.id in ids:
            raise InvalidState(f"task id {task.id!r} appears twice")
        ids.add(task.id)
        if task.status != TaskStatus.CANCELLED:
            if task.branch in live:
                raise InvalidState(f"branch {task.branch!r} has more than one live task")
            live.add(task.branch)


def _is_self_approval(stage: Stage, task: TaskState) -> bool:
    return (
        stage.second_approval
        and task.status in (TaskStatus.APPROVED, TaskStatus.REJECTED)
        and task.approved_by is not None
        and task.approved_by == task.drafted_by
    )


def _is_unfinished(stage: Stage, task: TaskState) -> bool:
    if task.status == TaskStatus.OPEN:
        return True
    # A drafted approval (or rejection) waiting for its second approver is not finished either.
    return (
        stage.second_approval
        and task.status in (TaskStatus.APPROVED, TaskStatus.REJECTED)
        and task.approved_by is None
    )


def _return_target(
    definition: WorkflowDefinition, stage: Stage, task: TaskState
) -> tuple[int, Stage]:
    """The earlier stage a returned task sends the application to, with its position."""
    here = definition.index(stage.key)
    if task.return_to is None:
        if here == 0:
            raise InvalidState(f"task {task.id!r} returned from the first stage")
        return here - 1, definition.stages[here - 1]
    try:
        there = definition.index(task.return_to)
    except KeyError:
        raise InvalidState(
            f"task {task.id!r} returns to unknown stage {task.return_to!r}"
        ) from None
    if there >= here:
        raise InvalidState(f"task {task.id!r} may only return to an earlier stage")
    return there, definition.stages[there]
