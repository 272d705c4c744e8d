"""The workflow engine and its definitions. No database.

The exhaustive tests run every combination of task outcomes for stages of one to four parallel
branches through the engine and compare its answer with ``oracle``, a deliberately plain
restatement of the rules in DESIGN.md §2 (并联审批) and issue 4.
"""

import copy
import itertools
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from approvals.domain.workflow import (
    DEFINITION_JSON_SCHEMA,
    ROLES,
    Advance,
    Complete,
    DefinitionError,
    DenialOverruled,
    FanOut,
    InvalidState,
    NeedsSecondApproval,
    ProposeDenial,
    Reject,
    ReturnTo,
    SelfApprovalRefused,
    TaskState,
    TaskStatus,
    Wait,
    WorkflowState,
    may_give_second_approval,
    next_step,
    parse_definition,
)

# The demo's parallel service: construction project planning permit (建设工程规划许可证).
PLANNING_PERMIT = {
    "stages": [
        {
            "key": "intake",
            "name": {"en": "Intake at the window", "zh": "窗口受理"},
            "branches": [{"key": "window", "department": "service-window", "role": "intake_clerk"}],
            "limit_working_days": 5,
        },
        {
            "key": "joint_review",
            "name": {"en": "Joint review", "zh": "并联审查"},
            "branches": [
                {"key": "planning", "department": "natural-resources-planning", "role": "reviewer"},
                {"key": "housing", "department": "housing-urban-rural", "role": "reviewer"},
                {"key": "fire", "department": "fire-rescue", "role": "reviewer"},
            ],
            "join": "all_approve",
            "limit_working_days": 20,
        },
        {
            "key": "approval",
            "name": {"en": "Approval", "zh": "审批"},
            "branches": [
                {"key": "approver", "department": "natural-resources-planning", "role": "approver"}
            ],
            "limit_working_days": 5,
            "second_approval": True,
        },
    ]
}

OPEN, APPROVED, REJECTED, RETURNED, CANCELLED = (
    TaskStatus.OPEN,
    TaskStatus.APPROVED,
    TaskStatus.REJECTED,
    TaskStatus.RETURNED,
    TaskStatus.CANCELLED,
)
ALICE, BOB = "alice", "bob"


def task(task_id, branch, status, **kwargs):
    return TaskState(id=task_id, branch=branch, status=status, **kwargs)


# --- the demo service ------------------------------------------------------------------------


def test_demo_goes_window_then_three_departments_in_parallel_then_approver_then_decision():
    definition = parse_definition(PLANNING_PERMIT)

    start = next_step(definition, WorkflowState(stage=None))
    assert isinstance(start, FanOut)
    assert start.stage.key == "intake"
    assert [(b.department, b.role) for b in start.branches] == [("service-window", "intake_clerk")]

    accepted = next_step(definition, WorkflowState("intake", [task(1, "window", APPROVED)]))
    assert isinstance(accepted, Advance)
    assert accepted.to_stage == "joint_review"
    assert [b.department for b in accepted.branches] == [
        "natural-resources-planning",
        "housing-urban-rural",
        "fire-rescue",
    ]

    two_of_three = [
        task(2, "planning", APPROVED),
        task(3, "housing", APPROVED),
        task(4, "fire", OPEN),
    ]
    assert next_step(definition, WorkflowState("joint_review", two_of_three)) == Wait(
        "joint_review", ("fire",)
    )

    all_three = [*two_of_three[:2], task(4, "fire", APPROVED)]
    to_approver = next_step(definition, WorkflowState("joint_review", all_three))
    assert isinstance(to_approver, Advance)
    assert to_approver.to_stage == "approval"

    drafted = [task(5, "approver", APPROVED, drafted_by=ALICE)]
    assert next_step(definition, WorkflowState("approval", drafted)) == NeedsSecondApproval(
        "approval", ("approver",), (5,)
    )

    signed = [task(5, "approver", APPROVED, drafted_by=ALICE, approved_by=BOB)]
    assert next_step(definition, WorkflowState("approval", signed)) == Complete("approval")


def test_demo_one_department_rejects_and_the_rejection_goes_to_the_approver():
    # A reviewer's rejection is a proposal: the approver stage confirms it; the others work on.
    definition = parse_definition(PLANNING_PERMIT)
    tasks = [task(2, "planning", OPEN), task(3, "housing", REJECTED), task(4, "fire", OPEN)]

    decision = next_step(definition, WorkflowState("joint_review", tasks))

    assert isinstance(decision, ProposeDenial)
    assert (decision.stage, decision.rejected_by, decision.rejections) == (
        "joint_review",
        ("housing",),
        (3,),
    )
    assert decision.to.key == "approval"
    assert [(b.department, b.role) for b in decision.branches] == [
        ("natural-resources-planning", "approver")
    ]


def confirming(*confirmations, tasks=None):
    tasks = tasks or [
        task(2, "planning", APPROVED),
        task(3, "housing", OPEN),
        task(4, "fire", REJECTED),
    ]
    return WorkflowState("joint_review", tasks, "approval", list(confirmations))


def test_demo_a_proposed_denial_waits_for_the_approver_and_a_second_approver():
    definition = parse_definition(PLANNING_PERMIT)

    assert next_step(definition, confirming(task(9, "approver", OPEN))) == Wait(
        "approval", ("approver",)
    )
    drafted = task(9, "approver", APPROVED, drafted_by=ALICE)
    assert next_step(definition, confirming(drafted)) == NeedsSecondApproval(
        "approval", ("approver",), (9,)
    )
    selfsigned = task(9, "approver", APPROVED, drafted_by=ALICE, approved_by=ALICE)
    assert isinstance(next_step(definition, confirming(selfsigned)), SelfApprovalRefused)


def test_demo_a_confirmed_denial_cancels_the_open_branch_and_is_the_approvers_decision():
    definition = parse_definition(PLANNING_PERMIT)
    signed = task(9, "approver", APPROVED, drafted_by=ALICE, approved_by=BOB)

    decision = next_step(definition, confirming(signed))

    assert decision == Reject("joint_review", rejected_by=("fire",), cancel=(3,), decided_by=(9,))


def test_demo_an_overruled_denial_reopens_the_rejecting_branch():
    definition = parse_definition(PLANNING_PERMIT)
    overruled = task(9, "approver", REJECTED, drafted_by=ALICE, approved_by=BOB)

    decision = next_step(definition, confirming(overruled))

    assert decision == DenialOverruled(
        "joint_review", "approval", rejections=(4,), reopen=("fire",), cancel=()
    )


def test_asking_again_after_a_confirmed_denial_gives_the_same_denial_with_nothing_to_cancel():
    definition = parse_definition(PLANNING_PERMIT)
    tasks = [
        task(2, "planning", CANCELLED),
        task(3, "housing", REJECTED),
        task(4, "fire", CANCELLED),
    ]
    signed = task(9, "approver", APPROVED, drafted_by=ALICE, approved_by=BOB)

    decision = next_step(definition, confirming(signed, tasks=tasks))

    assert decision == Reject("joint_review", rejected_by=("housing",), cancel=(), decided_by=(9,))


def test_a_rejection_on_the_last_stage_needs_its_second_approver_too():
    definition = parse_definition(PLANNING_PERMIT)
    drafted = [task(5, "approver", REJECTED, drafted_by=ALICE)]
    signed = [task(5, "approver", REJECTED, drafted_by=ALICE, approved_by=BOB)]

    assert next_step(definition, WorkflowState("approval", drafted)) == NeedsSecondApproval(
        "approval", ("approver",), (5,)
    )
    assert next_step(definition, WorkflowState("approval", signed)) == Reject(
        "approval", rejected_by=("approver",), cancel=(), decided_by=(5,)
    )


# --- exhaustive: every combination of outcomes for 1-4 parallel branches ---------------------

# What a branch's task can look like. "drafted": approved by its drafter, no second approval
# yet; "signed": drafted by Alice, second approval by Bob; "self": Alice approved her own draft;
# the same three for a rejection ("rejection_drafted", "rejected", "rejection_self").
OUTCOMES = (
    "open",
    "drafted",
    "signed",
    "self",
    "rejection_drafted",
    "rejected",
    "rejection_self",
    "returned",
    "cancelled",
)
POSITIONS = ("first", "middle", "last")


def make_task(index, outcome):
    status = {
        "open": OPEN,
        "drafted": APPROVED,
        "signed": APPROVED,
        "self": APPROVED,
        "rejection_drafted": REJECTED,
        "rejected": REJECTED,
        "rejection_self": REJECTED,
        "returned": RETURNED,
        "cancelled": CANCELLED,
    }[outcome]
    people = {
        "drafted": {"drafted_by": ALICE},
        "signed": {"drafted_by": ALICE, "approved_by": BOB},
        "self": {"drafted_by": ALICE, "approved_by": ALICE},
        "rejection_drafted": {"drafted_by": ALICE},
        "rejected": {"drafted_by": ALICE, "approved_by": BOB},
        "rejection_self": {"drafted_by": ALICE, "approved_by": ALICE},
    }.get(outcome, {})
    return TaskState(id=100 + index, branch=f"b{index}", status=status, **people)


WITHOUT_SECOND_APPROVAL = {
    "drafted": "signed",
    "self": "signed",
    "rejection_drafted": "rejected",
    "rejection_self": "rejected",
}


def definition_with(branch_count, position, second_approval):
    def stage(key, branches):
        return {
            "key": key,
            "name": {"en": key, "zh": key},
            "branches": [
                {"key": f"b{i}", "department": f"dept-{i}", "role": "reviewer"}
                for i in range(branches)
            ],
            "limit_working_days": 10,
            "second_approval": second_approval if key == "under_test" else False,
        }

    keys = {
        "first": ["under_test", "after"],
        "middle": ["before", "under_test", "after"],
        "last": ["before", "under_test"],
    }[position]
    return parse_definition(
        {"stages": [stage(key, branch_count if key == "under_test" else 1) for key in keys]}
    )


def oracle(outcomes, position, second_approval):
    """The rules, written as plainly as possible, on the outcome names."""
    if not second_approval:
        # Without second approval, any decision is a decision, whoever gave it.
        outcomes = [WITHOUT_SECOND_APPROVAL.get(o, o) for o in outcomes]
    ids = {i: 100 + i for i in range(len(outcomes))}

    def where(*names):
        return [i for i, o in enumerate(outcomes) if o in names]

    unfinished = tuple(ids[i] for i in where("open", "drafted", "rejection_drafted"))
    if where("self", "rejection_self"):
        return ("refused", ids[where("self", "rejection_self")[0]])
    if where("rejected"):
        rejected_by = tuple(f"b{i}" for i in where("rejected"))
        if position == "last":  # the last stage's rejection is the decision
            return ("reject", rejected_by, unfinished)
        return ("propose", rejected_by, "after")  # the next stage confirms it first
    if where("returned"):
        if position == "first":
            return ("invalid",)
        return ("return", "before", tuple(f"b{i}" for i in where("returned")), unfinished)
    if where("cancelled"):
        return ("invalid",)  # a branch cancelled while the stage still runs
    if where("drafted", "rejection_drafted"):
        return ("second", tuple(ids[i] for i in where("drafted", "rejection_drafted")))
    if where("open"):
        return ("wait", tuple(f"b{i}" for i in where("open")))
    return ("complete",) if position == "last" else ("advance", "after")


def engine(definition, tasks):
    """The engine's answer in the oracle's shape."""
    try:
        decision = next_step(definition, WorkflowState("under_test", tasks))
    except InvalidState:
        return ("invalid",)
    match decision:
        case SelfApprovalRefused(task_id=task_id):
            return ("refused", task_id)
        case Reject(rejected_by=rejected_by, cancel=cancel):
            return ("reject", rejected_by, cancel)
        case ProposeDenial(rejected_by=rejected_by, to=to):
            return ("propose", rejected_by, to.key)
        case ReturnTo(stage=stage, returned_by=returned_by, cancel=cancel):
            return ("return", stage.key, returned_by, cancel)
        case NeedsSecondApproval(task_ids=task_ids):
            return ("second", task_ids)
        case Wait(waiting_for=waiting_for):
            return ("wait", waiting_for)
        case Complete():
            return ("complete",)
        case Advance(from_stage="under_test"):
            return ("advance", decision.to_stage)
    raise AssertionError(f"unexpected decision {decision!r}")


@pytest.mark.parametrize("second_approval", [False, True])
@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize("branch_count", [1, 2, 3, 4])
def test_engine_agrees_with_oracle_on_every_combination(branch_count, position, second_approval):
    definition = definition_with(branch_count, position, second_approval)
    mismatches = []
    combinations = list(itertools.product(OUTCOMES, repeat=branch_count))

    for outcomes in combinations:
        tasks = [make_task(i, outcome) for i, outcome in enumerate(outcomes)]
        expected = oracle(list(outcomes), position, second_approval)
        actual = engine(definition, tasks)
        if actual != expected:
            mismatches.append((outcomes, expected, actual))

    assert len(combinations) == len(OUTCOMES) ** branch_count
    assert mismatches == []


def test_the_exhaustive_run_reaches_every_kind_of_decision():
    # Guards the oracle comparison against passing vacuously.
    seen = set()
    for position, second_approval in itertools.product(POSITIONS, [False, True]):
        definition = definition_with(2, position, second_approval)
        for outcomes in itertools.product(OUTCOMES, repeat=2):
            tasks = [make_task(i, o) for i, o in enumerate(outcomes)]
            seen.add(engine(definition, tasks)[0])

    assert seen == {
        "refused",
        "reject",
        "propose",
        "return",
        "second",
        "wait",
        "complete",
        "advance",
        "invalid",
    }


# --- exhaustive: every combination of outcomes of a proposed denial's confirmation ------------


def confirmation_definition(branch_count, chained, second_approval):
    """under_test (two reviewers) → confirm (``branch_count`` approvers) [→ head]."""

    def stage(key, branches, role, second=False):
        return {
            "key": key,
            "name": {"en": key, "zh": key},
            "branches": [
                {"key": f"b{i}", "department": f"dept-{i}", "role": role} for i in range(branches)
            ],
            "limit_working_days": 10,
            "second_approval": second,
        }

    stages = [
        stage("under_test", 2, "reviewer"),
        stage("confirm", branch_count, "approver", second_approval),
    ]
    if chained:
        stages.append(stage("head", 1, "department_head"))
    return parse_definition({"stages": stages})


REVIEW = [
    TaskState(id=1, branch="b0", status=REJECTED),
    TaskState(id=2, branch="b1", status=OPEN),
]


def confirmation_oracle(outcomes, chained, second_approval):
    """A proposed denial's confirmation, as plainly as possible: confirmed approvals confirm,
    a (seconded) rejection overrules, four eyes where the stage says so."""
    if not second_approval:
        outcomes = [WITHOUT_SECOND_APPROVAL.get(o, o) for o in outcomes]
    ids = {i: 100 + i for i in range(len(outcomes))}

    def where(*names):
        return [i for i, o in enumerate(outcomes) if o in names]

    unfinished = tuple(ids[i] for i in where("open", "drafted", "rejection_drafted"))
    if where("self", "rejection_self"):
        return ("refused", ids[where("self", "rejection_self")[0]])
    if where("rejected"):
        return ("overruled", ("b0",), unfinished)
    if where("returned", "cancelled"):
        return ("invalid",)
    if where("drafted", "rejection_drafted"):
        return ("second", tuple(ids[i] for i in where("drafted", "rejection_drafted")))
    if where("open"):
        return ("wait", tuple(f"b{i}" for i in where("open")))
    if chained:
        return ("propose", ("b0",), "head")
    return ("reject", ("b0",), (2,), tuple(ids.values()))


def confirmation_engine(definition, confirmations):
    state = WorkflowState("under_test", REVIEW, "confirm", confirmations)
    try:
        decision = next_step(definition, state)
    except InvalidState:
        return ("invalid",)
    match decision:
        case SelfApprovalRefused(task_id=task_id):
            return ("refused", task_id)
        case DenialOverruled(reopen=reopen, cancel=cancel, rejections=(1,)):
            return ("overruled", reopen, cancel)
        case NeedsSecondApproval(stage="confirm", task_ids=task_ids):
            return ("second", task_ids)
        case Wait(stage="confirm", waiting_for=waiting_for):
            return ("wait", waiting_for)
        case ProposeDenial(rejected_by=rejected_by, to=to, rejections=(1,)):
            return ("propose", rejected_by, to.key)
        case Reject(rejected_by=rejected_by, cancel=cancel, decided_by=decided_by):
            return ("reject", rejected_by, cancel, decided_by)
    raise AssertionError(f"unexpected decision {decision!r}")


@pytest.mark.parametrize("second_approval", [False, True])
@pytest.mark.parametrize("chained", [False, True])
@pytest.mark.parametrize("branch_count", [1, 2, 3])
def test_confirmation_agrees_with_oracle_on_every_combination(
    branch_count, chained, second_approval
):
    definition = confirmation_definition(branch_count, chained, second_approval)
    mismatches = []
    for outcomes in itertools.product(OUTCOMES, repeat=branch_count):
        confirmations = [make_task(i, outcome) for i, outcome in enumerate(outcomes)]
        expected = confirmation_oracle(list(outcomes), chained, second_approval)
        actual = confirmation_engine(definition, confirmations)
        if actual != expected:
            mismatches.append((outcomes, expected, actual))

    assert mismatches == []


def test_the_confirmation_run_reaches_every_kind_of_decision():
    seen = set()
    for chained, second_approval in itertools.product([False, True], [False, True]):
        definition = confirmation_definition(2, chained, second_approval)
        for outcomes in itertools.product(OUTCOMES, repeat=2):
            confirmations = [make_task(i, o) for i, o in enumerate(outcomes)]
            seen.add(confirmation_engine(definition, confirmations)[0])

    assert seen == {"refused", "overruled", "invalid", "second", "wait", "propose", "reject"}


@given(
    st.lists(st.sampled_from(OUTCOMES), min_size=1, max_size=3),
    st.sampled_from(OUTCOMES),
)
def test_a_denial_is_never_decided_while_a_review_branch_still_rejects_alone(confirmations, review):
    # Property: whatever the other branch and the confirmations look like, the engine never
    # answers Reject unless every confirmation of the last stage was given by a second person
    # where the stage needs one.
    definition = confirmation_definition(len(confirmations), False, True)
    tasks = [TaskState(id=1, branch="b0", status=REJECTED), make_task(1, review)]
    tasks[1] = TaskState(id=2, branch="b1", status=tasks[1].status, **_people(tasks[1]))
    state = WorkflowState(
        "under_test",
        tasks,
        "confirm",
        [make_task(i, outcome) for i, outcome in enumerate(confirmations)],
    )
    try:
        decision = next_step(definition, state)
    except InvalidState:
        return
    if isinstance(decision, Reject):
        assert all(outcome == "signed" for outcome in confirmations)


def _people(task_state):
    return {"drafted_by": task_state.drafted_by, "approved_by": task_state.approved_by}


# --- sequential stages -----------------------------------------------------------------------


def test_sequential_stages_fan_out_in_order_until_complete():
    definition = parse_definition(
        {
            "stages": [
                {
                    "key": key,
                    "name": {"en": key, "zh": key},
                    "branches": [{"key": "only", "department": "dept", "role": "reviewer"}],
                    "limit_working_days": 5,
                }
                for key in ("first", "second", "third", "fourth")
            ]
        }
    )
    visited = []
    decision = next_step(definition, WorkflowState(None))
    stage = decision.stage.key

    for task_id in itertools.count(1):
        visited.append(stage)
        decision = next_step(definition, WorkflowState(stage, [task(task_id, "only", APPROVED)]))
        if isinstance(decision, Complete):
            break
        assert isinstance(decision, Advance)
        assert decision.from_stage == stage
        stage = decision.to_stage

    assert visited == ["first", "second", "third", "fourth"]
    assert decision == Complete("fourth")


def test_tasks_before_the_workflow_starts_are_refused():
    definition = parse_definition(PLANNING_PERMIT)

    with pytest.raises(InvalidState):
        next_step(definition, WorkflowState(None, [task(1, "window", OPEN)]))


# --- returning to an earlier stage -----------------------------------------------------------


def test_the_approver_returns_the_application_to_the_joint_review():
    definition = parse_definition(PLANNING_PERMIT)
    tasks = [task(5, "approver", RETURNED, return_to="joint_review")]

    decision = next_step(definition, WorkflowState("approval", tasks))

    assert isinstance(decision, ReturnTo)
    assert decision.stage.key == "joint_review"
    assert [b.key for b in decision.branches] == ["planning", "housing", "fire"]
    assert decision.cancel == ()


def test_a_return_without_a_target_goes_to_the_previous_stage_and_cancels_the_open_branches():
    definition = parse_definition(PLANNING_PERMIT)
    tasks = [task(2, "planning", RETURNED), task(3, "housing", APPROVED), task(4, "fire", OPEN)]

    decision = next_step(definition, WorkflowState("joint_review", tasks))

    assert decision.stage.key == "intake"
    assert decision.returned_by == ("planning",)
    assert decision.cancel == (4,)


def test_two_returns_go_back_to_the_earliest_stage_asked_for():
    definition_dict = copy.deepcopy(PLANNING_PERMIT)
    definition_dict["stages"][2]["branches"].append(
        {"key": "legal", "department": "justice", "role": "approver"}
    )
    definition = parse_definition(definition_dict)
    tasks = [
        task(5, "approver", RETURNED, return_to="joint_review"),
        task(6, "legal", RETURNED, return_to="intake"),
    ]

    decision = next_step(definition, WorkflowState("approval", tasks))

    assert decision.stage.key == "intake"
    assert decision.returned_by == ("approver", "legal")


@pytest.mark.parametrize("target", ["approval", "nowhere"])
def test_a_return_may_only_go_to_an_earlier_stage(target):
    definition = parse_definition(PLANNING_PERMIT)
    tasks = [task(5, "approver", RETURNED, return_to=target)]

    with pytest.raises(InvalidState):
        next_step(definition, WorkflowState("approval", tasks))


def test_the_first_stage_cannot_return_anywhere():
    definition = parse_definition(PLANNING_PERMIT)

    with pytest.raises(InvalidState, match="first stage"):
        next_step(definition, WorkflowState("intake", [task(1, "window", RETURNED)]))


# --- second approval -------------------------------------------------------------------------


def test_the_drafter_approving_their_own_draft_is_refused():
    definition = parse_definition(PLANNING_PERMIT)
    tasks = [task(5, "approver", APPROVED, drafted_by=ALICE, approved_by=ALICE)]

    decision = next_step(definition, WorkflowState("approval", tasks))

    assert decision == SelfApprovalRefused("approval", "approver", 5, ALICE)


def test_an_approval_on_a_second_approval_stage_must_say_who_drafted_it():
    definition = parse_definition(PLANNING_PERMIT)

    with pytest.raises(InvalidState, match="drafted"):
        next_step(definition, WorkflowState("approval", [task(5, "approver", APPROVED)]))


def test_stages_without_second_approval_accept_one_persons_approval():
    definition = parse_definition(PLANNING_PERMIT)
    tasks = [task(1, "window", APPROVED, drafted_by=ALICE, approved_by=ALICE)]

    decision = next_step(definition, WorkflowState("intake", tasks))

    assert isinstance(decision, Advance)


@pytest.mark.parametrize(
    ("drafted_by", "approver", "allowed"),
    [(ALICE, BOB, True), (ALICE, ALICE, False), (ALICE, None, False), (None, BOB, False)],
)
def test_may_give_second_approval(drafted_by, approver, allowed):
    assert may_give_second_approval(drafted_by=drafted_by, approver=approver) is allowed


# --- states that do not fit the definition ---------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "tasks", "message"),
    [
        ("nowhere", [], "unknown stage"),
        ("intake", [task(1, "planning", OPEN)], "no branch 'planning'"),
        ("intake", [task(1, "window", OPEN), task(1, "window", CANCELLED)], "appears twice"),
        ("intake", [task(1, "window", OPEN), task(2, "window", OPEN)], "more than one live"),
        (
            "joint_review",
            [task(2, "planning", APPROVED), task(3, "housing", APPROVED)],
            "no live task for branches \\['fire'\\]",
        ),
        ("intake", [], "no live task"),
    ],
)
def test_states_that_do_not_fit_the_definition_are_refused(stage, tasks, message):
    definition = parse_definition(PLANNING_PERMIT)

    with pytest.raises(InvalidState, match=message):
        next_step(definition, WorkflowState(stage, tasks))


def test_a_recreated_task_beside_its_cancelled_predecessor_is_fine():
    definition = parse_definition(PLANNING_PERMIT)
    tasks = [task(1, "window", CANCELLED), task(2, "window", OPEN)]

    assert next_step(definition, WorkflowState("intake", tasks)) == Wait("intake", ("window",))


# --- definitions -----------------------------------------------------------------------------


def test_a_definition_survives_a_round_trip_through_json():
    definition = parse_definition(PLANNING_PERMIT)

    assert parse_definition(definition.to_dict()) == definition
    assert definition.stage("joint_review").is_parallel
    assert definition.stage("approval").second_approval
    assert definition.stage("joint_review").name_zh == "并联审查"


def broken(mutate):
    data = copy.deepcopy(PLANNING_PERMIT)
    mutate(data)
    return data


def problems_of(data):
    with pytest.raises(DefinitionError) as caught:
        parse_definition(data)
    return {(p.path, p.message) for p in caught.value.problems}


def paths_of(data):
    return {path for path, _ in problems_of(data)}


def test_every_problem_is_listed_with_its_json_path():
    def mutate(data):
        review = data["stages"][1]
        review["branches"][1]["key"] = "planning"  # duplicate branch key
        review["branches"][2]["role"] = "janitor"  # unknown role
        review["limit_working_days"] = 0  # not positive
        data["stages"][2]["key"] = "intake"  # duplicate stage key
        data["stages"][0]["name"] = {"en": "Intake"}  # no Chinese name

    problems = problems_of(broken(mutate))

    assert problems == {
        ("$.stages[1].branches[1].key", "duplicate branch key 'planning'"),
        (
            "$.stages[1].branches[2].role",
            "unknown role 'janitor'; allowed: intake_clerk, reviewer, approver, department_head",
        ),
        ("$.stages[1].limit_working_days", "must be a positive whole number of days"),
        ("$.stages[2].key", "duplicate stage key 'intake'"),
        ("$.stages[0].name.zh", "is required"),
    }


def test_the_error_message_lists_every_problem():
    def mutate(data):
        data["stages"][0]["branches"] = []
        data["stages"][1]["join"] = "majority"

    with pytest.raises(DefinitionError) as caught:
        parse_definition(broken(mutate))

    message = str(caught.value)
    assert "$.stages[0].branches: must be a non-empty list of branches" in message
    assert "$.stages[1].join: unknown join rule 'majority'; allowed: all_approve" in message


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"stages": []}, "$.stages"),
        ({}, "$.stages"),
        ([], "$"),
        ({"stages": [], "version": 2}, "$.version"),
        ({"stages": ["intake"]}, "$.stages[0]"),
    ],
)
def test_shapes_that_are_not_a_definition(data, path):
    assert path in paths_of(data)


@pytest.mark.parametrize("limit", [0, -5, 1.5, True, "20", None])
def test_limits_must_be_positive_whole_numbers(limit):
    data = broken(lambda d: d["stages"][1].__setitem__("limit_working_days", limit))

    assert paths_of(data) == {"$.stages[1].limit_working_days"}


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda d: d["stages"][1].pop("branches"), "$.stages[1].branches"),
        (lambda d: d["stages"][1].pop("limit_working_days"), "$.stages[1].limit_working_days"),
        (lambda d: d["stages"][1].__setitem__("limit_days", 20), "$.stages[1].limit_days"),
        (lambda d: d["stages"][1].__setitem__("key", "Joint Review"), "$.stages[1].key"),
        (lambda d: d["stages"][1].__setitem__("key", None), "$.stages[1].key"),
        (
            lambda d: d["stages"][2].__setitem__("second_approval", "yes"),
            "$.stages[2].second_approval",
        ),
        (lambda d: d["stages"][0]["name"].__setitem__("en", "  "), "$.stages[0].name.en"),
        (
            lambda d: d["stages"][1]["branches"][0].pop("department"),
            "$.stages[1].branches[0].department",
        ),
        (
            lambda d: d["stages"][1]["branches"][0].__setitem__("department", "fire & rescue"),
            "$.stages[1].branches[0].department",
        ),
        (
            lambda d: d["stages"][1]["branches"].__setitem__(0, "planning"),
            "$.stages[1].branches[0]",
        ),
    ],
)
def test_single_field_problems(mutate, path):
    assert paths_of(broken(mutate)) == {path}


def test_a_missing_role_is_reported_once_as_required():
    data = broken(lambda d: d["stages"][1]["branches"][0].pop("role"))

    assert problems_of(data) == {("$.stages[1].branches[0].role", "is required")}


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                ["stages", "key", "name", "branches", "role", "department", "join", "en"]
            ),
            children,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@given(data=JSON_VALUES)
def test_any_json_gives_a_definition_or_a_definition_error_never_a_crash(data):
    try:
        parse_definition(data)
    except DefinitionError as error:
        assert error.problems


@given(
    stage=st.fixed_dictionaries(
        {"key": JSON_VALUES, "name": JSON_VALUES, "branches": st.lists(JSON_VALUES, max_size=2)},
        optional={"join": JSON_VALUES, "limit_working_days": JSON_VALUES},
    )
)
def test_any_stage_shape_gives_a_definition_or_a_definition_error(stage):
    try:
        parse_definition({"stages": [stage, stage]})
    except DefinitionError as error:
        assert error.problems


# --- the JSON Schema agrees with the parser ---------------------------------------------------


def schema_errors(value, schema, root=DEFINITION_JSON_SCHEMA):
    """A small JSON Schema checker for the keywords the definition schema uses."""
    if "$ref" in schema:
        return schema_errors(value, root["$defs"][schema["$ref"].rsplit("/", 1)[1]], root)
    types = {
        "object": dict,
        "array": list,
        "string": str,
        "integer": int,
        "boolean": bool,
    }
    expected_type = schema.get("type")
    if expected_type and (
        not isinstance(value, types[expected_type])
        or (expected_type == "integer" and isinstance(value, bool))
    ):
        return 1
    errors = 0
    if "enum" in schema and value not in schema["enum"]:
        errors += 1
    if isinstance(value, str):
        errors += "pattern" in schema and not re.search(schema["pattern"], value)
        errors += len(value) < schema.get("minLength", 0)
    if isinstance(value, int) and "minimum" in schema:
        errors += value < schema["minimum"]
    if isinstance(value, list):
        errors += len(value) < schema.get("minItems", 0)
        errors += sum(schema_errors(item, schema["items"], root) for item in value)
    if isinstance(value, dict):
        errors += len(set(schema.get("required", [])) - value.keys())
        properties = schema.get("properties", {})
        if schema.get("additionalProperties") is False:
            errors += len(value.keys() - properties.keys())
        errors += sum(
            schema_errors(v, properties[k], root) for k, v in value.items() if k in properties
        )
    return errors


SCHEMA_CASES = [
    PLANNING_PERMIT,
    parse_definition(PLANNING_PERMIT).to_dict(),
    broken(lambda d: d["stages"][1]["branches"][2].__setitem__("role", "janitor")),
    broken(lambda d: d["stages"][1].__setitem__("limit_working_days", 0)),
    broken(lambda d: d["stages"][1].__setitem__("limit_working_days", True)),
    broken(lambda d: d["stages"][1].__setitem__("join", "majority")),
    broken(lambda d: d["stages"][1].__setitem__("branches", [])),
    broken(lambda d: d["stages"][1].__setitem__("limit_days", 3)),
    broken(lambda d: d["stages"][1].__setitem__("key", "Joint Review")),
    broken(lambda d: d["stages"][0].__setitem__("name", {"en": "Intake"})),
    broken(lambda d: d["stages"][0]["name"].__setitem__("zh", " ")),
    broken(lambda d: d["stages"][2].__setitem__("second_approval", "yes")),
    broken(lambda d: d["stages"][1]["branches"][0].__setitem__("department", "a b")),
    broken(lambda d: d.__setitem__("stages", [])),
]


@pytest.mark.parametrize("data", SCHEMA_CASES)
def test_json_schema_accepts_exactly_what_the_parser_accepts(data):
    try:
        parse_definition(data)
        parser_accepts = True
    except DefinitionError:
        parser_accepts = False

    assert (schema_errors(data, DEFINITION_JSON_SCHEMA) == 0) is parser_accepts


def test_json_schema_lists_the_roles_the_parser_knows():
    branch = DEFINITION_JSON_SCHEMA["$defs"]["branch"]["properties"]

    assert branch["role"]["enum"] == list(ROLES)
    assert set(ROLES) == {"intake_clerk", "reviewer", "approver", "department_head"}
