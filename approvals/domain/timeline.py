"""The progress timeline of one application, arranged from plain facts (no ORM).

What the applicant, the public and the officials see of an application's progress: the steps
done (with their date and department), the step running now (with its due date, and a clock
pause or an extension explained), and the steps to come, read from the service's workflow
definition. The branches of a parallel stage (并联审批, Art. 26) are one step with one lane per
department.

The steps, in order: submitted → acceptance at the window (Art. 32; the definition's leading
window stage when it has one) → each review stage of the definition → the decision (Art. 38) →
the licence (Art. 44) when one was issued; a withdrawal or a refusal of acceptance ends the line
where it happened, and the steps after it are marked as not reached.

No names of officials are part of the facts or of the result: only departments.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from approvals.domain.lifecycle import Status
from approvals.domain.workflow_definition import Stage, WorkflowDefinition


class StepState(StrEnum):
    DONE = "done"
    CURRENT = "current"
    UPCOMING = "upcoming"
    STOPPED = "stopped"  # the step running when the application ended (withdrawn)
    NOT_REACHED = "not_reached"  # after the end of the application


class StepKind(StrEnum):
    SUBMITTED = "submitted"
    ACCEPTANCE = "acceptance"
    STAGE = "stage"
    DECISION = "decision"
    LICENCE = "licence"
    WITHDRAWN = "withdrawn"


class Outcome(StrEnum):
    NONE = ""
    ACCEPTED = "accepted"
    ACCEPTED_WITH_PLEDGE = "accepted_with_pledge"
    DEEMED_ACCEPTED = "deemed_accepted"  # Art. 32: no intake decision within 5 working days
    NOT_ACCEPTED = "not_accepted"
    APPROVED = "approved"
    DENIED = "denied"


class NoteKind(StrEnum):
    PAUSE = "pause"  # a clock pause that has ended (Art. 45)
    OPEN_PAUSE = "open_pause"  # the clock is stopped now: the due date moves on
    EXTENSION = "extension"  # the limit extended by the head (Art. 42)
    SUPPLEMENT = "supplement"  # a supplement notice, answered (一次性告知)
    OPEN_SUPPLEMENT = "open_supplement"  # waiting for the applicant's supplement
    PLEDGE = "pledge"  # accepted with a material to follow (容缺受理)
    RETURNED = "returned"  # this stage sent the application back to an earlier one


# --- The facts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusChange:
    on: dt.date
    status: str


@dataclass(frozen=True)
class ApplicationFacts:
    status: str
    received_on: dt.date | None = None
    accepted_on: dt.date | None = None
    deemed_accepted: bool = False
    decided_on: dt.date | None = None
    intake_due_on: dt.date | None = None
    intake_due_provisional: bool = False
    decision_due_on: dt.date | None = None
    decision_due_provisional: bool = False
    promised_due_on: dt.date | None = None
    promised_due_provisional: bool = False
    current_stage_key: str = ""
    # The department that accepts when the definition has no window stage of its own.
    intake_department: str = ""
    history: tuple[StatusChange, ...] = ()  # oldest first


@dataclass(frozen=True)
class TaskFact:
    stage_key: str
    department: str
    status: str  # open / approved / rejected / returned / cancelled
    round: int = 1
    created_on: dt.date | None = None
    completed_on: dt.date | None = None
    due_on: dt.date | None = None
    due_provisional: bool = False
    return_to: str = ""


@dataclass(frozen=True)
class PauseFact:
    kind: str  # approvals.models.PauseKind
    started_on: dt.date
    ended_on: dt.date | None = None
    expected_working_days: int | None = None
    reason: str = ""


@dataclass(frozen=True)
class ExtensionFact:
    working_days: int
    decided_on: dt.date
    reason: str = ""


@dataclass(frozen=True)
class SupplementFact:
    requested_on: dt.date
    reply_by: dt.date
    answered_on: dt.date | None = None
    during_review: bool = False


@dataclass(frozen=True)
class PledgeFact:
    material: str
    due_on: dt.date
    fulfilled_on: dt.date | None = None
    lapsed_on: dt.date | None = None


# --- The result ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Note:
    """Something that happened during a step, in words the page renders: ``kind`` says which
    sentence, the dates, days and label fill it in (``label`` is a pause kind, a material, a
    stage's key); ``text`` is what the agency told the applicant (a reason)."""

    kind: NoteKind
    first: dt.date
    last: dt.date | None = None
    days: int | None = None
    label: str = ""
    text: str = ""


@dataclass(frozen=True)
class Lane:
    """One department's branch of a stage."""

    department: str
    state: StepState
    status: str  # the task's status: open / approved / rejected / returned / cancelled
    done_on: dt.date | None = None
    due_on: dt.date | None = None
    due_provisional: bool = False


@dataclass(frozen=True)
class Step:
    key: str
    kind: StepKind
    state: StepState
    name_en: str = ""
    name_zh: str = ""
    started_on: dt.date | None = None
    done_on: dt.date | None = None
    due_on: dt.date | None = None
    due_provisional: bool = False
    # The decision step also carries the promise (承诺时限), shorter than the legal limit.
    promised_on: dt.date | None = None
    promised_provisional: bool = False
    limit_working_days: int | None = None
    outcome: Outcome = Outcome.NONE
    departments: tuple[str, ...] = ()
    lanes: tuple[Lane, ...] = ()
    notes: tuple[Note, ...] = ()

    @property
    def is_parallel(self) -> bool:
        return len(self.lanes) > 1


@dataclass(frozen=True)
class Timeline:
    steps: tuple[Step, ...]
    paused: bool = False
    # The clock's facts the timeline was read with, for the page's deadline explanation to use
    # rather than read again: the pauses (first, last day; last None while running) and the
    # working days added by approved extensions.
    clock_pauses: tuple[tuple[dt.date, dt.date | None], ...] = ()
    extension_days: int = 0

    @property
    def current(self) -> Step | None:
        return next((step for step in self.steps if step.state == StepState.CURRENT), None)


# --- The arrangement ----------------------------------------------------------------------------

_DECIDED = {Status.APPROVED, Status.DENIED, Status.LICENCE_ISSUED, Status.CLOSED}
_IN_REVIEW = {Status.UNDER_REVIEW, Status.ACCEPTED, Status.ACCEPTED_WITH_PLEDGE}


def _is_window_stage(stage: Stage) -> bool:
    # As approvals.services.workflow.is_window_stage: a stage of intake clerks is the intake.
    return all(branch.role == "intake_clerk" for branch in stage.branches)


def _last(history: Sequence[StatusChange], *statuses: str) -> dt.date | None:
    for change in reversed(history):
        if change.status in statuses:
            return change.on
    return None


@dataclass
class _Facts:
    app: ApplicationFacts
    tasks: Sequence[TaskFact]
    pauses: Sequence[PauseFact]
    extensions: Sequence[ExtensionFact]
    supplements: Sequence[SupplementFact]
    pledges: Sequence[PledgeFact]
    departments: dict[str, str] = field(default_factory=dict)


def arrange(
    definition: WorkflowDefinition | None,
    app: ApplicationFacts,
    *,
    tasks: Sequence[TaskFact] = (),
    pauses: Sequence[PauseFact] = (),
    extensions: Sequence[ExtensionFact] = (),
    supplements: Sequence[SupplementFact] = (),
    pledges: Sequence[PledgeFact] = (),
    departments: dict[str, str] | None = None,
) -> Timeline:
    """The timeline of an application from its facts. ``departments`` names the departments of
    the definition's branches by code (for the stages not reached yet)."""
    facts = _Facts(app, tasks, pauses, extensions, supplements, pledges, departments or {})
    status = Status(app.status)
    withdrawn = status == Status.WITHDRAWN
    withdrawn_on = _last(app.history, Status.WITHDRAWN) if withdrawn else None
    not_accepted_on = _last(app.history, Status.NOT_ACCEPTED)
    not_accepted = status == Status.NOT_ACCEPTED or not_accepted_on is not None
    denied = status == Status.DENIED or (
        status == Status.CLOSED and _last(app.history, Status.DENIED) is not None
    )
    ended = withdrawn or not_accepted

    stages = list(definition.stages) if definition is not None else []
    window = stages.pop(0) if stages and _is_window_stage(stages[0]) else None

    steps = [_milestone("submitted", StepKind.SUBMITTED, app.received_on)]
    steps.append(_acceptance(facts, window, not_accepted, not_accepted_on, withdrawn))
    current_index = _current_stage_index(stages, app)
    for index, stage in enumerate(stages):
        steps.append(_stage_step(facts, stage, index, current_index, ended, denied))
    steps.append(_decision(facts, ended, denied))
    licence_on = _last(app.history, Status.LICENCE_ISSUED)
    if licence_on is not None:
        steps.append(_milestone("licence", StepKind.LICENCE, licence_on))
    if withdrawn:
        steps = _stop_at_withdrawal(steps, withdrawn_on)
    steps = _attach_notes(facts, steps)
    paused = any(pause.ended_on is None for pause in pauses) or any(
        s.answered_on is None for s in supplements
    )
    return Timeline(steps=tuple(steps), paused=paused and not ended and not denied)


def _milestone(key: str, kind: StepKind, day: dt.date | None) -> Step:
    """A step that happens on one day: submission, the licence, the withdrawal."""
    return Step(key=key, kind=kind, state=StepState.DONE, started_on=day, done_on=day)


def _acceptance(
    facts: _Facts, window: Stage | None, not_accepted: bool, not_accepted_on, withdrawn: bool
) -> Step:
    app = facts.app
    if window is not None:
        departments = tuple(
            facts.departments.get(branch.department, branch.department)
            for branch in window.branches
        )
        names = {"name_en": window.name_en, "name_zh": window.name_zh}
        limit = window.limit_working_days
    else:
        departments = (app.intake_department,) if app.intake_department else ()
        names, limit = {}, None
    step = Step(
        key=window.key if window is not None else "acceptance",
        kind=StepKind.ACCEPTANCE,
        state=StepState.CURRENT,
        started_on=app.received_on,
        departments=departments,
        limit_working_days=limit,
        **names,
    )
    if app.accepted_on is not None:
        outcome = Outcome.ACCEPTED
        if app.deemed_accepted:
            outcome = Outcome.DEEMED_ACCEPTED
        elif facts.pledges or _last(app.history, Status.ACCEPTED_WITH_PLEDGE):
            outcome = Outcome.ACCEPTED_WITH_PLEDGE
        return replace(step, state=StepState.DONE, done_on=app.accepted_on, outcome=outcome)
    if not_accepted:
        return replace(
            step, state=StepState.DONE, done_on=not_accepted_on, outcome=Outcome.NOT_ACCEPTED
        )
    if withdrawn:
        return step  # stopped by _stop_at_withdrawal
    return replace(step, due_on=app.intake_due_on, due_provisional=app.intake_due_provisional)


def _current_stage_index(stages: list[Stage], app: ApplicationFacts) -> int | None:
    for index, stage in enumerate(stages):
        if stage.key == app.current_stage_key:
            return index
    return None


def _stage_step(
    facts: _Facts,
    stage: Stage,
    index: int,
    current_index: int | None,
    ended: bool,
    denied: bool,
) -> Step:
    app = facts.app
    all_tasks = [task for task in facts.tasks if task.stage_key == stage.key]
    latest_round = max((task.round for task in all_tasks), default=0)
    tasks = [task for task in all_tasks if task.round == latest_round]
    status = Status(app.status)
    decided = status in _DECIDED
    if not tasks:
        state = StepState.NOT_REACHED if (ended or decided) else StepState.UPCOMING
    elif (
        current_index is not None
        and index > current_index
        and not decided
        and not any(task.status == "open" for task in tasks)
    ):
        # Sent back to an earlier stage: to be done again. (A later stage with open tasks is
        # confirming a denial proposed in the current one: it runs beside it, Art. 38.)
        state = StepState.UPCOMING
    elif any(task.status == "open" for task in tasks) and not decided and not ended:
        state = StepState.CURRENT
    elif all(task.status == "cancelled" for task in tasks):
        state = StepState.STOPPED  # the application ended while this stage worked on it
    else:
        state = StepState.DONE
    if state in (StepState.UPCOMING, StepState.NOT_REACHED):
        lanes = tuple(
            Lane(
                department=facts.departments.get(branch.department, branch.department),
                state=state,
                status="",
            )
            for branch in stage.branches
        )
    else:
        lanes = tuple(_lane(task) for task in tasks)
    open_due = [lane for lane in lanes if lane.state == StepState.CURRENT and lane.due_on]
    due = max(open_due, key=lambda lane: lane.due_on) if open_due else None
    done_dates = [task.completed_on for task in tasks if task.completed_on is not None]
    rejected = any(task.status == "rejected" for task in tasks)
    return Step(
        key=stage.key,
        kind=StepKind.STAGE,
        state=state,
        name_en=stage.name_en,
        name_zh=stage.name_zh,
        started_on=min((t.created_on for t in tasks if t.created_on), default=None),
        done_on=max(done_dates) if state == StepState.DONE and done_dates else None,
        due_on=due.due_on if due and state == StepState.CURRENT else None,
        due_provisional=bool(due and due.due_provisional),
        limit_working_days=stage.limit_working_days,
        outcome=Outcome.DENIED if denied and rejected else Outcome.NONE,
        departments=tuple(dict.fromkeys(lane.department for lane in lanes)),
        lanes=lanes,
        notes=tuple(
            Note(NoteKind.RETURNED, first=task.completed_on, label=task.return_to)
            for task in all_tasks
            if task.status == "returned" and task.completed_on is not None
        ),
    )


def _lane(task: TaskFact) -> Lane:
    if task.status == "open":
        return Lane(
            department=task.department,
            state=StepState.CURRENT,
            status=task.status,
            due_on=task.due_on,
            due_provisional=task.due_provisional,
        )
    state = StepState.NOT_REACHED if task.status == "cancelled" else StepState.DONE
    return Lane(task.department, state=state, status=task.status, done_on=task.completed_on)


def _decision(facts: _Facts, ended: bool, denied: bool) -> Step:
    app = facts.app
    status = Status(app.status)
    step = Step(key="decided", kind=StepKind.DECISION, state=StepState.UPCOMING)
    if ended:
        return replace(step, state=StepState.NOT_REACHED)
    if app.decided_on is not None and (denied or status in _DECIDED):
        outcome = Outcome.DENIED if denied else Outcome.APPROVED
        return replace(
            step,
            state=StepState.DONE,
            started_on=app.decided_on,
            done_on=app.decided_on,
            outcome=outcome,
        )
    return replace(
        step,
        due_on=app.decision_due_on,
        due_provisional=app.decision_due_provisional,
        promised_on=app.promised_due_on,
        promised_provisional=app.promised_due_provisional,
    )


def _stop_at_withdrawal(steps: list[Step], withdrawn_on: dt.date | None) -> list[Step]:
    """The step running when the applicant withdrew stops there; a last step says so."""
    result = []
    for step in steps:
        if step.state == StepState.CURRENT:
            lanes = tuple(
                replace(lane, state=StepState.STOPPED) if lane.state == StepState.CURRENT else lane
                for lane in step.lanes
            )
            step = replace(step, state=StepState.STOPPED, due_on=None, lanes=lanes)
        elif step.state == StepState.UPCOMING:
            step = replace(step, state=StepState.NOT_REACHED)
        result.append(step)
    result.append(_milestone("withdrawn", StepKind.WITHDRAWN, withdrawn_on))
    return result


def _running_on(steps: list[Step], day: dt.date, *, review: bool) -> int | None:
    """The index of the step that was running on ``day`` (a review stage when ``review``): the
    first begun step whose period covers the day, else the last one begun before it. The
    facts are dates, so a day on which one step ended and the next began counts for the first."""
    begun = [
        index
        for index, step in enumerate(steps)
        if step.state not in (StepState.UPCOMING, StepState.NOT_REACHED)
        and (step.kind == StepKind.STAGE or (not review and step.kind == StepKind.ACCEPTANCE))
        and (step.started_on is None or step.started_on <= day)
    ]
    for index in begun:
        if steps[index].done_on is None or steps[index].done_on >= day:
            return index
    return begun[-1] if begun else None


def _attach_notes(facts: _Facts, steps: list[Step]) -> list[Step]:
    notes: dict[int, list[Note]] = {}
    acceptance = next(i for i, step in enumerate(steps) if step.kind == StepKind.ACCEPTANCE)

    # What is open now belongs to the step running now (or the one the application ended in).
    current = next(
        (i for i, step in enumerate(steps) if step.state in (StepState.CURRENT, StepState.STOPPED)),
        None,
    )

    def add(index: int | None, note: Note) -> None:
        notes.setdefault(acceptance if index is None else index, []).append(note)

    for pause in facts.pauses:
        kind = NoteKind.PAUSE if pause.ended_on is not None else NoteKind.OPEN_PAUSE
        note = Note(
            kind,
            first=pause.started_on,
            last=pause.ended_on,
            days=pause.expected_working_days,
            label=pause.kind,
            text=pause.reason,
        )
        if pause.kind == "supplement":
            continue  # told by the supplement notice itself
        add(
            current
            if kind == NoteKind.OPEN_PAUSE
            else _running_on(steps, pause.started_on, review=True),
            note,
        )
    for supplement in facts.supplements:
        kind = NoteKind.SUPPLEMENT if supplement.answered_on else NoteKind.OPEN_SUPPLEMENT
        note = Note(
            kind, first=supplement.requested_on, last=supplement.answered_on or supplement.reply_by
        )
        if not supplement.during_review:
            index = acceptance
        elif kind == NoteKind.OPEN_SUPPLEMENT and current is not None:
            index = current
        else:
            index = _running_on(steps, supplement.requested_on, review=True)
        add(index, note)
    for pledge in facts.pledges:
        add(
            acceptance,
            Note(
                NoteKind.PLEDGE,
                first=pledge.due_on,
                last=pledge.fulfilled_on or pledge.lapsed_on,
                label=pledge.material,
                text="fulfilled" if pledge.fulfilled_on else "lapsed" if pledge.lapsed_on else "",
            ),
        )
    decision = next(i for i, step in enumerate(steps) if step.kind == StepKind.DECISION)
    for extension in facts.extensions:
        # Art. 42: the extension lengthens the decision's limit; told where the work was then.
        index = _running_on(steps, extension.decided_on, review=True)
        add(decision if index is None else index, _extension_note(extension))
    result = []
    for index, step in enumerate(steps):
        extra = tuple(sorted(notes.get(index, ()), key=lambda note: note.first))
        if extra:
            step = replace(step, notes=step.notes + extra)
        if step.state == StepState.CURRENT and any(
            note.kind in (NoteKind.OPEN_PAUSE, NoteKind.OPEN_SUPPLEMENT) for note in step.notes
        ):
            # The clock is stopped: the due date moves on by the paused working days.
            step = replace(
                step,
                due_on=None,
                lanes=tuple(replace(lane, due_on=None) for lane in step.lanes),
            )
        result.append(step)
    return result


def _extension_note(extension: ExtensionFact) -> Note:
    return Note(
        NoteKind.EXTENSION,
        first=extension.decided_on,
        days=extension.working_days,
        text=extension.reason,
    )
