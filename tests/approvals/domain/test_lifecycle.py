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


def test_the_model_choices_are_built_from_the_domain_values_with_a_label_each():
    """The statuses, task statuses and roles are declared once (approvals.domain, accounts.roles);
    the models only add labels, in both languages."""
    from django.utils import translation

    from accounts.models import OfficialRole
    from accounts.roles import TASK_ROLES, Role
    from approvals.domain.workflow import TaskStatus as DomainTaskStatus
    from approvals.models import TaskRole, TaskStatus

    for choices, values in (
        (ApplicationStatus, [status.value for status in Status]),
        (TaskStatus, [status.value for status in DomainTaskStatus]),
        (OfficialRole, [role.value for role in Role]),
        (TaskRole, [role.value for role in TASK_ROLES]),
    ):
        assert choices.values == values
        with translation.override("zh-hans"):
            assert all(label and not label.isascii() for label in choices.labels), choices
    assert MODEL_OPEN_STATUSES is OPEN_STATUSES


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


def test_a_supplement_asked_during_review_is_its_own_status_and_goes_back_to_review():
    status = next_status(Status.UNDER_REVIEW, Action.REQUEST_SUPPLEMENT)
    assert status == Status.REVIEW_SUPPLEMENT and status in OPEN_STATUSES
    assert next_status(status, Action.ANSWER_SUPPLEMENT) == Status.UNDER_REVIEW
    # no flag can send an answer given at the window back to review
    assert next_status(Status.SUPPLEMENT_REQUESTED, Action.ANSWER_SUPPLEMENT) == Status.SUBMITTED


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
