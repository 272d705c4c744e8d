"""告知承诺制 end to end at the service level: the signed pledge replaces named certificates,
the window accepts without them, the letter joins the documents, the review runs as usual, the
licence opens a verification (事后核查) with its own limit, and a false pledge revokes the licence
and stays on the applicant's record. Not 容缺受理: nothing is handed in later."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import OfficialRole
from approvals.models import (
    Commitment,
    Document,
    Licence,
    Notification,
)
from approvals.models.working_calendar import working_calendar
from approvals.selectors.commitments import applicant_false_commitments, commitments_to_verify
from approvals.services.applications import missing_materials
from approvals.services.commitments import commitment_verify
from approvals.services.intake import intake_accept
from tests.approvals.intake.conftest import PLEDGED, approve_through, submitted_with
from tests.factories import (
    ApplicationFactory,
    OfficialFactory,
)
from tests.support import events, recorded_events


@pytest.mark.django_db
def test_the_pledge_replaces_the_named_certificate_and_nothing_else(fire_version, citizen):
    pledged = ApplicationFactory(service_version=fire_version, person=citizen.person, data=PLEDGED)
    inspected = ApplicationFactory(
        service_version=fire_version,
        person=citizen.person,
        data={**PLEDGED, "procedure": "inspection"},
    )

    assert [m.key for m in missing_materials(pledged)] == ["plan"]
    assert [m.key for m in missing_materials(inspected)] == ["plan", "training"]


@pytest.mark.django_db
def test_accept_approve_verify_false_revokes_and_records(
    fire_version, citizen, clerk, reviewer, approver, django_capture_on_commit_callbacks
):
    application = submitted_with(fire_version, citizen, PLEDGED)

    # the window accepts without the training records: the pledge and its letter are recorded
    with recorded_events() as recorded:
        intake_accept(actor=clerk, application=application, revision=application.revision)
    commitment = Commitment.objects.get(application=application)
    assert commitment.status == "pledged"
    assert commitment.replaced_materials == ["training"]
    assert commitment.statement_zh == "本单位承诺场所符合消防安全要求。"
    letter = Document.objects.get(application=application, kind="commitment_letter")
    assert letter.context["replaced"] == [{"zh": "培训记录", "en": "Training records"}]
    # (one act, one event: the acceptance names the pledge)
    accepted = recorded.the_one()
    assert accepted.action == "intake.accepted"
    assert accepted.changes["commitment"] == [None, commitment.pk]
    assert accepted.changes["replaced_materials"] == [None, ["training"]]
    assert not events("commitment.recorded", application).exists()

    # the normal review approves; the licence opens the verification with its own limit
    with recorded_events() as recorded:
        approve_through(application, reviewer, approver)
    assert application.status == "licence_issued"
    licence = Licence.objects.get(application=application)
    commitment.refresh_from_db()
    assert commitment.status == "verifying" and commitment.licence == licence
    expected = working_calendar().add_working_days(timezone.localdate(), 30)
    assert commitment.verification_due_on == expected
    # (the licence issue is one event carrying the verification; the register entry has its
    # own fact)
    issued = [e for e in recorded.of_the_act() if e.action == "application.issue_licence"]
    assert len(issued) == 1
    assert issued[0].changes["status"] == ["approved", "licence_issued"]
    assert issued[0].changes["licence"] == [None, licence.number]
    assert issued[0].changes["commitment_status"] == ["pledged", "verifying"]
    assert issued[0].changes["verification_due_on"] == [None, expected.isoformat()]
    assert [e.action for e in recorded if e.object_type == "approvals.licence"] == [
        "licence.issued"
    ]
    assert not [e for e in recorded if e.action.startswith("commitment.")]
    assert list(commitments_to_verify(approver)) == [commitment]
    assert list(commitments_to_verify(reviewer)) == []
    assert Notification.objects.filter(
        user=approver, kind="commitment.verification_opened"
    ).exists()

    # a reviewer may not record the finding (nor revoke the licence)
    with pytest.raises(PermissionDenied):
        commitment_verify(actor=reviewer, commitment=commitment, pledge_true=False, finding="x")
    with pytest.raises(ValidationError):
        commitment_verify(actor=approver, commitment=commitment, pledge_true=False, finding=" ")

    # the verification finds the pledge untrue: the licence is revoked with the reasons
    with recorded_events() as recorded:
        commitment_verify(
            actor=approver,
            commitment=commitment,
            pledge_true=False,
            finding="现场核查：员工未经消防安全培训",
        )
    commitment.refresh_from_db()
    licence.refresh_from_db()
    assert commitment.status == "false" and commitment.verified_by == approver
    assert licence.status == "revoked"
    assert "员工未经消防安全培训" in licence.status_reason
    # (one act, one event: the finding carries the licence's revocation)
    found = recorded.the_one()
    assert (found.action, found.object_id) == ("commitment.found_false", str(application.pk))
    assert found.changes["status"] == ["verifying", "false"]
    assert found.changes["licence_status"] == ["valid", "revoked"]
    assert "员工未经消防安全培训" in found.changes["licence_status_reason"][1]
    assert not events("licence.revoked", licence).exists()
    assert Notification.objects.filter(user=citizen, kind="commitment.found_false").exists()
    assert Notification.objects.filter(user=citizen, kind="licence.revoked").exists()
    # and the false pledge is on the applicant's record for their next application
    later = submitted_with(fire_version, citizen, PLEDGED)
    assert applicant_false_commitments(later) == [commitment]

    # the finding is final
    with pytest.raises(ValidationError):
        commitment_verify(actor=approver, commitment=commitment, pledge_true=True, finding="ok")


@pytest.mark.django_db
def test_a_true_pledge_keeps_the_licence(fire_version, citizen, clerk, reviewer, approver):
    application = submitted_with(fire_version, citizen, PLEDGED)
    intake_accept(actor=clerk, application=application, revision=application.revision)
    approve_through(application, reviewer, approver)
    commitment = Commitment.objects.get(application=application)

    commitment_verify(
        actor=approver, commitment=commitment, pledge_true=True, finding="现场核查属实"
    )

    commitment.refresh_from_db()
    assert commitment.status == "kept"
    assert Licence.objects.get(application=application).status == "valid"
    assert len(events("commitment.verified_true", application)) == 1
    assert applicant_false_commitments(submitted_with(fire_version, citizen, PLEDGED)) == []


@pytest.mark.django_db
def test_without_the_pledge_nothing_is_recorded(fire_version, citizen, clerk, reviewer, approver):
    application = submitted_with(fire_version, citizen, {**PLEDGED, "procedure": "inspection"})
    intake_accept(actor=clerk, application=application, revision=application.revision)
    approve_through(application, reviewer, approver)

    assert not Commitment.objects.filter(application=application).exists()
    assert not Document.objects.filter(application=application, kind="commitment_letter").exists()


@pytest.fixture
def verifying(fire_version, citizen, clerk, reviewer, approver):
    application = submitted_with(fire_version, citizen, PLEDGED)
    intake_accept(actor=clerk, application=application, revision=application.revision)
    approve_through(application, reviewer, approver)
    return Commitment.objects.get(application=application)


@pytest.mark.django_db
def test_the_verification_pages_open_only_for_the_departments_approvers(
    verifying, approver, reviewer, citizen, verified_client_factory, client
):
    from django.urls import reverse

    queue = reverse("approvals:commitment_queue")
    page = reverse("approvals:commitment_verify", args=[verifying.pk])
    other_approver = OfficialFactory(role=OfficialRole.APPROVER).user

    assert verified_client_factory(approver).get(queue).status_code == 200
    assert verifying.licence.number in verified_client_factory(approver).get(queue).content.decode()
    assert verified_client_factory(approver).get(page).status_code == 200
    assert verified_client_factory(reviewer).get(page).status_code in (403, 404)
    assert verified_client_factory(other_approver).get(page).status_code == 404
    assert verifying.licence.number not in (
        verified_client_factory(other_approver).get(queue).content.decode()
    )
    client.force_login(citizen)
    assert client.get(page).status_code in (302, 403, 404)


@pytest.mark.django_db
def test_recording_a_false_pledge_on_the_page_revokes_the_licence(
    verifying, approver, verified_client_factory
):
    from django.urls import reverse

    browser = verified_client_factory(approver)
    page = reverse("approvals:commitment_verify", args=[verifying.pk])

    assert browser.post(page, {"outcome": "false", "finding": ""}).status_code == 400
    response = browser.post(page, {"outcome": "false", "finding": "培训记录系伪造"})

    assert response.status_code == 302
    verifying.refresh_from_db()
    assert verifying.status == "false"
    assert Licence.objects.get(pk=verifying.licence_id).status == "revoked"


@pytest.mark.django_db
def test_the_applicant_sees_the_replaced_certificate_and_the_pledge_status(
    verifying, fire_version, citizen, client
):
    from django.urls import reverse

    client.force_login(citizen)
    detail = client.get(reverse("approvals:application_detail", args=[verifying.application_id]))
    body = detail.content.decode()
    assert 'data-testid="commitment"' in body
    assert "Replaced by your signed pledge" in body or "已由您签署的告知承诺代替" in body

    draft = ApplicationFactory(
        service_version=fire_version, person=citizen.person, created_by=citizen, data=PLEDGED
    )
    materials = client.get(reverse("approvals:application_step", args=[draft.pk, "materials"]))
    assert materials.content.decode().count('data-testid="pledged"') == 1
