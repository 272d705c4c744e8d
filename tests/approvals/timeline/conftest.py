"""The review tests' parallel service (window → planning, housing and fire in parallel → the
planning approver's decision) and its fixtures."""

from approvals.services.tasks import task_pause_clock
from tests.approvals.review.conftest import (  # noqa: F401 (fixtures)
    demo,
    make_accepted,
    started,
    task_of,
)


def expert_review_pause(world, application, *, reason: str, days: int) -> None:
    """The fire department's reviewer (of ``world``, the ``demo`` fixture) stops the clock for an
    expert review (Art. 45)."""
    fire = task_of(application, "fire")
    task_pause_clock(
        actor=world.reviewers["fire"],
        task=fire,
        revision=fire.revision,
        kind="expert_review",
        reason=reason,
        expected_working_days=days,
    )
