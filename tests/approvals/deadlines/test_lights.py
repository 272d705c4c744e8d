"""SLA lights tell the truth: one rule (approvals.models.working_calendar.sla_light_expression,
derived where it is read) gives a fresh task its real light at once; a stopped clock has its own
light."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from approvals.models import ClockPause, ReviewTask
from approvals.services.intake import intake_accept
from tests.support import task_lights

D = dt.date
SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = dt.datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI)


def _stage_limit(application, days):
    from approvals.models import ServiceVersion

    definition = application.service_version.workflow_definition
    definition["stages"][0]["limit_working_days"] = days
    # (a published version is frozen for editing; the test sets up its guide directly)
    ServiceVersion.objects.filter(pk=application.service_version_id).update(
        workflow_definition=definition
    )
    application.refresh_from_db()


@pytest.mark.django_db
@pytest.mark.parametrize(("limit", "light"), [(3, "yellow"), (4, "green")])
def test_a_fresh_task_gets_its_real_light_at_once(make_application, clerk, limit, light):
    # given a stage of ``limit`` working days, accepted on Monday 2026-06-01
    application = make_application(received_on=D(2026, 6, 1))
    _stage_limit(application, limit)
    with time_machine.travel(MONDAY, tick=False):
        intake_accept(actor=clerk, application=application, revision=application.revision)
    # then a task due in three working days is yellow the day it is created (four: green)
    task = ReviewTask.objects.get(application=application)
    assert task.due_on == D(2026, 6, 1) + dt.timedelta(days=limit)
    assert task_lights(D(2026, 6, 1))[task.pk] == light


@pytest.mark.django_db
def test_a_task_created_while_the_clock_is_stopped_is_paused(make_application, clerk):
    from approvals.services.workflow import workflow_start

    application = make_application(
        status="accepted", received_on=D(2026, 6, 1), accepted_on=D(2026, 6, 1)
    )
    ClockPause.objects.create(
        application=application, kind="testing", reason="Lab", started_on=D(2026, 6, 1)
    )
    with time_machine.travel(MONDAY, tick=False):
        workflow_start(actor=None, application=application)
    assert (
        task_lights(D(2026, 6, 1))[ReviewTask.objects.get(application=application).pk] == "paused"
    )
