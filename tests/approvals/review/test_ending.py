"""Every end of an application ends its open work: withdrawal (and refusal, denial) cancels the
open review tasks, ends the running clock pauses and cancels the open pledges, with the reason,
in the same transaction; the kept open-task counts follow."""

import datetime as dt

import pytest
from django.db.models import Sum
from django.utils import timezone

from approvals.models import ClockPause, OpenTaskCount, Pledge, ReviewTask
from approvals.services.applications import application_withdraw
from approvals.services.ending import application_end_work
from approvals.services.tasks import task_pause_clock
from tests.support import events, recorded_events

from .conftest import task_of

pytestmark = pytest.mark.django_db


def open_count_kept() -> int:
    return OpenTaskCount.objects.aggregate(n=Sum("tasks"))["n"] or 0


def test_withdrawal_under_review_cancels_tasks_pauses_and_pledges(demo, started):
    # given an application under review with its three open tasks, a paused clock and a pledge
    fire = task_of(started, "fire")
    task_pause_clock(
        actor=demo.reviewers["fire"],
        task=fire,
        revision=fire.revision,
        kind="inspection",
        reason="Site inspection",
    )
    pledge = Pledge.objects.create(
        application=started,
        material_key="fire_design",
        due_on=timezone.localdate() + dt.timedelta(days=5),
        created_by=demo.clerk,
    )
    assert open_count_kept() == 3
    # when the applicant withdraws it
    with recorded_events() as recorded:
        application_withdraw(
            actor=started.created_by, application=started, reason="Project dropped"
        )
    # then no task is left open in any department's queue, and the kept counts say so
    assert not ReviewTask.objects.filter(application=started, status="open").exists()
    assert open_count_kept() == 0
    for task in ReviewTask.objects.filter(application=started):
        assert task.status == "cancelled" and task.completed_at is not None
        assert events("task.cancelled", task).get().reason == "Project dropped"
    # and the clock pause has ended and the pledge is cancelled
    pause = ClockPause.objects.get(application=started)
    assert pause.ended_on == timezone.localdate()
    pledge.refresh_from_db()
    assert pledge.cancelled_at is not None and pledge.fulfilled_at is None
    # and the withdrawal is one event that carries the status change and the work it ended
    ended = recorded.the_one()
    assert ended.action == "application.withdrawn" and ended.reason == "Project dropped"
    assert ended.changes["status"] == ["under_review", "withdrawn"]
    assert sorted(ended.changes["ended_tasks"][1]) == sorted(
        ReviewTask.objects.filter(application=started).values_list("pk", flat=True)
    )
    assert ended.changes["ended_pauses"] == [None, [pause.pk]]
    assert ended.changes["ended_pledges"] == [None, [pledge.pk]]
    assert events("application.work_ended", started).count() == 0


def test_ending_twice_finds_nothing_more_to_end(demo, started):
    # given the work already ended once
    application_end_work(actor=None, application=started, reason="first")
    # when it is asked again
    ended = application_end_work(actor=None, application=started, reason="second")
    # then nothing more is cancelled and no second event is written
    assert ended == {"tasks": [], "pauses": [], "pledges": []}
    assert events("application.work_ended", started).count() == 1
