"""Due dates are computed in one place (``deadlines_compute``), called by the lifecycle transition
that sets what they count from and by the clock services — not by each service after its
transition; a review task's due date in one place too (``task_due_on``), whether the clock
resumes or the calendar's fill counts it."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvals.models import ReviewTask
from approvals.services.deadlines import clock_pause_end, clock_pause_start, deadlines_fill_unknown
from approvals.services.intake import intake_accept
from approvals.services.lifecycle import application_transition

D = dt.date
SHANGHAI = ZoneInfo("Asia/Shanghai")


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


# --- A task's due date, one way ------------------------------------------------------------------


def _at(day: dt.date):
    return time_machine.travel(dt.datetime.combine(day, dt.time(10), SHANGHAI), tick=False)


def _task_paused(make_application, clerk, *, accepted: dt.date, paused: dt.date, resumed: dt.date):
    """A single-stage application (its review: 10 working days) accepted on ``accepted``, with
    an expert review stopping the clock from ``paused`` to ``resumed``: its review task."""
    application = make_application(received_on=accepted)
    with _at(accepted):
        intake_accept(actor=clerk, application=application, revision=application.revision)
    with _at(paused):
        clock_pause_start(actor=None, application=application, kind="expert_review", reason="x")
    with _at(resumed):
        clock_pause_end(actor=None, application=application)
    return ReviewTask.objects.get(application=application)


def _counted_again_from_creation(task: ReviewTask) -> ReviewTask:
    """The other way a task's date was found: the calendar's fill, counting from its creation."""
    ReviewTask.objects.filter(pk=task.pk).update(due_on=None)
    deadlines_fill_unknown()
    task.refresh_from_db()
    return task


@pytest.mark.django_db
def test_a_pause_across_the_spring_festival_moves_a_task_date_as_the_fill_counts_it(
    make_application, clerk
):
    # given a task created on Thursday 2025-01-16, due 2025-02-06 (01-26 a make-up Sunday,
    # 01-28..02-04 the Spring Festival), and a pause from 01-27 to 02-07: past that date
    task = _task_paused(
        make_application,
        clerk,
        accepted=D(2025, 1, 16),
        paused=D(2025, 1, 27),
        resumed=D(2025, 2, 7),
    )
    # then seven working days were counted before the pause and three after it (02-08 a
    # make-up Saturday, 02-10, 02-11): the resumed clock and the count from creation agree
    assert task.due_on == D(2025, 2, 11)
    assert _counted_again_from_creation(task).due_on == D(2025, 2, 11)


@pytest.mark.django_db
def test_a_pause_over_the_calendars_end_moves_a_task_date_as_the_fill_counts_it(
    make_application, clerk
):
    # given a task created on Thursday 2026-12-17, due 12-31 (the calendar's last day), and a
    # pause from 12-28 into the provisional year, to 2027-01-06
    task = _task_paused(
        make_application,
        clerk,
        accepted=D(2026, 12, 17),
        paused=D(2026, 12, 28),
        resumed=D(2027, 1, 6),
    )
    # then six working days counted before the pause, four after it (01-07, 08, 11, 12),
    # provisional; the count from creation gives the same
    assert (task.due_on, task.due_provisional) == (D(2027, 1, 12), True)
    again = _counted_again_from_creation(task)
    assert (again.due_on, again.due_provisional) == (D(2027, 1, 12), True)


@pytest.mark.django_db
def test_a_task_created_while_the_clock_is_stopped_counts_only_the_pause_after_it(
    make_application, clerk
):
    # given an expert review stopping the clock from Tuesday 2025-03-04, and the review task
    # created on Thursday 03-06 while it runs (due 03-20 as if the clock ran)
    application = make_application(received_on=D(2025, 3, 3))
    with _at(D(2025, 3, 4)):
        clock_pause_start(actor=None, application=application, kind="expert_review", reason="x")
    with _at(D(2025, 3, 6)):
        intake_accept(actor=clerk, application=application, revision=application.revision)
    assert ReviewTask.objects.get(application=application).due_on == D(2025, 3, 20)
    # when the clock restarts on Tuesday 03-11
    with _at(D(2025, 3, 11)):
        clock_pause_end(actor=None, application=application)
    # then only the paused working days after the task's creation (03-07, 10, 11) move it, not
    # those before it: due 03-25; the count from creation agrees
    task = ReviewTask.objects.get(application=application)
    assert task.due_on == D(2025, 3, 25)
    assert _counted_again_from_creation(task).due_on == D(2025, 3, 25)
