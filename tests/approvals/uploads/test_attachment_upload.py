"""attachment_upload / attachment_delete: who may, when, into which slot, and what is recorded."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage

from approvals.models import Attachment, ScanResult
from approvals.security.uploads import UploadRejected
from approvals.services.attachments import attachment_delete, attachment_upload
from audit.models import AuditEvent
from tests.approvals.uploads import files
from tests.factories import (
    ApplicationFactory,
    BusinessFactory,
    MembershipFactory,
    PersonFactory,
    ServiceVersionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def application():
    version = ServiceVersionFactory(
        materials=[{"key": "licence"}, {"key": "floor-plan", "required": False}], published=True
    )
    return ApplicationFactory(service_version=version)


def stored_files() -> list[str]:
    if not default_storage.exists("attachments"):
        return []
    found = []
    for folder in default_storage.listdir("attachments")[0]:
        found += [
            f"attachments/{folder}/{name}"
            for name in default_storage.listdir(f"attachments/{folder}")[1]
        ]
    return found


def upload_pdf(application, *, actor=None, name="营业执照.pdf", key="licence", content=None):
    return attachment_upload(
        actor=actor or application.created_by,
        application=application,
        material_key=key,
        uploaded_file=files.upload(content or files.clean_pdf(), name),
    )


def test_the_applicant_attaches_a_clean_pdf(application):
    attachment = upload_pdf(application, name="../../营业执照\u202e.pdf")

    assert attachment.material_key == "licence"
    assert attachment.display_name == "营业执照.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(files.clean_pdf())
    assert attachment.scan_result == ScanResult.NOT_SCANNED
    assert attachment.uploaded_by == application.created_by
    # stored under a generated name in the application's folder, not under the user's name
    assert attachment.file.name.startswith(f"attachments/{application.pk}/")
    assert "营业执照" not in attachment.file.name
    with default_storage.open(attachment.file.name) as stored:
        assert stored.read() == files.clean_pdf()


def test_the_upload_is_audited_with_the_file_s_description(application):
    attachment = upload_pdf(application)

    event = AuditEvent.objects.get(action="attachment.uploaded")
    assert event.actor == application.created_by
    assert event.object_type == "approvals.application"
    assert event.object_id == str(application.pk)
    assert event.changes["attachment"] == [None, attachment.pk]
    assert event.changes["display_name"] == [None, "营业执照.pdf"]
    assert event.changes["size"] == [None, attachment.size]
    assert event.changes["sha256"] == [None, attachment.sha256]
    assert event.changes["content_type"] == [None, "application/pdf"]


def test_uploading_again_replaces_the_slot_s_file(application, django_capture_on_commit_callbacks):
    first = upload_pdf(application, name="old.pdf")

    with django_capture_on_commit_callbacks(execute=True):
        second = upload_pdf(application, name="new.png", content=files.image_bytes("PNG"))

    assert list(application.attachments.values_list("pk", flat=True)) == [second.pk]
    assert not default_storage.exists(first.file.name)
    assert default_storage.exists(second.file.name)
    event = AuditEvent.objects.filter(action="attachment.uploaded").order_by("-sequence").first()
    assert event.changes["attachment"] == [first.pk, second.pk]
    assert event.changes["display_name"] == ["old.pdf", "new.png"]


def test_other_slots_are_left_alone(application):
    licence = upload_pdf(application, key="licence")
    plan = upload_pdf(application, key="floor-plan")

    assert set(application.attachments.values_list("pk", flat=True)) == {licence.pk, plan.pk}


def test_a_stranger_cannot_upload(application):
    stranger = PersonFactory().user

    with pytest.raises(PermissionDenied):
        upload_pdf(application, actor=stranger)

    assert not Attachment.objects.exists()
    assert stored_files() == []


def test_an_agent_of_the_business_can_upload_for_the_business():
    version = ServiceVersionFactory(materials=[{"key": "licence"}], published=True)
    business = BusinessFactory()
    admin = MembershipFactory(business=business, admin=True).user
    # an agent the administrator lets see (and so work on) all of the business's applications
    agent = MembershipFactory(business=business, sees_all_applications=True).user
    application = ApplicationFactory(
        service_version=version,
        applicant_kind="business",
        business=business,
        person=None,
        created_by=admin,
    )

    attachment = upload_pdf(application, actor=agent)

    assert attachment.uploaded_by == agent
    event = AuditEvent.objects.get(action="attachment.uploaded")
    assert event.on_behalf_of == f"business:{business.pk}"


def test_a_submitted_application_takes_no_more_uploads():
    version = ServiceVersionFactory(materials=[{"key": "licence"}], published=True)
    application = ApplicationFactory(service_version=version, submitted=True)

    with pytest.raises(UploadRejected) as caught:
        upload_pdf(application)

    assert caught.value.code == "not_editable"
    assert stored_files() == []


def test_a_material_the_service_does_not_ask_for_is_refused(application):
    with pytest.raises(UploadRejected) as caught:
        upload_pdf(application, key="passport")

    assert caught.value.code == "unknown_material"
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (files.HTML, "type_not_allowed"),
        (files.pdf_with_javascript_open_action(), "pdf_active_content"),
        (files.png_header_only(9000, 9000), "image_too_many_pixels"),
    ],
    ids=["spoofed-type", "javascript", "pixel-flood"],
)
def test_a_hostile_file_leaves_nothing_behind(application, content, code):
    with pytest.raises(UploadRejected) as caught:
        upload_pdf(application, content=content)

    assert caught.value.code == code
    assert not Attachment.objects.exists()
    assert stored_files() == []
    assert not AuditEvent.objects.filter(action="attachment.uploaded").exists()


def test_an_infected_file_is_refused_when_clamd_is_configured(application, clamd, settings):
    settings.CLAMD_ADDRESS = clamd.address
    infected = files.clean_pdf() + b"\n%" + files.EICAR + b"\n"

    with pytest.raises(UploadRejected) as caught:
        upload_pdf(application, content=infected)

    assert caught.value.code == "infected"
    assert stored_files() == []


def test_a_clean_file_scanned_by_clamd_is_recorded_as_clean(application, clamd, settings):
    settings.CLAMD_ADDRESS = clamd.address

    attachment = upload_pdf(application)

    assert attachment.scan_result == ScanResult.CLEAN
    assert clamd.received == [files.clean_pdf()]


def test_the_applicant_deletes_an_attachment(application, django_capture_on_commit_callbacks):
    attachment = upload_pdf(application)

    with django_capture_on_commit_callbacks(execute=True):
        attachment_delete(actor=application.created_by, attachment=attachment)

    assert not application.attachments.exists()
    assert not default_storage.exists(attachment.file.name)
    event = AuditEvent.objects.get(action="attachment.deleted")
    assert event.changes["attachment"] == [attachment.pk, None]
    assert event.changes["display_name"] == ["营业执照.pdf", None]


def test_a_stranger_cannot_delete_an_attachment(application):
    attachment = upload_pdf(application)

    with pytest.raises(PermissionDenied):
        attachment_delete(actor=PersonFactory().user, attachment=attachment)

    assert application.attachments.filter(pk=attachment.pk).exists()
    assert default_storage.exists(attachment.file.name)
