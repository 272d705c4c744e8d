"""Revocation (撤销) and cancellation (注销) by the issuing department's head or approver."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from approvals.models import DocumentStatus, LicenceStatus, Notification
from approvals.services.licences import licence_cancel, licence_revoke
from audit.models import AuditEvent
from tests.approvals.licences.conftest import open_follow_up
from tests.support import recorded_events

SERVICES = {"revoke": licence_revoke, "cancel": licence_cancel}
OUTCOME = {
    "revoke": (LicenceStatus.REVOKED, "licence.revoked"),
    "cancel": (LicenceStatus.CANCELLED, "licence.cancelled"),
}


@pytest.mark.parametrize("action", ["revoke", "cancel"])
@pytest.mark.parametrize("who", ["head", "approver"])
def test_the_issuing_departments_official_ends_the_licence(
    register, action, who, django_capture_on_commit_callbacks
):
    # given a valid licence with its certificate
    official = getattr(register, who)
    # when the issuing department's official acts with a reason
    with django_capture_on_commit_callbacks(execute=True), recorded_events() as recorded:
        SERVICES[action](actor=official, licence=register.licence, reason="以欺骗手段取得")
    # then the licence and its certificate say so, with who, when and why
    status, event = OUTCOME[action]
    register.licence.refresh_from_db()
    register.certificate.refresh_from_db()
    assert register.licence.status == status
    assert register.licence.status_reason == "以欺骗手段取得"
    assert register.licence.status_changed_by == official
    assert register.licence.status_changed_at is not None
    assert register.licence.effective_status() == status
    assert register.certificate.status == DocumentStatus.REVOKED
    # one act, one event (beside the written decision it issues)
    assert [e.action for e in recorded if e.object_type != "approvals.document"] == [event]
    audit = next(e for e in recorded if e.action == event)
    assert audit.actor == official
    assert audit.object_id == str(register.licence.pk)
    assert audit.changes["status"] == ["valid", status]
    assert audit.reason == "以欺骗手段取得"
    # and the holder is told, in their language, with the reason
    notice = Notification.objects.get(user=register.holder, kind=event)
    assert register.licence.number in notice.title
    assert "以欺骗手段取得" in notice.body


@pytest.mark.parametrize("action", ["revoke", "cancel"])
@pytest.mark.parametrize("who", ["reviewer", "other_head", "supervisor", "holder", "stranger"])
def test_nobody_else_may_end_a_licence(register, action, who):
    with pytest.raises(PermissionDenied):
        SERVICES[action](actor=getattr(register, who), licence=register.licence, reason="x")
    register.licence.refresh_from_db()
    assert register.licence.status == LicenceStatus.VALID
    assert not AuditEvent.objects.filter(action__startswith="licence.").exists()


@pytest.mark.parametrize("action", ["revoke", "cancel"])
def test_a_reason_is_required(register, action):
    with pytest.raises(ValidationError) as raised:
        SERVICES[action](actor=register.head, licence=register.licence, reason="   ")
    assert "reason" in raised.value.message_dict
    register.licence.refresh_from_db()
    assert register.licence.status == LicenceStatus.VALID


def test_an_ended_licence_cannot_be_ended_again(register):
    licence_revoke(actor=register.head, licence=register.licence, reason="first")
    with pytest.raises(ValidationError):
        licence_cancel(actor=register.head, licence=register.licence, reason="second")
    register.licence.refresh_from_db()
    assert register.licence.status == LicenceStatus.REVOKED
    assert AuditEvent.objects.filter(action__startswith="licence.").count() == 1


def test_a_business_licence_tells_the_administrator(register, business_licence):
    licence, admin = business_licence
    licence_cancel(actor=register.approver, licence=licence, reason="企业注销")
    assert Notification.objects.filter(user=admin.user, kind="licence.cancelled").exists()


def test_a_revocation_names_the_follow_ups_it_withdrew(register):
    # given the holder's change of the licence under review
    change = open_follow_up(register)
    # when the licence is revoked
    with recorded_events() as recorded:
        licence_revoke(actor=register.head, licence=register.licence, reason="以欺骗手段取得")
    # then the change is withdrawn (its own status change, about that application) and the
    # revocation is the licence's one event, naming it
    change.refresh_from_db()
    assert change.status == "withdrawn"
    about_the_licence = [e for e in recorded if e.object_type == "approvals.licence"]
    assert [e.action for e in about_the_licence] == ["licence.revoked"]
    assert about_the_licence[0].changes["withdrawn"] == [None, [change.tracking_number]]
    about_the_change = [e.action for e in recorded.of_the_act() if e.object_id == str(change.pk)]
    assert about_the_change == ["application.withdrawn"]
