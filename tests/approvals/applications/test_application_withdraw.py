"""Withdrawing a submitted application before the decision, and discarding a draft."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from approvals.models import Application, ApplicationStatus, Attachment, Notification
from approvals.services.applications import (
    application_discard_draft,
    application_start,
    application_submit,
    application_withdraw,
)
from audit.models import AuditEvent
from tests.approvals.applications.helpers import filled_draft
from tests.support import events

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(citizen, version):
    return application_submit(
        actor=citizen, application=filled_draft(actor=citizen, version=version), idempotency_key="k"
    )


def test_an_applicant_withdraws_with_a_reason(
    citizen, clerk, submitted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application_withdraw(actor=citizen, application=submitted, reason="Shop not opening")

    assert Application.objects.get(pk=submitted.pk).status == ApplicationStatus.WITHDRAWN
    [event] = events("application.withdrawn", submitted)
    assert event.reason == "Shop not opening"
    assert event.changes["status"] == ["submitted", "withdrawn"]
    assert Notification.objects.filter(user=citizen, kind="application.withdrawn").exists()
    assert Notification.objects.filter(user=clerk, kind="intake.application_withdrawn").exists()


def test_a_reason_is_required(citizen, submitted):
    with pytest.raises(ValidationError) as raised:
        application_withdraw(actor=citizen, application=submitted, reason="   ")

    assert "reason" in raised.value.message_dict
    assert Application.objects.get(pk=submitted.pk).status == ApplicationStatus.SUBMITTED
    assert not events("application.withdrawn", submitted)


@pytest.mark.parametrize(
    "status", [ApplicationStatus.APPROVED, ApplicationStatus.DENIED, ApplicationStatus.WITHDRAWN]
)
def test_a_decided_or_withdrawn_application_cannot_be_withdrawn(citizen, submitted, status):
    Application.objects.filter(pk=submitted.pk).update(status=status)

    with pytest.raises(ValidationError):
        application_withdraw(actor=citizen, application=submitted, reason="Too late")

    assert Application.objects.get(pk=submitted.pk).status == status


def test_a_draft_is_discarded_rather_than_withdrawn(citizen, version):
    draft = filled_draft(actor=citizen, version=version)
    with pytest.raises(ValidationError):
        application_withdraw(actor=citizen, application=draft, reason="Changed my mind")

    application_discard_draft(actor=citizen, application=draft)

    assert not Application.objects.filter(pk=draft.pk).exists()
    assert not Attachment.objects.exists()
    assert AuditEvent.objects.filter(
        action="application.draft_discarded", object_id=str(draft.pk)
    ).exists()


def test_a_submitted_application_cannot_be_discarded(citizen, submitted):
    with pytest.raises(ValidationError):
        application_discard_draft(actor=citizen, application=submitted)

    assert Application.objects.filter(pk=submitted.pk).exists()


def test_a_stranger_can_neither_withdraw_nor_discard(citizen, stranger, submitted, version):
    draft = application_start(actor=citizen, version=version)

    with pytest.raises(PermissionDenied):
        application_withdraw(actor=stranger, application=submitted, reason="Mischief")
    with pytest.raises(PermissionDenied):
        application_discard_draft(actor=stranger, application=draft)

    assert Application.objects.get(pk=submitted.pk).status == ApplicationStatus.SUBMITTED
    assert Application.objects.filter(pk=draft.pk).exists()


def test_another_agent_of_the_business_may_withdraw_its_application(agent, business, version):
    from tests.factories import MembershipFactory, PersonFactory

    colleague = MembershipFactory(
        business=business, user=PersonFactory().user, sees_all_applications=True
    ).user
    submitted = application_submit(
        actor=agent,
        application=filled_draft(actor=agent, version=version, business=business),
        idempotency_key="k",
    )

    application_withdraw(actor=colleague, application=submitted, reason="Filed twice")

    assert Application.objects.get(pk=submitted.pk).status == ApplicationStatus.WITHDRAWN
