"""The review tests' parallel service (window → planning, housing and fire in parallel → the
planning approver's decision) and its fixtures."""

from tests.approvals.review.conftest import (  # noqa: F401 (fixtures)
    demo,
    make_accepted,
    started,
)
