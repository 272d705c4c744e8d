"""The expiry-reminder sweep: 60 and 30 days before, each once."""

import datetime as dt

from approvals.models import LicenceStatus, Notification
from approvals.services.licences import licence_expiry_reminders_send
from approvals.tasks import licence_expiry_reminders_task
from audit.models import AuditEvent
from tests.approvals.licences.conftest import TODAY
from tests.factories import LicenceFactory


def _reminders(user):
    return Notification.objects.filter(user=user, kind="licence.expiry_reminder")


def test_sixty_then_thirty_days_before_each_once(register):
    licence = register.licence
    licence.valid_to = TODAY + dt.timedelta(days=60)
    licence.save(update_fields=["valid_to"])
    # at 61 days nothing
    assert licence_expiry_reminders_send(today=TODAY - dt.timedelta(days=1)).reminded == {}
    # at 60 days, the first reminder; a second run the same day sends nothing
    report = licence_expiry_reminders_send(today=TODAY)
    assert report.reminded == {60: [licence.pk]}
    assert licence_expiry_reminders_send(today=TODAY).reminded == {}
    assert _reminders(register.holder).count() == 1
    # between the thresholds nothing; at 30 days the second, once
    assert licence_expiry_reminders_send(today=TODAY + dt.timedelta(days=20)).reminded == {}
    thirty = TODAY + dt.timedelta(days=30)
    assert licence_expiry_reminders_send(today=thirty).reminded == {30: [licence.pk]}
    assert licence_expiry_reminders_send(today=thirty).reminded == {}
    assert _reminders(register.holder).count() == 2
    licence.refresh_from_db()
    assert licence.reminders_sent == [60, 30]
    events = AuditEvent.objects.filter(action="licence.expiry_reminder_sent").order_by("sequence")
    assert [e.changes["days_left"][1] for e in events] == [60, 30]


def test_a_licence_found_late_gets_only_the_nearer_reminder(register):
    register.licence.valid_to = TODAY + dt.timedelta(days=25)
    register.licence.save(update_fields=["valid_to"])
    assert licence_expiry_reminders_send(today=TODAY).reminded == {30: [register.licence.pk]}
    assert licence_expiry_reminders_send(today=TODAY).reminded == {}
    register.licence.refresh_from_db()
    assert sorted(register.licence.reminders_sent) == [30, 60]
    assert _reminders(register.holder).count() == 1


def test_ended_expired_and_endless_licences_are_not_reminded(db):
    LicenceFactory(valid_to=TODAY + dt.timedelta(days=10), status=LicenceStatus.REVOKED)
    LicenceFactory(valid_to=TODAY - dt.timedelta(days=1))
    LicenceFactory(valid_to=None)
    assert licence_expiry_reminders_send(today=TODAY).reminded == {}
    assert not Notification.objects.exists()


def test_the_daily_task_runs_the_sweep(register):
    register.licence.valid_to = TODAY + dt.timedelta(days=30)
    register.licence.save(update_fields=["valid_to"])
    assert licence_expiry_reminders_task() == {"30": 1, "deemed_renewals": 0}
    assert licence_expiry_reminders_task() == {"deemed_renewals": 0}
