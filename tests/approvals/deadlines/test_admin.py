"""The calendar in the admin: a later year is added with its days, edits are audited and take
effect at once, and impossible days are refused."""

import datetime as dt

import pytest
from django.urls import reverse

from approvals.models import CalendarDay, CalendarYear
from approvals.models.working_calendar import working_calendar
from audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

D = dt.date
DAYS_2027 = "\n".join(
    [
        "2027-01-01 holiday New Year's Day",
        "2027-02-06 holiday Spring Festival",
        "2027-02-07 holiday Spring Festival",
        "2027-02-08 holiday Spring Festival",
        "2027-02-14 makeup Spring Festival",
    ]
)


@pytest.fixture
def client(verified_client_factory):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client = verified_client_factory(admin_user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.user = admin_user
    return client


def add_year(client, year, days, source="State Council notice 2026"):
    return client.post(
        reverse("admin:approvals_calendaryear_add"),
        {"year": year, "source": source, "days": days},
    )


def test_adding_2027_with_its_days_takes_effect_at_once_and_is_audited(client):
    # given the official calendar ends with 2026 (later years are provisional)
    assert working_calendar().official_last_day == D(2026, 12, 31)
    assert working_calendar().is_provisional(D(2027, 2, 9))
    # when the administrator adds 2027 with its holidays and a make-up Sunday
    response = add_year(client, 2027, DAYS_2027)
    # then the year and its days exist and deadlines run into 2027 at once
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CalendarYear.objects.filter(year=2027).exists()
    assert CalendarDay.objects.filter(date__year=2027).count() == 5
    calendar = working_calendar()
    assert calendar.official_last_day == D(2027, 12, 31)
    assert not calendar.is_provisional(D(2027, 2, 9))
    # Friday 2027-02-05 + 1 working day: the holiday 02-06..08 is skipped, 02-09 counts
    assert calendar.add_working_days(D(2027, 2, 5), 1) == D(2027, 2, 9)
    assert calendar.is_working_day(D(2027, 2, 14))  # the make-up Sunday
    event = AuditEvent.objects.get(action="calendar.days_changed", object_id="2027")
    assert event.actor == client.user and len(event.changes["added"][1]) == 5
    assert AuditEvent.objects.filter(action="admin.add", object_type="approvals.calendaryear")


def test_editing_the_days_of_a_year_is_audited_and_effective(client):
    add_year(client, 2027, DAYS_2027)
    year = CalendarYear.objects.get(year=2027)
    # when 2027-03-01 becomes a holiday and the make-up Sunday is removed
    days = DAYS_2027.replace("2027-02-14 makeup Spring Festival", "2027-03-01 holiday Test")
    response = client.post(
        reverse("admin:approvals_calendaryear_change", args=[year.pk]),
        {"source": year.source, "days": days},
    )
    assert response.status_code == 302
    calendar = working_calendar()
    assert not calendar.is_working_day(D(2027, 3, 1))
    assert not calendar.is_working_day(D(2027, 2, 14))
    event = AuditEvent.objects.filter(action="calendar.days_changed").order_by("sequence").last()
    assert event.changes["removed"][0] == ["2027-02-14 makeup_workday Spring Festival"]


def test_a_year_needs_its_days(client):
    response = add_year(client, 2027, "")
    assert response.status_code == 200
    assert not CalendarYear.objects.filter(year=2027).exists()


@pytest.mark.parametrize(
    ("days", "problem"),
    [
        ("2027-01-01 holiday New Year\n2027-02-10 makeup Spring Festival", "Saturday or Sunday"),
        ("2027-01-01 holiday New Year\n2027-01-01 holiday New Year", "listed twice"),
        ("2027-01-01 holiday New Year\n2028-01-01 holiday New Year", "not in 2027"),
        ("2027-13-01 holiday New Year", "not a date"),
    ],
)
def test_impossible_days_are_refused(client, days, problem):
    response = add_year(client, 2027, days)
    assert response.status_code == 200
    assert problem in response.content.decode()
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_a_single_day_edit_is_audited_and_a_duplicate_holiday_refused(client):
    day = CalendarDay.objects.get(date=D(2026, 10, 1))
    response = client.post(
        reverse("admin:approvals_calendarday_change", args=[day.pk]),
        {"date": "2026-10-01", "kind": "holiday", "name": "National Day (corrected)"},
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="calendar.day_changed", object_id=str(day.pk))
    duplicate = client.post(
        reverse("admin:approvals_calendarday_add"),
        {"date": "2026-10-01", "kind": "holiday", "name": "again"},
    )
    assert duplicate.status_code == 200
    assert CalendarDay.objects.filter(date=D(2026, 10, 1)).count() == 1
    weekday_makeup = client.post(
        reverse("admin:approvals_calendarday_add"),
        {"date": "2026-03-04", "kind": "makeup_workday", "name": "x"},
    )
    assert "Saturday or Sunday" in weekday_makeup.content.decode()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_calendar_admin_pages_open(client, language):
    client.cookies["portal_language"] = language
    year = CalendarYear.objects.get(year=2026)
    for url in [
        reverse("admin:approvals_calendaryear_changelist"),
        reverse("admin:approvals_calendaryear_add"),
        reverse("admin:approvals_calendaryear_change", args=[year.pk]),
        reverse("admin:approvals_calendarday_changelist"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(reverse("admin:approvals_calendaryear_change", args=[year.pk]))
    assert "2026-10-01 holiday National Day" in page.content.decode()
