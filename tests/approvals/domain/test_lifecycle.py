"""The lifecycle table: every declared transition works, everything else is refused."""

import itertools

import pytest

from approvals.domain.lifecycle import (
    OPEN_STATUSES,
    TRANSITIONS,
    Action,
    Status,
    TransitionNotAllowed,
    allowed_actions,
    next_status,
)
from approvals.models import ApplicationStatus
from approvals.models.application import OPEN_STATUSES as MODEL_OPEN_STATUSES


def test_the_model_statuses_are_the_lifecycle_statuses():
    assert set(ApplicationStatus.values) == {status.value for status in Status}
    assert {str(s) for s in MODEL_OPEN_STATUSES} == {str(s) for s in OPEN_STATUSES}


@pytest.mark.parametrize(("status", "action"), list(itertools.product(Status, Action)))
def test_only_declared_transitions_are_allowed(status, action):
    if (status, action) in TRANSITIONS:
        assert next_status(status, action) == TRANSITIONS[(status, action)]
    else:
        with pytest.raises(TransitionNotAllowed):
            next_status(status, action)


def test_the_happy_path_from_draft_to_closed():
    status = Status.DRAFT
    for action in [
        Action.SUBMIT,
        Action.ACCEPT,
        Action.START_REVIEW,
        Action.APPROVE,
        Action.ISSUE_LICENCE,
        Action.CLOSE,
    ]:
        status = next_status(status, action)
    assert status == Status.CLOSED


def test_a_supplement_answered_at_intake_goes_back_to_the_window():
    status = next_status(Status.SUBMITTED, Action.REQUEST_SUPPLEMENT)
    assert next_status(status, Action.ANSWER_SUPPLEMENT) == Status.SUBMITTED


def test_a_supplement_asked_during_review_goes_back_to_review():
    status = next_status(Status.UNDER_REVIEW, Action.REQUEST_SUPPLEMENT)
    answered = next_status(status, Action.ANSWER_SUPPLEMENT, answering_review_supplement=True)
    assert answered == Status.UNDER_REVIEW


@pytest.mark.parametrize("status", list(Status))
def test_withdrawal_only_from_open_states(status):
    assert (Action.WITHDRAW in allowed_actions(status)) == (status in OPEN_STATUSES)


@pytest.mark.parametrize(
    "status", [Status.APPROVED, Status.DENIED, Status.CLOSED, Status.WITHDRAWN, Status.NOT_ACCEPTED]
)
def test_no_way_back_after_a_decision(status):
    reachable_open = [
        TRANSITIONS[(status, action)]
        for action in allowed_actions(status)
        if TRANSITIONS[(status, action)] in OPEN_STATUSES
    ]
    assert reachable_open == []
