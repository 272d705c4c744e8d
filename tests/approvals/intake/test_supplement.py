"""The supplement round trip: one notice, the applicant re-uploads the listed materials, answers
once, and the application is back at the window with the clock running again."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from approvals.models import Application, ClockPause, Notification, SupplementRequest
from approvals.security.uploads import UploadRejected
from approvals.services.attachments import attachment_upload
from approvals.services.intake import intake_request_supplement, supplement_answer
from tests.support import events, in_days, png_upload


@pytest.fixture
def asked(submitted, clerk):
    intake_request_supplement(
        actor=clerk,
        application=submitted,
        revision=submitted.revision,
        items=[
            {"material": "floor-plan", "problem": "Not to scale"},
            {"material": "", "problem": "Sign the form"},
        ],
        reply_by=in_days(15),
    )
    submitted.refresh_from_db()
    return submitted


@pytest.mark.django_db
def test_round_trip_back_to_the_window(asked, citizen, clerk):
    # the applicant re-uploads the listed material
    attachment_upload(
        actor=citizen, application=asked, material_key="floor-plan", uploaded_file=png_upload()
    )

    # and sends the supplement
    supplement_answer(actor=citizen, application=asked, comment="Redrawn at 1:100")

    stored = Application.objects.get(pk=asked.pk)
    assert stored.status == "submitted"
    notice = SupplementRequest.objects.get(application=stored)
    assert notice.answered_at is not None and notice.answer_comment == "Redrawn at 1:100"
    pause = ClockPause.objects.get(application=stored, kind="supplement")
    assert pause.ended_on is not None
    [event] = events("intake.supplement_answered", stored)
    assert event.actor == citizen
    assert not events("application.answer_supplement", stored)  # one act, one event
    assert event.changes["status"] == ["supplement_requested", "submitted"]
    assert Notification.objects.filter(user=clerk, kind="intake.supplement_answered").exists()

    # a second answer is refused
    with pytest.raises(ValidationError):
        supplement_answer(actor=citizen, application=stored)
    assert len(events("intake.supplement_answered", stored)) == 1


@pytest.mark.django_db
def test_the_listed_material_must_be_uploaded_again_first(asked, citizen):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        supplement_answer(actor=citizen, application=asked)

    assert "Floor plan" in str(error.value.message_dict["materials"])
    assert Application.objects.get(pk=asked.pk).status == "supplement_requested"
    assert ClockPause.objects.get(application=asked).ended_on is None


@pytest.mark.django_db
def test_only_the_listed_materials_accept_uploads(asked, citizen):
    with pytest.raises(UploadRejected):
        attachment_upload(
            actor=citizen, application=asked, material_key="lease", uploaded_file=png_upload()
        )


@pytest.mark.django_db
def test_a_submitted_application_accepts_no_uploads(submitted, citizen):
    with pytest.raises(UploadRejected):
        attachment_upload(
            actor=citizen,
            application=submitted,
            material_key="floor-plan",
            uploaded_file=png_upload(),
        )


@pytest.mark.django_db
def test_only_the_applicant_answers(asked, clerk, reviewer):
    from django.core.exceptions import PermissionDenied

    for user in (clerk, reviewer):
        with pytest.raises(PermissionDenied):
            supplement_answer(actor=user, application=asked)


@pytest.mark.django_db
def test_a_supplement_asked_during_review_goes_back_to_review(submitted, clerk, citizen):
    from approvals.services.deadlines import clock_pause_start
    from approvals.services.lifecycle import application_transition

    # given an application under review that a reviewer returned to the applicant
    for action in ("accept", "start_review", "request_supplement"):
        application_transition(actor=clerk, application=submitted, action=action)
    SupplementRequest.objects.create(
        application=submitted,
        items=[{"material": "lease", "problem": "Unsigned"}],
        reply_by=in_days(10),
        during_review=True,
        requested_by=clerk,
    )
    clock_pause_start(actor=clerk, application=submitted, kind="supplement", reason="Lease")
    submitted.refresh_from_db()

    # when the applicant re-uploads the lease and answers
    attachment_upload(
        actor=citizen, application=submitted, material_key="lease", uploaded_file=png_upload()
    )
    supplement_answer(actor=citizen, application=submitted)

    # then it is back under review, with the clock running again
    assert Application.objects.get(pk=submitted.pk).status == "under_review"
    assert ClockPause.objects.get(application=submitted).ended_on is not None
