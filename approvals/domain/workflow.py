"""The workflow engine: from a definition and the state of the current stage's tasks, what happens
next. A pure function — the services create, cancel and route tasks as the decision says.

Rules (Administrative Licensing Law Art. 26 and 42; 并联审批 practice):

- An application starts with a fan-out of the first stage: one task per branch, the branches of a
  stage working in parallel.
- Join (``all_approve``): a stage passes when every branch has approved; then the next stage fans
  out, or, after the last stage, the application is complete and ready for its decision.
- Any rejection ends the application and cancels the other unfinished tasks (any_reject_ends).
- A task may return the application to an earlier stage: the unfinished tasks are cancelled and
  the earlier stage's tasks are created afresh.
- Second approval: on a stage that requires it, an approval counts only once a second person,
  not the one who drafted it, approves; the drafter approving their own draft is refused.

When several of these apply to one snapshot the first in this order wins: refused self-approval,
rejection, return, second approval needed, waiting, stage passed.
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
    "FanOut",
    "InvalidState",
    "JoinRule",
    "NeedsSecondApproval",
    "Problem",
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

    ``drafted_by``/``approved_by`` matter on second-approval stages only: an ``approved`` task
    there records who drafted the approval and, once given, who gave the second approval.
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
    stage's tasks of the current round (tasks of earlier rounds are history, not state)."""

    stage: str | None
    tasks: Sequence[TaskState] = ()


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
    """The application is rejected (a written decision with reasons follows, Art. 38); the other
    unfinished tasks are cancelled."""

    stage: str
    rejected_by: tuple[str, ...]  # branch keys
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
    tasks = [task for task in state.tasks if task.status != TaskStatus.CANCELLED]
    second = stage.second_approval
    for task in tasks:
        if second and task.status == TaskStatus.APPROVED and task.drafted_by is None:
            raise InvalidState(f"approved task {task.id!r} does not say who drafted it")
        if _is_self_approval(stage, task):
            return SelfApprovalRefused(stage.key, task.branch, task.id, task.approved_by)

    unfinished = tuple(task for task in tasks if _is_unfinished(stage, task))
    rejected = [task for task in tasks if task.status == TaskStatus.REJECTED]
    if rejected:
        return Reject(stage.key, tuple(t.branch for t in rejected), tuple(t.id for t in unfinished))
    returned = [task for task in tasks if task.status == TaskStatus.RETURNED]
    if returned:
        target = min((_return_target(definition, stage, t) for t in returned), key=lambda s: s[0])
        return ReturnTo(
            target[1], tuple(t.branch for t in returned), tuple(t.id for t in unfinished)
        )

    missing = [b.key for b in stage.branches if b.key not in {t.branch for t in tasks}]
    if missing:
        raise InvalidState(f"stage {stage.key!r}: no live task for branches {missing}")
    drafted = [t for t in unfinished if t.status == TaskStatus.APPROVED]
    if drafted:
        return NeedsSecondApproval(
            stage.key, tuple(t.branch for t in drafted), tuple(t.id for t in drafted)
        )
    if unfinished:
        return Wait(stage.key, tuple(t.branch for t in unfinished))
    following = definition.next_stage(stage.key)
    if following is None:
        return Complete(stage.key)
    return Advance(stage.key, following)


def _current_stage(definition: WorkflowDefinition, state: WorkflowState) -> Stage:
    try:
        stage = definition.stage(state.stage)
    except KeyError:
        raise InvalidState(f"unknown stage {state.stage!r}") from None
    branch_keys = {branch.key for branch in stage.branches}
    ids: set[TaskId] = set()
    live: set[str] = set()
    for task in state.tasks:
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
    return stage


def _is_self_approval(stage: Stage, task: TaskState) -> bool:
    return (
        stage.second_approval
        and task.status == TaskStatus.APPROVED
        and task.approved_by is not None
        and task.approved_by == task.drafted_by
    )


def _is_unfinished(stage: Stage, task: TaskState) -> bool:
    if task.status == TaskStatus.OPEN:
        return True
    # A drafted approval waiting for its second approver is not finished either.
    return stage.second_approval and task.status == TaskStatus.APPROVED and task.approved_by is None


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
