"""The timeline's arrangement from plain facts: sequential, parallel, returned, paused,
extended, withdrawn, denied, deemed accepted, refused at intake."""

import datetime as dt

from approvals.domain.timeline import (
    ApplicationFacts,
    ExtensionFact,
    NoteKind,
    Outcome,
    PauseFact,
    StatusChange,
    StepKind,
    StepState,
    SupplementFact,
    TaskFact,
    arrange,
)
from approvals.domain.workflow_definition import parse_definition

DONE, NOW, TO_COME = StepState.DONE, StepState.CURRENT, StepState.UPCOMING
STOPPED, NOT_REACHED = StepState.STOPPED, StepState.NOT_REACHED


def d(day: int) -> dt.date:
    return dt.date(2025, 3, day)


def stage(key, *branches, role="reviewer", days=10):
    return {
        "key": key,
        "name": {"en": key.title(), "zh": key},
        "branches": [{"key": b, "department": b, "role": role} for b in branches],
        "limit_working_days": days,
    }


SEQUENTIAL = parse_definition(
    {
        "stages": [
            stage("intake", "window", role="intake_clerk", days=1),
            stage("review", "market"),
            stage("decision", "market_head", role="approver"),
        ]
    }
)
PARALLEL = parse_definition(
    {
        "stages": [
            stage("intake", "window", role="intake_clerk", days=1),
            stage("joint", "planning", "fire", "housing"),
            stage("decision", "planning_head", role="approver"),
        ]
    }
)
NAMES = {"window": "Service centre", "market": "Market bureau", "market_head": "Market bureau"}


def facts(**kwargs) -> ApplicationFacts:
    values = {
        "status": "under_review",
        "received_on": d(3),
        "accepted_on": d(4),
        "decision_due_on": d(28),
        "promised_due_on": d(18),
        "current_stage_key": "review",
        "history": (StatusChange(d(3), "submitted"), StatusChange(d(4), "accepted")),
    }
    return ApplicationFacts(**{**values, **kwargs})


def task(stage_key, department, status="open", **kwargs):
    values = {"created_on": d(4), "due_on": d(14)}
    if status != "open":
        values["completed_on"] = d(10)
    return TaskFact(stage_key, department, status, **{**values, **kwargs})


def states(timeline):
    return [(step.key, step.state) for step in timeline.steps]


def step(timeline, key):
    return next(s for s in timeline.steps if s.key == key)


def test_sequential_review_in_progress():
    # Given an application accepted on 4 March whose review is running
    timeline = arrange(
        SEQUENTIAL, facts(), tasks=[task("review", "Market bureau")], departments=NAMES
    )
    # Then submission and acceptance are done, the review runs, the rest is to come
    assert states(timeline) == [
        ("submitted", DONE),
        ("intake", DONE),
        ("review", NOW),
        ("decision", TO_COME),
        ("decided", TO_COME),
    ]
    assert step(timeline, "submitted").done_on == d(3)
    intake = step(timeline, "intake")
    assert (intake.done_on, intake.departments, intake.outcome) == (
        d(4),
        ("Service centre",),
        Outcome.ACCEPTED,
    )
    review = step(timeline, "review")
    assert (review.due_on, review.departments) == (d(14), ("Market bureau",))
    # the stages to come name their departments from the definition
    assert step(timeline, "decision").departments == ("Market bureau",)
    decided = step(timeline, "decided")
    assert (decided.due_on, decided.promised_on) == (d(28), d(18))
    assert timeline.current.key == "review"


def test_waiting_at_the_window_shows_the_intake_due_date():
    timeline = arrange(
        SEQUENTIAL,
        facts(status="submitted", accepted_on=None, current_stage_key="", intake_due_on=d(10)),
        departments=NAMES,
    )
    assert states(timeline)[:3] == [("submitted", DONE), ("intake", NOW), ("review", TO_COME)]
    assert step(timeline, "intake").due_on == d(10)


def test_parallel_departments_are_lanes_of_one_step():
    tasks = [
        task("joint", "Planning", "approved", completed_on=d(9)),
        task("joint", "Fire", due_on=d(20), due_provisional=True),
        task("joint", "Housing", due_on=d(19)),
    ]
    timeline = arrange(PARALLEL, facts(current_stage_key="joint"), tasks=tasks)
    joint = step(timeline, "joint")
    assert joint.state == NOW and joint.is_parallel
    assert [(lane.department, lane.state, lane.done_on) for lane in joint.lanes] == [
        ("Planning", DONE, d(9)),
        ("Fire", NOW, None),
        ("Housing", NOW, None),
    ]
    # the stage is due when its last open branch is, provisional as that one is
    assert (joint.due_on, joint.due_provisional) == (d(20), True)


def test_returned_to_an_earlier_stage():
    # Given the decision stage sent the application back to the review, which runs again
    tasks = [
        task("review", "Market bureau", "approved", completed_on=d(6)),
        task("decision", "Market bureau", "returned", completed_on=d(8), return_to="review"),
        task("review", "Market bureau", round=2, created_on=d(8), due_on=d(20)),
    ]
    timeline = arrange(SEQUENTIAL, facts(), tasks=tasks)
    # Then the review is running again and the decision stage is to come, saying it sent it back
    assert states(timeline)[2:4] == [("review", NOW), ("decision", TO_COME)]
    assert step(timeline, "review").due_on == d(20)
    (note,) = step(timeline, "decision").notes
    assert (note.kind, note.first, note.label) == (NoteKind.RETURNED, d(8), "review")


def test_paused_for_expert_review_explains_the_pause_and_has_no_due_date():
    pause = PauseFact("expert_review", started_on=d(7), expected_working_days=15, reason="Noise")
    timeline = arrange(
        SEQUENTIAL,
        facts(decision_due_on=None, promised_due_on=None),
        tasks=[task("review", "Market bureau")],
        pauses=[pause],
    )
    review = step(timeline, "review")
    assert review.state == NOW and review.due_on is None
    (note,) = review.notes
    assert (note.kind, note.first, note.days, note.label) == (
        NoteKind.OPEN_PAUSE,
        d(7),
        15,
        "expert_review",
    )
    assert timeline.paused


def test_an_ended_pause_stays_on_the_step_it_happened_in():
    pause = PauseFact("inspection", started_on=d(5), ended_on=d(7))
    timeline = arrange(
        SEQUENTIAL,
        facts(current_stage_key="decision"),
        tasks=[
            task("review", "Market bureau", "approved", completed_on=d(9)),
            task("decision", "Market bureau", created_on=d(9)),
        ],
        pauses=[pause],
    )
    assert [note.kind for note in step(timeline, "review").notes] == [NoteKind.PAUSE]
    assert step(timeline, "decision").notes == ()
    assert step(timeline, "decision").due_on == d(14)
    assert not timeline.paused


def test_an_extension_is_told_on_the_running_step():
    timeline = arrange(
        SEQUENTIAL,
        facts(),
        tasks=[task("review", "Market bureau")],
        extensions=[ExtensionFact(10, decided_on=d(12), reason="Site visit")],
    )
    (note,) = step(timeline, "review").notes
    assert (note.kind, note.days, note.text) == (NoteKind.EXTENSION, 10, "Site visit")


def test_withdrawn_during_review_stops_there():
    history = (*facts().history, StatusChange(d(11), "withdrawn"))
    tasks = [task("review", "Market bureau", "cancelled", completed_on=d(11))]
    timeline = arrange(SEQUENTIAL, facts(status="withdrawn", history=history), tasks=tasks)
    assert states(timeline) == [
        ("submitted", DONE),
        ("intake", DONE),
        ("review", STOPPED),
        ("decision", NOT_REACHED),
        ("decided", NOT_REACHED),
        ("withdrawn", DONE),
    ]
    assert step(timeline, "withdrawn").done_on == d(11)


def test_withdrawn_at_the_window_stops_the_intake():
    history = (StatusChange(d(3), "submitted"), StatusChange(d(5), "withdrawn"))
    timeline = arrange(
        SEQUENTIAL,
        facts(status="withdrawn", accepted_on=None, current_stage_key="", history=history),
    )
    assert states(timeline)[1:] == [
        ("intake", STOPPED),
        ("review", NOT_REACHED),
        ("decision", NOT_REACHED),
        ("decided", NOT_REACHED),
        ("withdrawn", DONE),
    ]


def test_denied_in_a_parallel_stage_cancels_the_other_branches():
    history = (*facts().history, StatusChange(d(12), "denied"))
    tasks = [
        task("joint", "Planning", "rejected", completed_on=d(9)),
        task("joint", "Fire", "cancelled", completed_on=d(12)),
        task("joint", "Housing", "approved", completed_on=d(8)),
        task("decision", "Planning", "approved", completed_on=d(12), created_on=d(9)),
    ]
    timeline = arrange(
        PARALLEL,
        facts(status="denied", decided_on=d(12), current_stage_key="joint", history=history),
        tasks=tasks,
    )
    joint = step(timeline, "joint")
    assert (joint.state, joint.outcome) == (DONE, Outcome.DENIED)
    assert [lane.status for lane in joint.lanes] == ["rejected", "cancelled", "approved"]
    assert joint.lanes[1].state == NOT_REACHED
    decided = step(timeline, "decided")
    assert (decided.state, decided.outcome, decided.done_on) == (DONE, Outcome.DENIED, d(12))


def test_approved_and_licence_issued():
    history = (
        *facts().history,
        StatusChange(d(12), "approved"),
        StatusChange(d(13), "licence_issued"),
    )
    tasks = [
        task("review", "Market bureau", "approved", completed_on=d(6)),
        task("decision", "Market bureau", "approved", completed_on=d(12)),
    ]
    timeline = arrange(
        SEQUENTIAL,
        facts(status="licence_issued", decided_on=d(12), history=history),
        tasks=tasks,
    )
    assert [s.state for s in timeline.steps] == [DONE] * 6
    assert step(timeline, "decided").outcome == Outcome.APPROVED
    assert step(timeline, "licence").done_on == d(13)
    assert timeline.current is None


def test_deemed_accepted_says_so():
    timeline = arrange(
        SEQUENTIAL, facts(deemed_accepted=True), tasks=[task("review", "Market bureau")]
    )
    assert step(timeline, "intake").outcome == Outcome.DEEMED_ACCEPTED


def test_not_accepted_ends_at_the_window():
    history = (StatusChange(d(3), "submitted"), StatusChange(d(4), "not_accepted"))
    timeline = arrange(
        SEQUENTIAL,
        facts(status="not_accepted", accepted_on=None, current_stage_key="", history=history),
    )
    intake = step(timeline, "intake")
    assert (intake.state, intake.outcome, intake.done_on) == (DONE, Outcome.NOT_ACCEPTED, d(4))
    assert [s.state for s in timeline.steps[2:]] == [NOT_REACHED] * 3


def test_supplement_at_the_window_pauses_the_intake():
    timeline = arrange(
        SEQUENTIAL,
        facts(status="supplement_requested", accepted_on=None, current_stage_key=""),
        supplements=[SupplementFact(requested_on=d(4), reply_by=d(20))],
    )
    intake = step(timeline, "intake")
    assert intake.state == NOW and intake.due_on is None
    assert [(n.kind, n.first, n.last) for n in intake.notes] == [
        (NoteKind.OPEN_SUPPLEMENT, d(4), d(20))
    ]


def test_without_a_window_stage_the_acceptance_is_the_services_department():
    definition = parse_definition({"stages": [stage("review", "market")]})
    timeline = arrange(
        definition,
        facts(intake_department="Market bureau"),
        tasks=[task("review", "Market bureau")],
    )
    assert [s.kind for s in timeline.steps] == [
        StepKind.SUBMITTED,
        StepKind.ACCEPTANCE,
        StepKind.STAGE,
        StepKind.DECISION,
    ]
    assert timeline.steps[1].departments == ("Market bureau",)


def test_a_pause_on_a_day_when_steps_changed_goes_to_the_first_review_stage_of_that_day():
    # Given everything happened on 4 March: acceptance, the review with a pause, its approval
    timeline = arrange(
        SEQUENTIAL,
        facts(current_stage_key="decision"),
        tasks=[
            task("review", "Market bureau", "approved", completed_on=d(4)),
            task("decision", "Market bureau", created_on=d(4)),
        ],
        pauses=[PauseFact("expert_review", started_on=d(4), ended_on=d(4))],
    )
    # Then the pause is told on the review, not on the acceptance or the decision stage
    assert [note.kind for note in step(timeline, "review").notes] == [NoteKind.PAUSE]
    assert step(timeline, "intake").notes == step(timeline, "decision").notes == ()


def test_a_later_stage_confirming_a_proposed_denial_runs_beside_the_current_one():
    # Given housing rejected in the joint review, and the decision stage is confirming the denial
    tasks = [
        task("joint", "Planning"),
        task("joint", "Housing", "rejected", completed_on=d(9)),
        task("decision", "Planning", created_on=d(9), due_on=d(16)),
    ]
    timeline = arrange(PARALLEL, facts(current_stage_key="joint"), tasks=tasks)
    # Then both run, the first is the current step, and the decision stage shows its due date
    assert states(timeline)[2:4] == [("joint", NOW), ("decision", NOW)]
    assert timeline.current.key == "joint"
    assert step(timeline, "decision").due_on == d(16)
