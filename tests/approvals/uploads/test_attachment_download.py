"""Downloading an attachment: only for those who may see the application, never rendered inline."""

import pytest
from django.test import Client
from django.urls import reverse

from approvals.services.attachments import attachment_upload
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


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend="accounts.backends.EmailOrMobileBackend")
    return client


@pytest.fixture
def attachment():
    version = ServiceVersionFactory(materials=[{"key": "licence"}], published=True)
    application = ApplicationFactory(service_version=version)
    return attachment_upload(
        actor=application.created_by,
        application=application,
        material_key="licence",
        uploaded_file=files.upload(files.clean_pdf(), "食品经营许可证.pdf"),
    )


def download_url(attachment) -> str:
    return reverse("approvals:attachment_download", args=[attachment.pk])


def test_the_owner_downloads_the_file_as_an_attachment(attachment):
    response = signed_in(attachment.application.created_by).get(download_url(attachment))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == files.clean_pdf()
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="attachment.pdf"' in disposition  # ASCII fallback for old clients
    # RFC 6266 / 5987: the Chinese name, percent-encoded UTF-8
    assert (
        "filename*=UTF-8''%E9%A3%9F%E5%93%81%E7%BB%8F%E8%90%A5%E8%AE%B8%E5%8F%AF%E8%AF%81.pdf"
        in disposition
    )


def test_an_ascii_name_is_offered_as_it_is():
    version = ServiceVersionFactory(materials=[{"key": "licence"}], published=True)
    application = ApplicationFactory(service_version=version)
    attachment = attachment_upload(
        actor=application.created_by,
        application=application,
        material_key="licence",
        uploaded_file=files.upload(files.image_bytes("PNG"), 'floor "plan".exe', "image/png"),
    )

    response = signed_in(application.created_by).get(download_url(attachment))

    assert response["Content-Type"] == "image/png"
    assert 'filename="floor _plan_.png"' in response["Content-Disposition"]


def test_the_download_is_audited(attachment):
    owner = attachment.application.created_by

    signed_in(owner).get(download_url(attachment))

    event = AuditEvent.objects.get(action="attachment.downloaded")
    assert event.actor == owner
    assert event.object_id == str(attachment.application_id)
    assert event.changes["attachment"] == [None, attachment.pk]


def test_a_stranger_gets_not_found_and_nothing_is_recorded_as_downloaded(attachment):
    response = signed_in(PersonFactory().user).get(download_url(attachment))

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="attachment.downloaded").exists()


def test_an_attachment_that_does_not_exist_gets_the_same_answer(attachment):
    owner = attachment.application.created_by

    response = signed_in(owner).get(
        reverse("approvals:attachment_download", args=[attachment.pk + 1000])
    )

    assert response.status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(attachment):
    url = download_url(attachment)

    response = Client().get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "next=" in response["Location"]


def test_members_of_the_business_may_download_and_former_members_may_not():
    version = ServiceVersionFactory(materials=[{"key": "licence"}], published=True)
    business = BusinessFactory()
    admin = MembershipFactory(business=business, admin=True).user
    former = MembershipFactory(business=business, status="removed").user
    application = ApplicationFactory(
        service_version=version,
        applicant_kind="business",
        business=business,
        person=None,
        created_by=admin,
    )
    attachment = attachment_upload(
        actor=admin,
        application=application,
        material_key="licence",
        uploaded_file=files.upload(files.clean_pdf(), "licence.pdf"),
    )
    agent = MembershipFactory(business=business, sees_all_applications=True).user
    limited_agent = MembershipFactory(business=business).user  # sees only what they filed

    assert signed_in(agent).get(download_url(attachment)).status_code == 200
    assert signed_in(former).get(download_url(attachment)).status_code == 404
    assert signed_in(limited_agent).get(download_url(attachment)).status_code == 404


def test_only_get_is_allowed(attachment):
    response = signed_in(attachment.application.created_by).post(download_url(attachment))

    assert response.status_code == 405
