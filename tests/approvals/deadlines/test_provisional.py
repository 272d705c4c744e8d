"""Due dates past the published calendar: counted provisionally from the statutory holidays the
law fixes, shown as provisional on pages, the API and PDFs, and recomputed (audited) once the
year's official schedule is entered."""

import datetime as dt
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals.admin.calendar import sync_year_days
from approvals.domain.statutory_holidays import statutory_holidays
from approvals.models import CalendarYear, Document, ReviewTask
from approvals.services.deadlines import application_deadlines_refresh
from approvals.services.documents import document_html
from approvals.services.intake import intake_accept
from audit.models import AuditEvent
from tests.support import task_lights

D = dt.date
SHANGHAI = ZoneInfo("Asia/Shanghai")
# Monday 2026-12-21: the calendar ends on 2026-12-31 and 2027's schedule is not published yet.
DECEMBER = dt.datetime(2026, 12, 21, 10, 0, tzinfo=SHANGHAI)
ZH_NOTE = "暂按法定节假日计算，待国务院公布调休安排后确定"
EN_NOTE = "provisional: counted from the statutory holidays only"


# --- the law's holidays -------------------------------------------------------------------------


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_computed_statutory_holidays_are_rest_days_of_the_official_schedule(year):
    # the official schedules of the years since the 2024 amendment contain every day the law fixes
    official = {day for day in chinese_calendar.holidays if day.year == year}
    assert set(statutory_holidays(year)) <= official


def test_2027_statutory_holidays_have_lunar_dates_qingming_and_make_up_rest_days():
    days = statutory_holidays(2027)
    # Spring Festival eve 2027-02-05 (Fri) and days 1-3; Sat and Sun among them are made up on
    # the next working days (Art. 6)
    spring = [day for day, name in days.items() if name == "Spring Festival"]
    assert spring == [D(2027, 2, d) for d in range(5, 11)]
    assert days[D(2027, 4, 5)] == "Tomb-sweeping Day"
    assert days[D(2027, 6, 9)] == "Dragon Boat Festival"  # 5th of the 5th lunar month
    assert days[D(2027, 9, 15)] == "Mid-autumn Festival"  # 15th of the 8th lunar month
    assert [d for d, n in days.items() if n == "National Day"] == [
        D(2027, 10, d) for d in range(1, 6)
    ]
    assert days[D(2027, 1, 1)] == "New Year's Day"


# --- the hidden-date case -----------------------------------------------------------------------


def _accept_in_december(make_application, clerk, django_capture_on_commit_callbacks):
    application = make_application(received_on=D(2026, 12, 21))
    with (
        time_machine.travel(DECEMBER, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        intake_accept(actor=clerk, application=application, revision=application.revision)
    application.refresh_from_db()
    return application


@pytest.mark.django_db
def test_a_decision_limit_into_next_year_gets_a_provisional_date(
    make_application, clerk, django_capture_on_commit_callbacks
):
    # given the calendar ends on 2026-12-31, when the window accepts on Monday 2026-12-21
    application = _accept_in_december(make_application, clerk, django_capture_on_commit_callbacks)
    # then 20 working days, 2027-01-01 off by law, end on Tuesday 2027-01-19, provisionally
    assert application.decision_due_on == D(2027, 1, 19)
    assert application.decision_due_provisional
    # and the review task (10 working days) is due 2027-01-05, provisionally, already lit
    task = ReviewTask.objects.get(application=application)
    assert (task.due_on, task.due_provisional) == (D(2027, 1, 5), True)
    assert task_lights(D(2026, 12, 21))[task.pk] == "green"


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "note"), [("en", EN_NOTE), ("zh-hans", ZH_NOTE)])
def test_the_provisional_date_is_marked_on_the_page_the_api_and_the_pdf(
    language, note, make_application, clerk, client, django_capture_on_commit_callbacks
):
    application = _accept_in_december(make_application, clerk, django_capture_on_commit_callbacks)
    with time_machine.travel(DECEMBER, tick=False):
        client.force_login(application.created_by, backend="accounts.backends.EmailOrMobileBackend")
        # the applicant's page
        page = client.get(
            reverse("approvals:application_detail", args=[application.pk]),
            HTTP_ACCEPT_LANGUAGE=language,
        ).content.decode()
        # the API
        data = client.get(
            f"/api/v1/applications/{application.pk}/", HTTP_ACCEPT_LANGUAGE=language
        ).json()
    assert "2027-01-19" in page and note in page
    # in brackets of the page's language (full-width in Chinese)
    assert ("（" + note if language == "zh-hans" else "(" + note) in page
    assert data["decision_due_on"] == "2027-01-19"
    assert data["decision_due_provisional"] is True and note in data["decision_due_note"]
    # the acceptance notice (bilingual PDF) says so in both languages
    notice = Document.objects.get(application=application, kind="acceptance_notice")
    html = document_html(notice)
    assert "2027年1月19日" in html and ZH_NOTE in html and EN_NOTE in html


def _enter_official_2027(actor):
    """2027 as the State Council might publish it: New Year's Day off, and Saturday 2027-01-09
    a make-up working day."""
    CalendarYear.objects.create(year=2027, source="test")
    sync_year_days(
        actor,
        2027,
        {
            D(2027, 1, 1): ("holiday", "New Year's Day"),
            D(2027, 1, 9): ("makeup_workday", "New Year's Day"),
        },
    )


@pytest.mark.django_db
def test_entering_the_official_schedule_recomputes_and_audits_the_provisional_dates(
    make_application, clerk, admin_user, django_capture_on_commit_callbacks
):
    application = _accept_in_december(make_application, clerk, django_capture_on_commit_callbacks)
    task = ReviewTask.objects.get(application=application)
    # when the administrator enters 2027 with its make-up working day (the recompute runs after
    # the commit)
    with django_capture_on_commit_callbacks(execute=True):
        _enter_official_2027(admin_user)
    # then the make-up Saturday counts: the decision is due a day earlier, and no longer
    # provisional
    application.refresh_from_db()
    assert application.decision_due_on == D(2027, 1, 18)
    assert not application.decision_due_provisional
    task.refresh_from_db()
    assert (task.due_on, task.due_provisional) == (D(2027, 1, 5), False)
    # and each change is an audit event of the system with its before and after
    event = AuditEvent.objects.get(
        action="deadline.recomputed",
        object_type="approvals.application",
        object_id=str(application.pk),
    )
    assert event.changes["decision_due_on"] == ["2027-01-19", "2027-01-18"]
    assert event.actor is None
    assert AuditEvent.objects.filter(
        action="deadline.recomputed", object_type="approvals.reviewtask"
    ).exists()


# --- the sweep ----------------------------------------------------------------------------------


def _provisional_applications(make_application, n):
    applications = [
        make_application(
            joint=True,
            status="accepted",
            received_on=D(2026, 12, 18),
            accepted_on=D(2026, 12, 21),
        )
        for _ in range(n)
    ]
    for application in applications:
        application_deadlines_refresh(application=application)
    return applications


@pytest.mark.django_db
def test_recomputing_provisional_dates_takes_the_same_queries_for_more_applications(
    make_application,
):
    from approvals.models import working_calendar as calendar_cache
    from approvals.services.deadlines import deadlines_recompute_provisional

    def queries(n):
        _provisional_applications(make_application, n)
        year = CalendarYear.objects.create(year=2027, source="test")
        calendar_cache.clear_cache()
        with CaptureQueriesContext(connection) as context:
            result = deadlines_recompute_provisional()
        assert result["recomputed"] == n
        year.delete()
        calendar_cache.clear_cache()
        return len(context.captured_queries)

    assert queries(2) == queries(8)
