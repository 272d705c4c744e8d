"""Audit events that no other test asserted: deleting calendar days and years in the admin."""

import datetime as dt

import pytest
from django.urls import reverse

from approvals.models import CalendarDay, CalendarYear
from tests.factories import UserFactory
from tests.support import events

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(verified_client_factory):
    user = UserFactory(is_staff=True, is_superuser=True)
    client = verified_client_factory(user)
    client.user = user
    return client


def test_deleting_a_calendar_day_is_audited_with_what_it_was(admin_client):
    day = CalendarDay.objects.get(date=dt.date(2026, 10, 1))

    response = admin_client.post(
        reverse("admin:approvals_calendarday_delete", args=[day.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    event = events("calendar.day_deleted").get()
    assert (event.actor, event.object_id) == (admin_client.user, str(day.pk))
    assert event.changes["day"][1] is None
    assert "2026-10-01" in str(event.changes["day"][0])


def test_deleting_a_calendar_year_is_audited_with_its_days(admin_client):
    year = CalendarYear.objects.create(year=2027, source="test")
    CalendarDay.objects.create(date=dt.date(2027, 1, 1), kind="holiday", name="New Year")

    response = admin_client.post(
        reverse("admin:approvals_calendaryear_delete", args=[year.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    event = events("calendar.year_deleted").get()
    assert (event.actor, event.object_id) == (admin_client.user, "2027")
    assert "2027-01-01" in str(event.changes["days"][0])
    assert not CalendarDay.objects.filter(date__year=2027).exists()


@pytest.fixture
def departments(db):
    from demo.management.commands.seed_demo import DemoSeeder

    DemoSeeder(password="unused", reset_passwords=False).seed_departments()


def test_seeding_the_catalogue_audits_each_new_item_and_a_moved_one(departments):
    from accounts.models import Department
    from approvals.models import ServiceItem
    from demo.catalogue import DEMO_SERVICES, seed_catalogue

    seed_catalogue()
    assert events("catalogue.item_created").count() == len(DEMO_SERVICES)

    item = ServiceItem.objects.get(code=DEMO_SERVICES[0]["code"])
    original = item.department.code
    item.department = Department.objects.exclude(pk=item.department_id).first()
    item.save(update_fields=["department"])
    seed_catalogue()

    event = events("catalogue.item_changed", item).get()
    assert event.changes["department"] == [item.department.code, original]
