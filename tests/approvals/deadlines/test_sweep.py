import datetime as dt

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import OfficialRole
from approvals.models import DeadlineSweepState, Notification, Pledge, ReviewTask, SupervisionCard
from approvals.models.working_calendar import working_calendar
from approvals.services.deadlines import application_deadlines_refresh
from approvals.services.sweep import sweep_deadlines
from audit.models import AuditEvent
from tests.support import task_lights

D = dt.date


def _task(application, department, due_on, **fields):
    return ReviewTask.objects.create(
        application=application,
        stage_key="review",
        branch_key="main",
        department=department,
        role=OfficialRole.REVIEWER,
        due_on=due_on,
        **fields,
    )


@pytest.fixture
def reviewing(make_application):
    def make(n=1):
        applications = [
            make_application(
                status="under_review", received_on=D(2025, 1, 2), accepted_on=D(2025, 1, 3)
            )
            for _ in range(n)
        ]
        for application in applications:  # as acceptance leaves them: with their due dates
            application_deadlines_refresh(application=application)
        return applications

    return make


@pytest.mark.django_db
def test_sla_lights_follow_the_working_days_left(reviewing, department):
    # given tasks due at different distances from Friday 2025-01-24 (01-26 is a make-up Sunday)
    a, b, c, d = reviewing(4)
    green = _task(a, department, D(2025, 2, 6))  # 5 working days after 01-24
    yellow = _task(b, department, D(2025, 2, 5))  # 3 working days left: 26, 27, 02-05
    due_today = _task(c, department, D(2025, 1, 24))
    red = _task(d, department, D(2025, 1, 23))
    # when their lights are read that day (no sweep: the light is derived, not stored)
    lights = task_lights(D(2025, 1, 24))
    # then
    assert lights[green.pk] == "green"
    assert lights[yellow.pk] == "yellow"
    assert lights[due_today.pk] == "yellow"
    assert lights[red.pk] == "red"


@pytest.mark.django_db
def test_the_warning_period_is_configurable(reviewing, department, settings):
    settings.SLA_WARN_WORKING_DAYS = 5
    (a,) = reviewing(1)
    task = _task(a, department, D(2025, 2, 6))
    assert task_lights(D(2025, 1, 24))[task.pk] == "yellow"


@pytest.mark.django_db
def test_cards_are_raised_once_and_the_head_is_told(reviewing, department, head, reviewer):
    # given one task about to be late and one overdue
    a, b = reviewing(2)
    yellow = _task(a, department, D(2025, 2, 5))
    red = _task(b, department, D(2025, 1, 20))
    # when the sweep runs twice on the same day
    first = sweep_deadlines(today=D(2025, 1, 24))
    second = sweep_deadlines(today=D(2025, 1, 24))
    # then one card of each colour, told once to the head and the reviewers
    cards = set(SupervisionCard.objects.values_list("task_id", "colour", "department_id"))
    assert cards == {(yellow.pk, "yellow", department.pk), (red.pk, "red", department.pk)}
    assert first.cards == {"yellow": 1, "red": 1}
    assert second.cards == {"yellow": 0, "red": 0} and not second.changed
    assert Notification.objects.filter(user=head, kind="supervision.card_red").count() == 1
    assert Notification.objects.filter(user=reviewer, kind="supervision.card_yellow").count() == 1
    assert AuditEvent.objects.filter(action="supervision.card_red").count() == 1


@pytest.mark.django_db
def test_a_yellow_task_that_turns_red_gets_its_red_card(reviewing, department):
    (a,) = reviewing(1)
    task = _task(a, department, D(2025, 1, 27))
    sweep_deadlines(today=D(2025, 1, 24))
    sweep_deadlines(today=D(2025, 2, 5))
    colours = sorted(SupervisionCard.objects.filter(task=task).values_list("colour", flat=True))
    assert colours == ["red", "yellow"]


@pytest.mark.django_db
def test_tasks_of_a_paused_application_show_the_paused_light_without_a_card(reviewing, department):
    from approvals.models import ClockPause

    (a,) = reviewing(1)
    task = _task(a, department, D(2025, 1, 20))
    ClockPause.objects.create(
        application=a, kind="testing", reason="Lab", started_on=D(2025, 1, 15)
    )
    # the task would be red by its date (due 01-20), but the clock is stopped
    sweep_deadlines(today=D(2025, 1, 24))
    assert task_lights(D(2025, 1, 24))[task.pk] == "paused"
    assert not SupervisionCard.objects.exists()
    # when the clock runs again the light follows the date at once, and a later run of the same
    # day raises its card
    ClockPause.objects.update(ended_on=D(2025, 1, 24))
    assert task_lights(D(2025, 1, 24))[task.pk] == "red"
    report = sweep_deadlines(today=D(2025, 1, 24))
    assert report.cards == {"yellow": 0, "red": 1}
    assert SupervisionCard.objects.get().task == task


@pytest.mark.django_db
def test_applications_waiting_at_the_window_get_cards_against_the_window(
    make_application, window, clerk
):
    # given an application received on 2025-01-24: intake due 2025-02-07
    application = make_application(received_on=D(2025, 1, 24))
    application_deadlines_refresh(application=application)
    # when the sweep runs on 2025-02-05 (2 working days left)
    sweep_deadlines(today=D(2025, 2, 5))
    sweep_deadlines(today=D(2025, 2, 5))
    # then one yellow card against the window, told to its clerks
    card = SupervisionCard.objects.get()
    assert (card.colour, card.department, card.task) == ("yellow", window, None)
    assert Notification.objects.filter(user=clerk, kind="supervision.card_yellow").count() == 1


@pytest.mark.django_db
def test_an_unfulfilled_pledge_lapses_once(make_application, clerk, reviewer):
    # given a pledge due 2025-02-07 and another already fulfilled
    application = make_application(
        status="under_review", received_on=D(2025, 1, 2), accepted_on=D(2025, 1, 3)
    )
    pledge = Pledge.objects.create(
        application=application, material_key="lease", due_on=D(2025, 2, 7), created_by=clerk
    )
    kept = Pledge.objects.create(
        application=application,
        material_key="map",
        due_on=D(2025, 2, 7),
        created_by=clerk,
        fulfilled_at=dt.datetime(2025, 2, 6, tzinfo=dt.UTC),
    )
    # when the sweep runs on the due day, then the next day, twice
    sweep_deadlines(today=D(2025, 2, 7))
    pledge.refresh_from_db()
    assert pledge.lapsed_at is None
    sweep_deadlines(today=D(2025, 2, 8))
    sweep_deadlines(today=D(2025, 2, 8))
    # then only the open pledge lapsed, once, and the applicant and the window were told
    pledge.refresh_from_db()
    kept.refresh_from_db()
    assert pledge.lapsed_at is not None and kept.lapsed_at is None
    assert (
        Notification.objects.filter(user=application.created_by, kind="pledge.lapsed").count() == 1
    )
    assert Notification.objects.filter(user=clerk, kind="intake.pledge_lapsed").count() == 1
    event = AuditEvent.objects.get(action="pledge.lapsed")
    assert event.changes["pledges"][1][0]["pledge"] == pledge.pk


def _queries_for(n, reviewing, department):
    applications = reviewing(n)
    for application in applications:
        _task(application, department, D(2025, 2, 5))  # each turns yellow
        _task(application, department, D(2025, 1, 20))  # each turns red
    working_calendar()  # the cached calendar is read once per process, not per sweep
    DeadlineSweepState.objects.all().delete()  # both sizes swept as the day's first run
    with CaptureQueriesContext(connection) as context:
        report = sweep_deadlines(today=D(2025, 1, 24))
    assert report.cards == {"yellow": n, "red": n}
    return len(context.captured_queries)


@pytest.mark.django_db
def test_sweep_queries_do_not_grow_with_the_number_of_applications(
    reviewing, department, head, reviewer
):
    few = _queries_for(5, reviewing, department)
    ReviewTask.objects.all().delete()
    many = _queries_for(50, reviewing, department)
    assert many == few


@pytest.mark.django_db
def test_the_beat_schedule_runs_the_sweep_every_minute():
    entries = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "approvals.tasks.sweep_deadlines_task"
    ]
    assert len(entries) == 1 and entries[0]["schedule"] == 60.0
    from portal.celery import app

    app.loader.import_default_modules()
    assert "approvals.tasks.sweep_deadlines_task" in app.tasks


@pytest.mark.django_db
def test_the_celery_task_runs_the_sweep(reviewing, department):
    from approvals.tasks import sweep_deadlines_task

    (a,) = reviewing(1)
    task = _task(a, department, D(2000, 1, 20))
    result = sweep_deadlines_task.delay().get()
    assert task_lights()[task.pk] == "red" and result["cards"]["red"] == 1
    assert SupervisionCard.objects.get().task == task


@pytest.mark.django_db
def test_the_command_accepts_a_day(reviewing, department, capsys):
    (a,) = reviewing(1)
    task = _task(a, department, D(2025, 1, 20))
    call_command("sweep_deadlines", "--today", "2025-01-17")
    # due on Monday 01-20: yellow on Friday 01-17, its card raised as of that day
    assert SupervisionCard.objects.get().task == task
    assert SupervisionCard.objects.get().colour == "yellow"
    assert "Sweep for 2025-01-17" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_derived_light_is_the_one_rule_for_every_due_date(reviewing, department):
    """The SQL of the pages (``sla_light_expression``), the open-task ledger's sums by band and
    the light of one date (``sla_light_for``) read the same bands: for every due date around
    today, including days off right after the yellow window (Saturday 2025-03-08 with three
    working days left from Tuesday 03-04)."""
    from functools import partial

    from django.db.models import Q, Sum

    from approvals.models import OpenTaskCount
    from approvals.models.working_calendar import sla_light_for, sla_light_sums

    today = D(2025, 3, 4)
    days = [today + dt.timedelta(days=n) for n in range(-3, 15)]
    applications = reviewing(len(days))
    tasks = {
        _task(application, department, due_on).pk: due_on
        for application, due_on in zip(applications, days, strict=True)
    }
    expressed = task_lights(today)
    for pk, due_on in tasks.items():
        assert expressed[pk] == sla_light_for(today, due_on), due_on
    saturday = next(pk for pk, due_on in tasks.items() if due_on == D(2025, 3, 8))
    assert expressed[saturday] == "yellow"
    summed = OpenTaskCount.objects.aggregate(
        **sla_light_sums(today, partial(Sum, "tasks"), paused=Q(clock_stopped=True))
    )
    assert summed == {
        light: list(expressed.values()).count(light)
        for light in ("paused", "red", "yellow", "green")
    }
