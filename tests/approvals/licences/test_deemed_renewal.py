"""Art. 50: a renewal applied for in time and not decided before the old licence ends is deemed
granted (视为准予延续), with its decision, certificate, audit event and notice."""

import datetime as dt

import pytest

from approvals.models import (
    Application,
    Document,
    DocumentKind,
    Licence,
    LicenceAction,
    LicenceStatus,
    Notification,
    ServiceVersion,
)
from approvals.services.deemed_renewal import deemed_renewals_sweep
from approvals.services.documents import document_html
from audit.models import AuditEvent
from tests.approvals.licences.conftest import open_follow_up
from tests.factories import ReviewTaskFactory


def _renewal(register, *, licence_ends, received_on, status="under_review"):
    ServiceVersion.objects.filter(pk=register.version.pk).update(licence_valid_years=5)
    register.licence.valid_to = licence_ends
    register.licence.save(update_fields=["valid_to"])
    return open_follow_up(
        register,
        LicenceAction.RENEWAL,
        status=status,
        received_on=received_on,
        accepted_on=received_on,
    )


def test_an_undecided_renewal_applied_for_in_time_is_deemed_granted(
    register, django_capture_on_commit_callbacks
):
    # given a renewal received 40 days before the licence ended on 10 June, still under review
    renewal = _renewal(register, licence_ends=dt.date(2026, 6, 10), received_on=dt.date(2026, 5, 1))
    task = ReviewTaskFactory(application=renewal, department=register.bureau)
    # when the daily sweep runs on 15 June
    with django_capture_on_commit_callbacks(execute=True):
        report = deemed_renewals_sweep()
    # then the renewal is granted from the day after the old licence ended, without a gap
    assert report.renewed == [renewal.pk]
    renewal.refresh_from_db()
    assert renewal.status == "licence_issued"
    assert renewal.decided_on == dt.date(2026, 6, 11)
    new = Licence.objects.get(application=renewal)
    assert (new.valid_from, new.valid_to) == (dt.date(2026, 6, 11), dt.date(2031, 6, 10))
    register.licence.refresh_from_db()
    assert register.licence.status == LicenceStatus.SUPERSEDED
    assert new.supersedes == register.licence
    # with a written decision saying it was deemed (Art. 50), and the certificate
    decision = Document.objects.get(application=renewal, kind=DocumentKind.APPROVAL_DECISION)
    assert decision.context["title_zh"] == "准予延续行政许可决定书"
    html = document_html(decision)
    assert "视为准予延续" in html and "第五十条" in html and "deemed granted" in html
    assert Document.objects.filter(
        application=renewal, kind=DocumentKind.LICENCE_CERTIFICATE, licence=new
    ).exists()
    # the review task no longer waits in the queue, and it is all on the record
    task.refresh_from_db()
    assert task.status == "cancelled"
    event = AuditEvent.objects.get(
        action="application.renewal_deemed_approved", object_id=str(renewal.pk)
    )
    assert event.changes["status"] == ["under_review", "approved"]
    assert event.changes["tasks_cancelled"] == [None, [task.pk]]
    assert Notification.objects.filter(
        user=register.holder, kind="application.renewal_deemed_approved"
    ).exists()
    # and a second run finds nothing to do
    assert deemed_renewals_sweep().renewed == []


@pytest.mark.parametrize(
    ("licence_ends", "received_on", "status"),
    [
        (dt.date(2026, 6, 10), dt.date(2026, 5, 20), "under_review"),  # applied too late
        (dt.date(2026, 6, 15), dt.date(2026, 5, 1), "under_review"),  # last day still valid
        (dt.date(2026, 6, 10), dt.date(2026, 5, 1), "supplement_requested"),  # applicant's turn
        (dt.date(2026, 6, 10), dt.date(2026, 5, 1), "review_supplement"),  # theirs in review
    ],
)
def test_no_deemed_renewal_otherwise(register, licence_ends, received_on, status):
    renewal = _renewal(register, licence_ends=licence_ends, received_on=received_on, status=status)
    assert deemed_renewals_sweep().renewed == []
    assert Application.objects.get(pk=renewal.pk).status == status
    assert not Licence.objects.filter(application=renewal).exists()
