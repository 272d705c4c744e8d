"""An approval issues the licence at once (Art. 44), with no manual step: the register entry,
the application's move to licence_issued, and the sealed certificate."""

import datetime as dt

import pytest

from approvals.models import (
    Application,
    Document,
    DocumentKind,
    Licence,
    LicenceStatus,
    Notification,
    ServiceVersion,
)
from approvals.services.documents import document_public_status
from approvals.services.licence_issue import licence_issue
from approvals.services.tasks import task_approve
from tests.approvals.documents.conftest import (
    pdf_bytes,
    pdf_text,
    squeezed,
    task_of,
)
from tests.factories import ApplicationFactory, BusinessFactory, MembershipFactory, UserFactory
from tests.support import events

pytestmark = pytest.mark.django_db


def approve_fully(demo, application):
    for branch, user in demo.reviewers.items():
        task = task_of(application, branch)
        task_approve(actor=user, task=task, revision=task.revision, comment="ok")
    decision = task_of(application, "decision")
    task_approve(actor=demo.approver, task=decision, revision=decision.revision, comment="同意")
    decision.refresh_from_db()
    task_approve(actor=demo.approver2, task=decision, revision=decision.revision, comment="同意")


def test_an_approval_issues_the_licence_and_its_certificate_without_a_manual_step(
    demo, started, django_capture_on_commit_callbacks
):
    # given a service whose licence is valid for five years
    ServiceVersion.objects.filter(pk=demo.version.pk).update(licence_valid_years=5)
    # when the last approver approves (and the queued PDF tasks run)
    with django_capture_on_commit_callbacks(execute=True):
        approve_fully(demo, started)
    # then the application is approved, the licence is in the register, the certificate issued
    started.refresh_from_db()
    assert started.status == "licence_issued"
    licence = Licence.objects.get(application=started)
    assert licence.department == demo.natres and licence.item == demo.version.item
    assert licence.holder_kind == "person" and licence.person == started.person
    assert licence.holder_name == started.person.real_name
    assert licence.valid_from == started.decided_on == dt.date(2026, 6, 10)
    assert licence.valid_to == dt.date(2031, 6, 9)
    assert licence.scope_zh == demo.version.name_zh
    certificate = Document.objects.get(application=started, kind=DocumentKind.LICENCE_CERTIFICATE)
    assert certificate.licence == licence and certificate.sha256
    decision = Document.objects.get(application=started, kind=DocumentKind.APPROVAL_DECISION)
    assert decision.context["licence_number"] == licence.number
    assert certificate.context["decision_number"] == decision.number
    text = squeezed(pdf_text(pdf_bytes(certificate)))
    assert licence.number in text and "2031年6月9日" in text
    assert licence.number in squeezed(pdf_text(pdf_bytes(decision)))
    # and the holder is told, in their language, where the certificate is
    notice = started.created_by.notifications.get(kind="licence.issued")
    assert licence.number in notice.title and "2031-06-09" in notice.body
    # and each step is audited once
    assert len(events("licence.issued", licence)) == 1
    assert len(events("application.issue_licence", started)) == 1
    assert len(events("document.issued", certificate)) == 1


def test_issuing_again_returns_the_licence_already_issued(demo, started):
    approve_fully(demo, started)
    licence = Licence.objects.get(application=started)

    again = licence_issue(application=started, actor=demo.approver2)

    assert again == licence
    assert Document.objects.filter(kind=DocumentKind.LICENCE_CERTIFICATE).count() == 1
    assert len(events("licence.issued")) == 1


def test_a_filing_issues_no_licence_and_is_closed(demo, started):
    ServiceVersion.objects.filter(pk=demo.version.pk).update(item_type="filing")

    approve_fully(demo, started)

    started.refresh_from_db()
    assert started.status == "closed"
    assert not Licence.objects.exists()
    assert Document.objects.filter(kind=DocumentKind.APPROVAL_DECISION).count() == 1
    assert len(events("application.close", started)) == 1


def test_a_business_holds_the_licence_of_its_application(demo):
    business = BusinessFactory(name="福州老字号餐饮有限公司")
    application = ApplicationFactory(
        service_version=demo.version,
        submitted=True,
        status="approved",
        applicant_kind="business",
        business=business,
        decided_on=dt.date(2026, 6, 10),
    )

    licence = licence_issue(application=application, actor=demo.approver)

    assert licence.holder_kind == "business" and licence.business == business
    assert licence.holder_name == "福州老字号餐饮有限公司"
    assert licence.valid_to is None  # the service sets no validity: without end date
    assert Application.objects.get(pk=application.pk).status == "licence_issued"
    certificate = Document.objects.get(kind=DocumentKind.LICENCE_CERTIFICATE)
    assert certificate.context["applicant"]["identifier"] == business.uscc


def test_a_renewal_s_licence_supersedes_the_old_one_and_its_certificate_prints_the_new_term(
    demo, started, django_capture_on_commit_callbacks
):
    # given the applicant's licence for the same item, ending on 2026-07-31, and the application
    # under review being its renewal (延续); the new licence is valid for five years
    from approvals.models import LicenceAction

    ServiceVersion.objects.filter(pk=demo.version.pk).update(licence_valid_years=5)
    earlier = ApplicationFactory(
        person=started.person, created_by=started.created_by, status="licence_issued"
    )
    old = Licence.objects.create(
        number="OLD-2021-1",
        application=earlier,
        item=demo.version.item,
        department=demo.natres,
        holder_kind="person",
        person=started.person,
        holder_name=started.person.real_name,
        valid_from=dt.date(2021, 8, 1),
        valid_to=dt.date(2026, 7, 31),
    )
    Application.objects.filter(pk=started.pk).update(
        licence_to_supersede=old, licence_action=LicenceAction.RENEWAL
    )
    # when the last approver approves it (decided on 2026-06-10)
    with django_capture_on_commit_callbacks(execute=True):
        approve_fully(demo, started)
    # then the new licence continues the old term and takes its place in the register
    new = Licence.objects.get(application=started)
    assert (new.valid_from, new.valid_to) == (dt.date(2026, 8, 1), dt.date(2031, 7, 31))
    assert new.supersedes == old
    old.refresh_from_db()
    assert old.status == "superseded"
    # and the certificate and the audit trail say so
    certificate = Document.objects.get(application=started, kind=DocumentKind.LICENCE_CERTIFICATE)
    text = squeezed(pdf_text(pdf_bytes(certificate)))
    assert "2026年8月1日" in text and "2031年7月31日" in text
    issued = events("licence.issued", new)
    assert issued[0].changes["valid_from"][1] == "2026-08-01"


def test_the_approval_decision_follows_its_licence_on_verification(demo, started):
    # given an approval whose licence was issued
    approve_fully(demo, started)
    licence = Licence.objects.get(application=started)
    decision = Document.objects.get(application=started, kind=DocumentKind.APPROVAL_DECISION)
    assert decision.licence == licence
    assert document_public_status(decision) == "valid"
    # when the licence is revoked
    Licence.objects.filter(pk=licence.pk).update(status=LicenceStatus.REVOKED)
    decision.refresh_from_db()
    # then a verifier of the decision is told so, not "valid"
    assert document_public_status(decision) == "revoked"


def test_the_issued_licence_is_told_to_the_businesss_holders(demo):
    # given a business application filed by one of its agents; an administrator who did not
    # file it, and an agent who sees only their own matters
    business = BusinessFactory()
    filer = MembershipFactory(business=business).user
    admin = MembershipFactory(business=business, admin=True).user
    bystander = MembershipFactory(business=business).user
    application = ApplicationFactory(
        service_version=demo.version,
        submitted=True,
        status="approved",
        applicant_kind="business",
        business=business,
        created_by=filer,
        decided_on=dt.date(2026, 6, 10),
    )
    # when the licence is issued
    licence = licence_issue(application=application, actor=demo.approver)
    # then the administrator and the filer are told, linked to the application; nobody else
    told = Notification.objects.filter(kind="licence.issued")
    assert {n.user for n in told} == {filer, admin}
    assert bystander not in {n.user for n in told}
    assert all(licence.number in n.title and n.application == application for n in told)


def test_a_counter_filing_s_licence_is_told_to_the_person_not_the_clerk(demo):
    # given an application keyed in at the counter by an intake clerk for a citizen
    clerk = UserFactory()
    application = ApplicationFactory(
        service_version=demo.version,
        submitted=True,
        status="approved",
        created_by=clerk,
        decided_on=dt.date(2026, 6, 10),
    )
    # when the licence is issued
    licence_issue(application=application, actor=demo.approver)
    # then the citizen is told, and the clerk is not
    told = Notification.objects.filter(kind="licence.issued")
    assert [n.user for n in told] == [application.person.user]
