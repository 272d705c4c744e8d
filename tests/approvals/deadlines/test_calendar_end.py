"""Work goes on near the end of the working-day calendar: a due date it does not reach yet is
counted provisionally from the statutory holidays (marked so, never a silent guess, never a
crash) and counted again when the next year's official schedule is entered."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from approvals.admin.calendar import sync_year_days
from approvals.models import CalendarYear
from approvals.services.deadlines import (
    application_deadlines_refresh,
    deadlines_fill_unknown,
    task_due_on,
)
from approvals.services.intake import intake_accept
from tests.factories import DepartmentFactory

D = dt.date
SHANGHAI = ZoneInfo("Asia/Shanghai")
# Late December 2026: 45 working days reach into 2027, which the seeded calendar does not cover.
LATE_DECEMBER = dt.datetime(2026, 12, 21, 10, 0, tzinfo=SHANGHAI)


def _enter_2027(actor):
    """2027 as an administrator might enter it (a made-up schedule: New Year's Day only)."""
    CalendarYear.objects.create(year=2027, source="test")
    sync_year_days(actor, 2027, {D(2027, 1, 1): ("holiday", "New Year's Day")})


@pytest.mark.django_db
def test_accepting_near_the_calendar_end_gives_provisional_dates(
    make_application, clerk, department
):
    DepartmentFactory(code="other", region_code=department.region_code)
    # given a joint application (45 working days) received on a day in late December
    application = make_application(joint=True, received_on=D(2026, 12, 21))
    with time_machine.travel(LATE_DECEMBER, tick=False):
        # when the window accepts it
        accepted = intake_accept(
            actor=clerk, application=application, revision=application.revision
        )
    # then it is accepted and under review, and the decision dates and the review tasks' due
    # dates (20 working days: into 2027 too) are provisional, counted with 2027-01-01 off
    accepted.refresh_from_db()
    assert accepted.status == "under_review"
    assert [(t.due_on, t.due_provisional) for t in accepted.tasks.all()] == [
        (D(2027, 1, 19), True),
        (D(2027, 1, 19), True),
    ]
    assert accepted.accepted_on == D(2026, 12, 21)
    assert accepted.decision_due_provisional and accepted.promised_due_provisional


@pytest.mark.django_db(transaction=True)
def test_entering_the_next_year_recomputes_the_provisional_dates(
    make_application, clerk, admin_user
):
    from approvals.services.deadlines import deadlines_recompute_provisional

    # given an accepted application whose statutory date is beyond the calendar's end
    application = make_application(
        joint=True, status="accepted", received_on=D(2026, 12, 18), accepted_on=D(2026, 12, 21)
    )
    application_deadlines_refresh(application=application)
    assert application.decision_due_provisional
    # when the administrator enters 2027 (the fill runs after the commit)
    _enter_2027(admin_user)
    # then the date is computed: 45 working days after Monday 2026-12-21 with 2027-01-01 off
    application.refresh_from_db()
    assert application.decision_due_on == D(2027, 2, 23)
    assert not application.decision_due_provisional
    # and a second run finds nothing left to do
    assert deadlines_fill_unknown() == {"applications": 0, "tasks": 0, "rectifications": 0}
    assert deadlines_recompute_provisional() == {"recomputed": 0}


@pytest.mark.django_db
def test_a_task_due_date_beyond_the_calendar_falls_back_to_the_decision_date(make_application):
    application = make_application(
        status="under_review", received_on=D(2026, 12, 1), accepted_on=D(2026, 12, 2)
    )
    application_deadlines_refresh(application=application)
    # the decision (20 working days from 12-02) is due on 12-30, inside the calendar
    assert application.decision_due_on == D(2026, 12, 30)
    # a stage of 10 working days from 12-28 would end in 2027: the decision date stands in
    assert task_due_on(application=application, stage=10, today=D(2026, 12, 28)) == D(2026, 12, 30)
    # without it, the stage's own date, provisionally (2027-01-01 off by law)
    application.decision_due_on = None
    assert task_due_on(application=application, stage=10, today=D(2026, 12, 28)) == D(2027, 1, 12)


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["approvals:intake_queue", "approvals:work_queue"])
def test_officials_are_told_two_months_ahead_that_the_calendar_ends(
    url_name, clerk, reviewer, verified_client_factory
):
    from django.urls import reverse

    official = clerk if url_name == "approvals:intake_queue" else reviewer
    client = verified_client_factory(official)
    # in mid-year the queues say nothing about the calendar
    page = client.get(reverse(url_name), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The working-day calendar ends" not in page
    # from two months before its last day they say which year to enter, in both languages
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)):
        client = verified_client_factory(official)  # the mid-year session has long expired
        page = client.get(reverse(url_name), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "The working-day calendar ends on Dec. 31, 2026" in page
        assert "make-up working days of 2027" in page
        page = client.get(reverse(url_name), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "2027" in page and "工作日历" in page


@pytest.mark.django_db(transaction=True)
def test_a_pause_while_the_dates_were_provisional_still_counts_when_they_are_recomputed(
    make_application, clerk, department, admin_user
):
    from approvals.models import ReviewTask
    from approvals.services.deadlines import clock_pause_end, clock_pause_start
    from audit.models import AuditEvent

    DepartmentFactory(code="other", region_code=department.region_code)
    # given a joint application accepted on Monday 2026-12-21 (its review stage: 20 working days)
    application = make_application(joint=True, received_on=D(2026, 12, 21))
    with time_machine.travel(LATE_DECEMBER, tick=False):
        intake_accept(actor=clerk, application=application, revision=application.revision)
    # and an expert review stopping the clock from 12-22 to 12-29, all before 2027 is entered
    with time_machine.travel(dt.datetime(2026, 12, 22, 10, 0, tzinfo=SHANGHAI), tick=False):
        clock_pause_start(
            actor=None, application=application, kind="expert_review", reason="Experts"
        )
    with time_machine.travel(dt.datetime(2026, 12, 29, 10, 0, tzinfo=SHANGHAI), tick=False):
        clock_pause_end(actor=None, application=application)
    assert set(ReviewTask.objects.values_list("due_provisional", flat=True)) == {True}
    # when 2027 is entered
    _enter_2027(admin_user)
    # then the tasks are due 20 working days after 12-21 with the paused days (12-22..12-29,
    # six working days) not counting: 2027-01-27; and each recomputed date is audited
    assert set(ReviewTask.objects.values_list("due_on", flat=True)) == {D(2027, 1, 27)}
    assert set(ReviewTask.objects.values_list("due_provisional", flat=True)) == {False}
    recomputed = AuditEvent.objects.filter(action="deadline.recomputed")
    assert recomputed.filter(object_type="approvals.reviewtask").count() == 2
    assert recomputed.filter(object_type="approvals.application").count() == 1


@pytest.mark.django_db
def test_the_periodic_sweep_fills_in_what_the_calendar_now_reaches(make_application):
    # given an accepted application whose dates were left unknown (say, the fill after the
    # calendar edit never ran)
    application = make_application(
        status="under_review", received_on=D(2026, 6, 1), accepted_on=D(2026, 6, 2)
    )
    assert application.decision_due_on is None
    # when the sweep runs
    from approvals.services.sweep import sweep_deadlines

    report = sweep_deadlines(today=D(2026, 6, 15))
    # then the dates are there
    application.refresh_from_db()
    # (20 working days after Tuesday 06-02, the Dragon Boat Festival on 06-19 not counting)
    assert application.decision_due_on == D(2026, 7, 1) and report.due_dates_filled == 1


def test_a_message_never_states_a_blank_due_date():
    from django.utils import translation

    from approvals.services.deadlines import due_text

    with translation.override("en"):
        assert due_text(D(2026, 12, 30)) == "2026-12-30"
        assert str(due_text(None)).startswith("a date to be told once next year")
        # a provisional date says so
        assert "provisional" in str(due_text(D(2027, 1, 19), provisional=True))
    with translation.override("zh-hans"):
        assert "节假日安排公布后" in str(due_text(None))
        assert "暂按法定节假日计算" in str(due_text(D(2027, 1, 19), provisional=True))


def test_a_provisional_due_date_in_a_message_is_bracketed_as_its_language_brackets():
    from django.utils import translation

    from approvals.services.deadlines import due_text

    due = due_text(D(2027, 1, 19), provisional=True)
    # in Chinese the note sits in full-width brackets, as the pages show it
    with translation.override("zh-hans"):
        assert str(due) == "2027-01-19（暂按法定节假日计算，待国务院公布调休安排后确定）"
    with translation.override("en"):
        assert str(due) == (
            "2027-01-19 (provisional: counted from the statutory holidays only, to be confirmed "
            "once the State Council publishes the make-up working days)"
        )


@pytest.mark.django_db
def test_one_sla_light_rule_for_intake_and_rectification_deadlines():
    from approvals.models.working_calendar import sla_light_for

    assert sla_light_for(D(2026, 6, 15), None) == ""
    assert sla_light_for(D(2026, 6, 15), D(2026, 6, 30)) == "green"
    assert sla_light_for(D(2026, 6, 15), D(2026, 6, 16)) == "yellow"
    assert sla_light_for(D(2026, 6, 15), D(2026, 6, 12)) == "red"
    # a provisional date has its light; beyond the provisional years: unknown while running,
    # red once overdue
    assert sla_light_for(D(2026, 12, 30), D(2027, 1, 20)) == "green"
    assert sla_light_for(D(2028, 12, 30), D(2029, 1, 20)) == ""
    assert sla_light_for(D(2029, 1, 21), D(2029, 1, 20)) == "red"
    # a stopped clock shows its own light whatever the date
    assert sla_light_for(D(2026, 6, 15), D(2026, 6, 12), paused=True) == "paused"
