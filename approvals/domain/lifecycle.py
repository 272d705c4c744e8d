"""The application lifecycle as one declared transition table (no ORM).

Every status change goes through ``next_status``: an action that the table does not list for the
current status is refused (``TransitionNotAllowed``; HTTP 409 in the API). The services perform
the change and write the audit event; this module only says what is allowed.

    draft → submitted → not accepted | supplement requested (→ submitted again)
                      | accepted | accepted with pledge → under review → approved | denied
    under review → supplement requested during review (→ under review again)
    approved → licence issued → closed; denied → closed; withdrawn from any open state.
    A member of a one-thing case (一件事) that needs another member's outcome first:
    submitted → waiting (accepted with the whole) → accepted once the prerequisite is approved,
    or → stopped when it is denied.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    NOT_ACCEPTED = "not_accepted"
    SUPPLEMENT_REQUESTED = "supplement_requested"  # by the window, before acceptance
    # By a reviewer (Art. 45: the clock is paused); the answer goes back to review.
    REVIEW_SUPPLEMENT = "review_supplement"
    ACCEPTED = "accepted"
    ACCEPTED_WITH_PLEDGE = "accepted_with_pledge"
    UNDER_REVIEW = "under_review"
    APPROVED = "approved"
    DENIED = "denied"
    LICENCE_ISSUED = "licence_issued"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
    # 一件事: accepted by the window with the whole case, its work waiting for a prerequisite
    # member's approval (its own clock starts then); stopped when the prerequisite is denied.
    WAITING = "waiting"
    STOPPED = "stopped"


class Action(StrEnum):
    SUBMIT = "submit"
    REFUSE_ACCEPTANCE = "refuse_acceptance"  # Art. 32(1): not this agency's matter
    REQUEST_SUPPLEMENT = "request_supplement"  # Art. 32(4): 一次性告知
    ANSWER_SUPPLEMENT = "answer_supplement"
    ACCEPT = "accept"
    ACCEPT_WITH_PLEDGE = "accept_with_pledge"  # 容缺受理
    DEEM_ACCEPTED = "deem_accepted"  # Art. 32: no intake decision within 5 working days
    START_REVIEW = "start_review"
    APPROVE = "approve"
    DENY = "deny"
    ISSUE_LICENCE = "issue_licence"
    CLOSE = "close"
    WITHDRAW = "withdraw"
    # Art. 50: a renewal applied for in time and not decided before the licence ends.
    DEEM_RENEWED = "deem_renewed"
    WAIT_FOR_PREREQUISITE = "wait_for_prerequisite"
    STOP = "stop"


# The applicant may withdraw until there is a decision.
OPEN_STATUSES = frozenset(
    {
        Status.SUBMITTED,
        Status.SUPPLEMENT_REQUESTED,
        Status.ACCEPTED,
        Status.ACCEPTED_WITH_PLEDGE,
        Status.UNDER_REVIEW,
        Status.REVIEW_SUPPLEMENT,
        Status.WAITING,
    }
)

# Waiting for the applicant's supplement (一次性告知), at the window or during review.
AWAITING_SUPPLEMENT = frozenset({Status.SUPPLEMENT_REQUESTED, Status.REVIEW_SUPPLEMENT})

# The ends of an application: nothing it started (tasks, clock pauses, pledges) stays open.
ENDED_STATUSES = frozenset({Status.NOT_ACCEPTED, Status.DENIED, Status.WITHDRAWN, Status.STOPPED})

TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.DRAFT, Action.SUBMIT): Status.SUBMITTED,
    (Status.SUBMITTED, Action.REFUSE_ACCEPTANCE): Status.NOT_ACCEPTED,
    (Status.SUBMITTED, Action.REQUEST_SUPPLEMENT): Status.SUPPLEMENT_REQUESTED,
    (Status.SUPPLEMENT_REQUESTED, Action.ANSWER_SUPPLEMENT): Status.SUBMITTED,
    (Status.SUBMITTED, Action.ACCEPT): Status.ACCEPTED,
    (Status.SUBMITTED, Action.ACCEPT_WITH_PLEDGE): Status.ACCEPTED_WITH_PLEDGE,
    (Status.SUBMITTED, Action.DEEM_ACCEPTED): Status.ACCEPTED,
    (Status.ACCEPTED, Action.START_REVIEW): Status.UNDER_REVIEW,
    (Status.ACCEPTED_WITH_PLEDGE, Action.START_REVIEW): Status.UNDER_REVIEW,
    # A reviewer's return to the applicant during review is a supplement request too (Art. 45
    # pauses the clock); the answer goes back to review, not to intake.
    (Status.UNDER_REVIEW, Action.REQUEST_SUPPLEMENT): Status.REVIEW_SUPPLEMENT,
    (Status.REVIEW_SUPPLEMENT, Action.ANSWER_SUPPLEMENT): Status.UNDER_REVIEW,
    (Status.UNDER_REVIEW, Action.APPROVE): Status.APPROVED,
    (Status.UNDER_REVIEW, Action.DENY): Status.DENIED,
    (Status.ACCEPTED, Action.DEEM_RENEWED): Status.APPROVED,
    (Status.ACCEPTED_WITH_PLEDGE, Action.DEEM_RENEWED): Status.APPROVED,
    (Status.UNDER_REVIEW, Action.DEEM_RENEWED): Status.APPROVED,
    (Status.APPROVED, Action.ISSUE_LICENCE): Status.LICENCE_ISSUED,
    (Status.APPROVED, Action.CLOSE): Status.CLOSED,  # approvals that issue no licence (filings)
    (Status.LICENCE_ISSUED, Action.CLOSE): Status.CLOSED,
    (Status.DENIED, Action.CLOSE): Status.CLOSED,
    (Status.SUBMITTED, Action.WAIT_FOR_PREREQUISITE): Status.WAITING,
    (Status.WAITING, Action.ACCEPT): Status.ACCEPTED,
    (Status.WAITING, Action.STOP): Status.STOPPED,
    (Status.NOT_ACCEPTED, Action.CLOSE): Status.CLOSED,
    **{(status, Action.WITHDRAW): Status.WITHDRAWN for status in OPEN_STATUSES},
}


class TransitionNotAllowed(Exception):
    def __init__(self, status: str, action: str):
        super().__init__(f"{action} is not allowed from {status}")
        self.status = status
        self.action = action


def next_status(status: str, action: str) -> Status:
    """The status after ``action``, or ``TransitionNotAllowed``."""
    key = (Status(status), Action(action))
    if key not in TRANSITIONS:
        raise TransitionNotAllowed(status, action)
    return TRANSITIONS[key]


def allowed_actions(status: str) -> list[Action]:
    return [action for (origin, action) in TRANSITIONS if origin == Status(status)]
