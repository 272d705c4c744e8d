"""The sweep at scale: a run with nothing new to do is idle (a few queries, whatever the number of
rows), and a catch-up of many deemed acceptances, done in batches, ends exactly as one by one."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import OfficialRole
from approvals.models import (
    Application,
    Document,
    Notification,
    OutboxEvent,
    ReviewTask,
    SupervisionCard,
)
from approvals.models.working_calendar import working_calendar
from approvals.services import sweep
from approvals.services.deadlines import application_deadlines_refresh
from approvals.services.sweep import sweep_deadlines
from audit.chain import verify_chain
from audit.models import AuditEvent
from tests.factories import OfficialFactory

D = dt.date
SWEEP_DAY = D(2025, 1, 24)


def _late_tasks(n, make_application, department):
    for _ in range(n):
        application = make_application(
            status="under_review", received_on=D(2025, 1, 2), accepted_on=D(2025, 1, 3)
        )
        application_deadlines_refresh(application=application)
        for due_on in (D(2025, 1, 20), D(2025, 2, 5), D(2025, 3, 3)):  # red, yellow, green
            ReviewTask.objects.create(
                application=application,
                stage_key="review",
                branch_key="main",
                department=department,
                role=OfficialRole.REVIEWER,
                due_on=due_on,
            )


def _queries_of_a_settled_run(n, make_application, department) -> int:
    _late_tasks(n, make_application, department)
    working_calendar()
    first = sweep_deadlines(today=SWEEP_DAY)
    assert first.cards == {"yellow": n, "red": n}
    # later that day, once the grace for processes with an older cached calendar has passed and
    # a run has filled after it
    later = timezone.now() + dt.timedelta(minutes=30)
    with time_machine.travel(later):
        sweep_deadlines(today=SWEEP_DAY)
    with (
        time_machine.travel(later + dt.timedelta(minutes=1)),
        CaptureQueriesContext(connection) as context,
    ):
        again = sweep_deadlines(today=SWEEP_DAY)
    assert not again.changed
    return len(context.captured_queries)


@pytest.mark.django_db
def test_a_run_with_nothing_new_is_idle_whatever_the_number_of_rows(
    make_application, department, head, reviewer
):
    few = _queries_of_a_settled_run(3, make_application, department)
    many = _queries_of_a_settled_run(30, make_application, department)

    assert many == few
    assert few <= 16


@pytest.mark.django_db
def test_provisional_due_dates_are_recomputed_only_when_the_calendar_changes(make_application):
    from approvals.models import CalendarYear

    # given an accepted application whose decision date the calendar does not reach yet
    application = make_application(
        joint=True, status="accepted", received_on=D(2026, 12, 18), accepted_on=D(2026, 12, 21)
    )
    sweep_deadlines(today=D(2026, 12, 22))
    application.refresh_from_db()
    assert application.decision_due_provisional
    # a settled run does not retry it
    later = timezone.now() + dt.timedelta(minutes=30)
    with time_machine.travel(later):
        sweep_deadlines(today=D(2026, 12, 22))
    with (
        time_machine.travel(later + dt.timedelta(minutes=1)),
        CaptureQueriesContext(connection) as context,
    ):
        sweep_deadlines(today=D(2026, 12, 22))
    assert "approvals_application" not in " ".join(
        q["sql"]
        for q in context.captured_queries
        if 'decision_due_on" IS NULL' in q["sql"] or 'due_provisional" = ' in q["sql"]
    )
    # when 2027 is entered (without the recompute that the calendar admin runs), the sweep
    # counts it again
    CalendarYear.objects.create(year=2027, source="test")
    with time_machine.travel(later + dt.timedelta(minutes=2)):
        report = sweep_deadlines(today=D(2026, 12, 22))
    application.refresh_from_db()
    assert report.due_dates_filled == 1 and not application.decision_due_provisional


# --- catch-up -----------------------------------------------------------------------------------


def _due(make_application, n):
    applications = []
    for _ in range(n):
        application = make_application(received_on=D(2025, 1, 24))  # intake due 2025-02-07
        application_deadlines_refresh(application=application)
        applications.append(application)
    return applications


def _outcome(application) -> dict:
    """What a deemed acceptance leaves behind for ``application``, without ids or times."""
    application.refresh_from_db()
    tasks = ReviewTask.objects.filter(application=application)
    task_ids = [str(pk) for pk in tasks.values_list("pk", flat=True)]
    documents = Document.objects.filter(application=application)
    events = AuditEvent.objects.filter(
        object_type="approvals.application", object_id=str(application.pk)
    ) | AuditEvent.objects.filter(object_type="approvals.reviewtask", object_id__in=task_ids)
    events = events | AuditEvent.objects.filter(
        object_type="approvals.document",
        object_id__in=[str(pk) for pk in documents.values_list("pk", flat=True)],
    )
    applicant = application.created_by_id

    def without_ids(changes: dict) -> dict:
        return {
            key: value
            for key, value in changes.items()
            if key not in ("tasks", "application", "number")
        }

    return {
        "application": (
            application.status,
            application.deemed_accepted,
            application.accepted_on,
            application.intake_due_on,
            application.decision_due_on,
            application.promised_due_on,
            application.current_stage_key,
            application.workflow_round,
            application.revision,
        ),
        "tasks": sorted(tasks.values_list("stage_key", "branch_key", "status", "due_on")),
        "events": [
            (e.action, e.actor_label, without_ids(e.changes))
            for e in events.order_by("sequence")
            if e.action != "document.issued"
        ]
        + sorted(e.action for e in events if e.action == "document.issued"),
        "documents": sorted(documents.values_list("kind", flat=True)),
        "notifications": sorted(
            ("applicant" if user_id == applicant else str(user_id), kind)
            for user_id, kind in Notification.objects.filter(application=application).values_list(
                "user_id", "kind"
            )
        ),
        "outbox": list(
            OutboxEvent.objects.filter(application=application).order_by("pk").values_list("status")
        ),
        "cards": sorted(
            SupervisionCard.objects.filter(application=application).values_list("colour")
        ),
    }


@pytest.mark.django_db
def test_a_catch_up_in_batches_ends_as_one_by_one(make_application, clerk, reviewer, monkeypatch):
    one_by_one = _due(make_application, 3)
    monkeypatch.setattr(sweep, "DEEM_BATCH", 1)
    report = sweep_deadlines(today=D(2025, 2, 10))
    assert sorted(report.deemed_accepted) == sorted(a.pk for a in one_by_one)

    batched = _due(make_application, 5)
    monkeypatch.setattr(sweep, "DEEM_BATCH", 100)
    report = sweep_deadlines(today=D(2025, 2, 10))
    assert sorted(report.deemed_accepted) == sorted(a.pk for a in batched)

    expected = _outcome(one_by_one[0])
    assert expected["application"][0] == "under_review" and expected["tasks"]
    for application in one_by_one[1:] + batched:
        outcome = _outcome(application)
        for key, value in expected.items():
            assert outcome[key] == value, key
    assert verify_chain() is None


@pytest.mark.django_db
def test_a_failing_application_leaves_the_rest_of_its_batch_and_no_event(
    make_application, clerk, reviewer, monkeypatch
):
    first, broken, last = _due(make_application, 3)
    real = sweep.applications_accept

    def accept(*, actor, accepting):
        accepted = real(actor=actor, accepting=accepting)
        if broken.pk in {item.application.pk for item in accepting}:
            raise RuntimeError("the workflow definition is broken")
        return accepted

    # the batch fails after its cascade ran; taken again one by one, so does the broken one
    monkeypatch.setattr(sweep, "applications_accept", accept)
    report = sweep_deadlines(today=D(2025, 2, 10))

    assert sorted(report.deemed_accepted) == sorted([first.pk, last.pk])
    broken.refresh_from_db()
    assert broken.status == "submitted"
    assert (
        not AuditEvent.objects.filter(object_type="approvals.application", object_id=str(broken.pk))
        .exclude(action__startswith="supervision")
        .exists()
    )
    assert verify_chain() is None


def _catch_up_queries(make_application, n) -> int:
    _due(make_application, n)
    with CaptureQueriesContext(connection) as context:
        report = sweep_deadlines(today=D(2025, 2, 10))
    assert len(report.deemed_accepted) == n
    return len(context.captured_queries)


@pytest.mark.django_db
def test_a_catch_up_costs_a_bounded_number_of_queries_per_application(
    make_application, clerk, reviewer
):
    two = _catch_up_queries(make_application, 2)
    eight = _catch_up_queries(make_application, 8)

    per_application = (eight - two) / 6
    assert per_application <= 45  # one by one, each in its own transaction, took 68


@pytest.mark.django_db
def test_a_deemed_acceptance_costs_the_same_however_many_officials_hear_of_its_task(
    make_application, clerk, reviewer, department
):
    _catch_up_queries(make_application, 1)  # (the first run's one-time reads: calendar, counters)
    # given a department of one reviewer, then of ten
    few = _catch_up_queries(make_application, 3)
    for _ in range(9):
        OfficialFactory(department=department, role=OfficialRole.REVIEWER)
    many = _catch_up_queries(make_application, 3)

    # then each reviewer is told of each new task, and the catch-up's statements are as many
    assert Notification.objects.filter(kind="task.new").count() == 1 + 3 * 1 + 3 * 10
    assert many == few


def _provisional_applications(make_application, n):
    return [
        make_application(
            joint=True, status="accepted", received_on=D(2026, 12, 18), accepted_on=D(2026, 12, 21)
        )
        for _ in range(n)
    ]


def _recompute_queries_inside_the_window(make_application, n, start):
    """Queries of a sweep run a minute after the run that met the calendar, with ``n``
    applications whose decision dates stay provisional."""
    from approvals.models import DeadlineSweepState

    DeadlineSweepState.objects.all().delete()
    _provisional_applications(make_application, n)
    with time_machine.travel(start):
        first = sweep_deadlines(today=D(2026, 12, 22))
    with (
        time_machine.travel(start + dt.timedelta(minutes=1)),
        CaptureQueriesContext(connection) as context,
    ):
        again = sweep_deadlines(today=D(2026, 12, 22))
    assert again.due_dates_filled == 0
    locked = [
        q["sql"]
        for q in context.captured_queries
        if "FOR UPDATE" in q["sql"] and "approvals_application" in q["sql"]
    ]
    assert not locked, "a run inside the window counted provisional dates again"
    return first, len(context.captured_queries)


@pytest.mark.django_db
def test_inside_the_window_after_a_calendar_change_the_sweep_recomputes_nothing_again(
    make_application, monkeypatch
):
    from approvals.services import deadlines

    # batches of two: a run that counted the provisional dates again would grow with them
    monkeypatch.setattr(deadlines, "RECOMPUTE_BATCH", 2)
    start = timezone.now() + dt.timedelta(hours=1)
    _first, few = _recompute_queries_inside_the_window(make_application, 2, start)
    assert Application.objects.filter(decision_due_provisional=True).count() == 2
    _first, many = _recompute_queries_inside_the_window(
        make_application, 12, start + dt.timedelta(hours=1)
    )
    assert Application.objects.filter(decision_due_provisional=True).count() == 14
    assert many == few
    assert not AuditEvent.objects.filter(action="deadline.recomputed").exists()


@pytest.mark.django_db
def test_inside_the_window_a_date_written_with_the_older_calendar_is_counted_again(
    make_application,
):
    from approvals.models import CalendarYear

    # given a decision date past the calendar's end (provisional), the sweep having filled
    # against the calendar, and then 2027 entered (no holidays: every weekday works)
    (application,) = _provisional_applications(make_application, 1)
    start = timezone.now() + dt.timedelta(hours=1)
    with time_machine.travel(start):
        sweep_deadlines(today=D(2026, 12, 22))
    CalendarYear.objects.create(year=2027, source="test")
    with time_machine.travel(start + dt.timedelta(minutes=10)):
        report = sweep_deadlines(today=D(2026, 12, 22))
    application.refresh_from_db()
    assert report.due_dates_filled == 1 and not application.decision_due_provisional
    right = application.decision_due_on
    # when a process still holding the older calendar writes a provisional date meanwhile
    Application.objects.filter(pk=application.pk).update(
        decision_due_on=D(2027, 3, 1), decision_due_provisional=True
    )
    with time_machine.travel(start + dt.timedelta(minutes=11)):
        report = sweep_deadlines(today=D(2026, 12, 22))
    # then the next run inside the window counts it again with the calendar now in force
    application.refresh_from_db()
    assert report.due_dates_filled == 1
    assert (application.decision_due_on, application.decision_due_provisional) == (right, False)
    # and once the window has passed, a run reads one row and stops
    Application.objects.filter(pk=application.pk).update(decision_due_provisional=True)
    with time_machine.travel(start + dt.timedelta(minutes=30)):
        sweep_deadlines(today=D(2026, 12, 22))
    with time_machine.travel(start + dt.timedelta(minutes=31)):
        report = sweep_deadlines(today=D(2026, 12, 22))
    assert report.due_dates_filled == 0
