"""The SLA light is derived from the due date where it is read (issue 17): a task whose due date
enters the yellow band overnight is yellow the next morning in the queue, its counts, its light
filter, the task page's data and supervision, with no sweep in between; and the counts kept by the
open-task ledgers stay exact whatever officials do to the task."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db.models import Count

from accounts.models import OfficialRole
from approvals.models import DeadlineSweepState, ReviewTask, SupervisionCard
from approvals.models.working_calendar import sla_band_of, sla_light_for, working_calendar
from approvals.selectors.supervision import running_tasks_by_light
from approvals.selectors.supervision_trends import official_workload
from approvals.selectors.tasks import (
    LIGHTS,
    QueueFilters,
    department_queue,
    get_task_for_official,
    queue_rows,
    visible_tasks,
)
from approvals.services.tasks import (
    task_assign,
    task_claim,
    task_pause_clock,
    task_release,
    task_resume_clock,
)
from tests.factories import OfficialFactory
from tests.support import task_lights

from .conftest import task_of

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = dt.date(2026, 6, 1)
TUESDAY = dt.date(2026, 6, 2)


def morning(day: dt.date):
    return time_machine.travel(dt.datetime.combine(day, dt.time(9), tzinfo=SHANGHAI), tick=False)


def first_green_day(today: dt.date) -> dt.date:
    bands = working_calendar().sla_bands(today, 3)
    return next(band.first for band in bands if band.light == "green")


def live_counts(user) -> dict:
    """The queue's light counts counted from the visible open tasks, lit as the pages do."""
    visible = visible_tasks(user).filter(status="open").values_list("pk", flat=True)
    lights = task_lights()
    return {light: sum(1 for pk in visible if lights[pk] == light) for light in LIGHTS}


def test_a_task_due_soon_overnight_is_yellow_everywhere_next_morning_without_a_sweep(
    demo, started, settings
):
    settings.SLA_WARN_WORKING_DAYS = 3
    # given the planning review, due on the first day that is still green on Monday
    planning = task_of(started, "planning")
    due = first_green_day(MONDAY)
    ReviewTask.objects.filter(pk=planning.pk).update(due_on=due)  # as a recount writes it
    assert sla_light_for(MONDAY, due) == "green" and sla_light_for(TUESDAY, due) == "yellow"
    reviewer = demo.reviewers["planning"]
    task_claim(actor=reviewer, task=planning, revision=planning.revision)
    with morning(MONDAY):
        assert department_queue(reviewer).counts["green"] == 1
        assert department_queue(reviewer).counts["yellow"] == 0
    # when Tuesday comes, and no sweep runs
    with morning(TUESDAY):
        queue = department_queue(reviewer)
        yellow = list(queue_rows(reviewer, QueueFilters(light="yellow"))[0:10])
        green = list(queue_rows(reviewer, QueueFilters(light="green"))[0:10])
        shown = get_task_for_official(reviewer, planning.pk)
        running = {row.key: row for row in running_tasks_by_light().by_department}
        workload = {row.pk: row for row in official_workload(demo.natres.pk)}
    # then the queue counts it yellow, its yellow filter finds it, its row and page show yellow,
    # and supervision and the workload page count it yellow
    assert queue.counts["yellow"] == 1 and queue.counts["green"] == 0
    assert [task.pk for task in yellow] == [planning.pk] and planning.pk not in {
        task.pk for task in green
    }
    assert [task.sla_light for task in queue.page.object_list if task.pk == planning.pk] == [
        "yellow"
    ]
    assert shown.sla_light == "yellow"
    assert (running[demo.natres.pk].yellow, running[demo.natres.pk].green) == (1, 0)
    assert (workload[reviewer.pk].yellow, workload[reviewer.pk].green) == (1, 0)
    assert not DeadlineSweepState.objects.exists() and not SupervisionCard.objects.exists()


@pytest.mark.parametrize("today", [MONDAY, dt.date(2026, 9, 30), dt.date(2026, 12, 28)])
def test_the_counts_band_due_dates_by_the_one_rule_of_the_lights(today):
    """The queue's counts band their grouped due dates in Python (``sla_band_of``); every date,
    across holidays and past the calendar's end, gets the light ``sla_light_for`` gives it."""
    band_of = sla_band_of(today)
    days = [today + dt.timedelta(days=offset) for offset in range(-10, 60)]

    assert [band_of(day) for day in days] == [sla_light_for(today, day) for day in days]
    assert band_of(None) == sla_light_for(today, None) == ""


def test_the_counts_stay_exact_through_claims_releases_reassignments_and_pauses(demo, started):
    reviewer = demo.reviewers["planning"]
    colleague = OfficialFactory(department=demo.natres, role=OfficialRole.REVIEWER).user
    planning = task_of(started, "planning")
    ReviewTask.objects.filter(pk=planning.pk).update(due_on=dt.date.today() - dt.timedelta(days=2))

    def check():
        for user in (reviewer, demo.head):
            counts = department_queue(user).counts
            assert {light: counts[light] for light in LIGHTS} == live_counts(user)
        running = {row.key: row for row in running_tasks_by_light().by_department}
        open_at = ReviewTask.objects.filter(status="open").values("department_id")
        per_department = dict(open_at.annotate(n=Count("pk")).values_list("department_id", "n"))
        assert {key: row.total for key, row in running.items()} == per_department
        natres = [row.total for row in official_workload(demo.natres.pk)]
        assert sum(natres) == per_department[demo.natres.pk]

    check()
    task_claim(actor=reviewer, task=planning, revision=planning.revision)
    check()
    task_assign(actor=demo.head, task=planning, assignee=colleague, revision=planning.revision)
    check()
    task_release(actor=colleague, task=planning, revision=planning.revision)
    check()
    task_claim(actor=reviewer, task=planning, revision=planning.revision)
    assert department_queue(reviewer).counts["red"] == 1
    # a stopped clock: every open task of the application turns "paused" at once
    task_pause_clock(
        actor=reviewer, task=planning, revision=planning.revision, kind="inspection", reason="Site"
    )
    check()
    counts = department_queue(reviewer).counts
    assert (counts["paused"], counts["red"]) == (1, 0)
    assert running_tasks_by_light().by_department[0].paused >= 1
    # and the clock running again lights it by its (recounted) due date
    task_resume_clock(actor=reviewer, task=planning, revision=planning.revision)
    check()
    assert department_queue(reviewer).counts["paused"] == 0
