"""Due dates are computed in one place (``deadlines_compute``), called by the lifecycle transition
that sets what they count from and by the clock services — not by each service after its
transition."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvals.services.lifecycle import application_transition

D = dt.date


@pytest.mark.django_db
def test_the_transition_that_accepts_sets_the_due_dates_in_the_same_save(make_application):
    # given an application received on Thursday 2025-01-02, its dates not yet computed
    application = make_application(received_on=D(2025, 1, 2))
    assert application.decision_due_on is None
    # when a transition accepts it on Friday 2025-01-03, with nothing else asked
    with CaptureQueriesContext(connection) as context:
        accepted = application_transition(
            actor=None,
            application=application,
            action="accept",
            fields={"accepted_on": D(2025, 1, 3)},
        )
    # then its dates are counted from that day (20 working days, 01-26 a make-up Sunday), and
    # stored by the transition's own update of the row
    accepted.refresh_from_db()
    assert accepted.intake_due_on == D(2025, 1, 9)
    assert accepted.decision_due_on == D(2025, 2, 7)
    assert accepted.promised_due_on == D(2025, 1, 17)
    updates = [
        q["sql"]
        for q in context.captured_queries
        if q["sql"].startswith('UPDATE "approvals_application"')
    ]
    assert len(updates) == 1 and "decision_due_on" in updates[0]


@pytest.mark.django_db
def test_a_transition_that_does_not_touch_receipt_or_acceptance_leaves_the_dates(
    make_application,
):
    application = make_application(
        status="accepted", received_on=D(2025, 1, 2), accepted_on=D(2025, 1, 3)
    )
    with CaptureQueriesContext(connection) as context:
        started = application_transition(actor=None, application=application, action="start_review")
    started.refresh_from_db()
    assert started.decision_due_on is None  # not this transition's business
    assert not any("approvals_clockpause" in q["sql"] for q in context.captured_queries)


def test_only_the_transition_and_the_clock_services_compute_due_dates():
    """The services that move an application call no refresh of their own after it."""
    import pathlib

    services = pathlib.Path(__file__).resolve().parents[3] / "approvals" / "services"
    callers = sorted(
        path.name
        for path in services.glob("*.py")
        if "application_deadlines_refresh(" in path.read_text(encoding="utf-8")
    )
    assert callers == ["deadlines.py"]
