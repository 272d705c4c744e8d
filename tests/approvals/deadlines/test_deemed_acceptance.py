"""Art. 32: without an intake decision within 5 working days of receipt, the application is
deemed accepted from the day of receipt — by the sweep, exactly when the 5 days have passed."""

import datetime as dt

import pytest
from django.core.management import call_command

from approvals.models import Notification
from approvals.services.deadlines import application_deadlines_refresh
from audit.models import AuditEvent

D = dt.date


@pytest.fixture
def waiting(make_application):
    # received on Friday 2025-01-24: 26 (make-up Sunday), 27, then Spring Festival, 02-05, 06, 07
    application = make_application(received_on=D(2025, 1, 24))
    application_deadlines_refresh(application=application)
    application.refresh_from_db()
    assert application.intake_due_on == D(2025, 2, 7)
    return application


@pytest.mark.django_db
def test_not_on_the_last_day_of_the_period(waiting):
    call_command("sweep_deadlines", "--today", "2025-02-07")
    waiting.refresh_from_db()
    assert waiting.status == "submitted" and not waiting.deemed_accepted
    assert not AuditEvent.objects.filter(action="application.deemed_accepted").exists()


@pytest.mark.django_db
def test_deemed_accepted_the_day_after_from_the_day_of_receipt_once(waiting, clerk):
    # when the sweep runs on the day after the 5th working day, twice
    call_command("sweep_deadlines", "--today", "2025-02-08")
    call_command("sweep_deadlines", "--today", "2025-02-08")
    waiting.refresh_from_db()
    # then accepted from the day of receipt, audited as such, told to applicant and window, once
    assert waiting.status in ("accepted", "under_review")
    assert waiting.deemed_accepted and waiting.accepted_on == D(2025, 1, 24)
    assert waiting.decision_due_on is not None
    event = AuditEvent.objects.get(action="application.deemed_accepted")
    assert event.actor is None and event.actor_label == "system"
    assert event.changes["accepted_on"] == [None, "2025-01-24"]
    assert event.changes["status"] == ["submitted", waiting.status]  # its one event
    assert "Art. 32" in event.reason
    assert (
        Notification.objects.filter(
            user=waiting.created_by, kind="application.deemed_accepted"
        ).count()
        == 1
    )
    assert Notification.objects.filter(user=clerk, kind="intake.deemed_accepted").count() == 1
