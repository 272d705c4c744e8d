"""Revocation (撤销, Art. 69) and cancellation (注销, Art. 70) are written decisions: a sealed
document with the reasons and the remedies, issued to the holder; revoking withdraws the
licence's open change and renewal applications."""

import pytest

from approvals.models import Document, DocumentKind, DocumentStatus, LicenceAction, Notification
from approvals.services.documents import document_html, document_public_status
from approvals.services.licences import licence_cancel, licence_revoke
from audit.models import AuditEvent
from tests.approvals.licences.conftest import open_follow_up
from tests.factories import ApplicationFactory


@pytest.mark.parametrize(
    ("service", "kind", "title", "article"),
    [
        (licence_revoke, DocumentKind.REVOCATION_DECISION, "撤销行政许可决定书", "第六十九条"),
        (licence_cancel, DocumentKind.CANCELLATION_DECISION, "注销行政许可决定书", "第七十条"),
    ],
)
def test_ending_a_licence_issues_a_written_decision_to_the_holder(
    register, service, kind, title, article, django_capture_on_commit_callbacks
):
    # when the issuing department ends the licence with a reason
    with django_capture_on_commit_callbacks(execute=True):
        service(actor=register.head, licence=register.licence, reason="以欺骗手段取得许可")
    # then a decision of its kind is issued on the licence's application, in the department's
    # name, with the reasons and both remedies
    decision = Document.objects.get(kind=kind)
    assert decision.application == register.licence.application
    assert decision.department == register.bureau
    assert decision.issued_by == register.head
    assert decision.context["title_zh"] == title
    assert decision.context["licence_number"] == register.licence.number
    html = document_html(decision)
    assert "以欺骗手段取得许可" in html
    assert article in html
    assert "六十日内依法申请行政复议" in html
    assert "六个月内依法向人民法院提起行政诉讼" in html
    assert "within 60 days" in html and "within 6 months" in html
    # the decision itself stays valid on /verify/ (it is the licence that ended)
    assert decision.status == DocumentStatus.VALID
    assert document_public_status(decision) == "valid"
    assert AuditEvent.objects.filter(action="document.issued", object_id=str(decision.pk)).exists()
    # and the holder is told, with a link to the application page that holds the decision
    notice = Notification.objects.get(user=register.holder)
    assert f"/applications/{register.licence.application.pk}/" in notice.link


def test_revoking_withdraws_the_open_change_and_renewal_applications(register):
    # given a change under review and a draft renewal of the licence
    change = open_follow_up(register)
    unrelated = ApplicationFactory(under_review=True, person=register.holder.person)
    # when the department revokes the licence
    licence_revoke(actor=register.approver, licence=register.licence, reason="许可条件已不具备")
    # then the change is withdrawn with the revocation as its reason, by the revoking official
    change.refresh_from_db()
    unrelated.refresh_from_db()
    assert change.status == "withdrawn"
    assert unrelated.status == "under_review"
    event = AuditEvent.objects.get(action="application.withdrawn", object_id=str(change.pk))
    assert event.actor == register.approver
    # the event keeps the facts: the official's reason, and the licence it was revoked with
    assert event.reason == "许可条件已不具备"
    assert event.changes["revoked_licence"] == [None, register.licence.number]
    # and the decision names it
    decision = Document.objects.get(kind=DocumentKind.REVOCATION_DECISION)
    assert decision.context["withdrawn_applications"] == [change.tracking_number]
    assert change.tracking_number in document_html(decision)


def test_cancelling_leaves_a_renewal_alone(register):
    renewal = open_follow_up(register, LicenceAction.RENEWAL)
    licence_cancel(actor=register.head, licence=register.licence, reason="持证人申请注销")
    renewal.refresh_from_db()
    assert renewal.status == "under_review"
