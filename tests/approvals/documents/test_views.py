"""The application page lists its documents; the download is permission-checked and audited;
the public verification page states the status, compares a copy, is rate-limited and audited."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from approvals.models import DocumentKind, DocumentStatus, Licence, LicenceStatus
from approvals.services.intake import intake_accept
from approvals.views.documents import VERIFY_LIMIT
from tests.approvals.documents.conftest import issue, pdf_bytes, rendered
from tests.factories import PersonFactory
from tests.support import events

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(submitted, clerk, reviewer):
    intake_accept(actor=clerk, application=submitted, revision=submitted.revision)
    return rendered(submitted.documents.get(kind=DocumentKind.ACCEPTANCE_NOTICE))


def verify_url(document) -> str:
    return reverse("approvals:document_verify", args=[document.verification_code])


# --- The application page and the download ------------------------------------------------------


def test_the_application_page_lists_documents_and_says_when_one_is_being_prepared(
    client, citizen, notice
):
    pending = issue(notice.application, DocumentKind.SUPPLEMENT_NOTICE, source_key="9")
    client.force_login(citizen)

    page = client.get(
        reverse("approvals:application_detail", args=[notice.application_id]),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    html = page.content.decode()
    assert reverse("approvals:document_download", args=[notice.pk]) in html
    assert notice.number in html and pending.number in html
    assert reverse("approvals:document_download", args=[pending.pk]) not in html
    assert "Being prepared" in html


def test_the_owner_downloads_the_sealed_pdf_and_the_download_is_audited(client, citizen, notice):
    client.force_login(citizen)

    response = client.get(reverse("approvals:document_download", args=[notice.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == pdf_bytes(notice)
    [event] = events("document.downloaded", notice)
    assert event.actor == citizen


def test_a_stranger_gets_404_and_nothing_is_recorded(client, notice):
    client.force_login(PersonFactory().user)

    response = client.get(reverse("approvals:document_download", args=[notice.pk]))

    assert response.status_code == 404
    assert not events("document.downloaded")


def test_an_anonymous_visitor_is_sent_to_sign_in(client, notice):
    response = client.get(reverse("approvals:document_download", args=[notice.pk]))

    assert response.status_code == 302 and "login" in response["Location"]


def test_an_official_on_the_case_may_download(verified_client_factory, notice, reviewer):
    # the accepted application has a review task for the bureau's reviewers
    response = verified_client_factory(reviewer).get(
        reverse("approvals:document_download", args=[notice.pk])
    )

    assert response.status_code == 200
    assert events("document.downloaded", notice)[0].actor == reviewer


def test_a_document_not_rendered_yet_cannot_be_downloaded(client, citizen, notice):
    pending = issue(notice.application, DocumentKind.SUPPLEMENT_NOTICE, source_key="9")
    client.force_login(citizen)

    response = client.get(reverse("approvals:document_download", args=[pending.pk]))

    assert response.status_code == 404


# --- Public verification -------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def test_a_valid_document_shows_its_essentials_and_hash_without_personal_data(client, notice):
    response = client.get(verify_url(notice), HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert response.status_code == 200
    assert "is valid" in html
    assert notice.number in html and notice.sha256 in html
    assert "食品经营许可" in html
    assert "王芳" not in html and "王*" in html  # a person's name is masked
    assert notice.application.person.id_number not in html
    [event] = events("document.verified", notice)
    assert event.changes["outcome"] == [None, "valid"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("document_superseded", "superseded"),
        ("document_revoked", "revoked"),
        ("licence_revoked", "revoked"),
        ("licence_cancelled", "cancelled"),
        ("licence_superseded", "superseded"),
        ("licence_expired", "expired"),
    ],
)
def test_the_page_states_superseded_revoked_or_expired(client, notice, change, expected):
    licence = Licence.objects.create(
        number="L-1",
        application=notice.application,
        item=notice.application.service_version.item,
        department=notice.department,
        holder_kind="person",
        person=notice.application.person,
        holder_name="王芳",
        valid_from=dt.date(2021, 6, 1),
        valid_to=dt.date(2031, 5, 31),
    )
    notice.licence = licence
    notice.save(update_fields=["licence"])
    if change == "document_superseded":
        notice.status = DocumentStatus.SUPERSEDED
    elif change == "document_revoked":
        notice.status = DocumentStatus.REVOKED
    elif change == "licence_expired":
        licence.valid_to = dt.date(2026, 6, 9)
    else:
        licence.status = {
            "licence_revoked": LicenceStatus.REVOKED,
            "licence_cancelled": LicenceStatus.CANCELLED,
            "licence_superseded": LicenceStatus.SUPERSEDED,
        }[change]
    notice.save(update_fields=["status"])
    licence.save(update_fields=["status", "valid_to"])

    response = client.get(verify_url(notice))

    assert f"status-{expected}" in response.content.decode()
    assert events("document.verified", notice)[0].changes["outcome"] == [None, expected]


def test_an_uploaded_copy_is_compared_with_the_issued_file(client, notice):
    genuine = SimpleUploadedFile("copy.pdf", pdf_bytes(notice), content_type="application/pdf")
    altered = SimpleUploadedFile(
        "copy.pdf", pdf_bytes(notice) + b"%tampered", content_type="application/pdf"
    )

    match = client.post(verify_url(notice), {"copy": genuine}, HTTP_ACCEPT_LANGUAGE="en")
    mismatch = client.post(verify_url(notice), {"copy": altered}, HTTP_ACCEPT_LANGUAGE="en")

    assert "identical to the issued file" in match.content.decode()
    assert "NOT the issued file" in mismatch.content.decode()
    outcomes = [e.changes["outcome"][1] for e in events("document.verified", notice)]
    assert outcomes == ["valid, copy match", "valid, copy mismatch"]


def test_an_oversized_upload_is_refused_without_reading_it_all(client, notice, settings):
    settings.VERIFY_UPLOAD_MAX_BYTES = 1000
    big = SimpleUploadedFile("big.pdf", b"%PDF" + b"x" * 5000, content_type="application/pdf")

    response = client.post(verify_url(notice), {"copy": big}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "larger than" in response.content.decode()


def test_an_unknown_code_is_a_404_and_is_audited(client):
    response = client.get(reverse("approvals:document_verify", args=["ABCDEFGHJKMNPQRS"]))

    assert response.status_code == 404
    [event] = events("document.verified")
    assert event.changes["outcome"] == [None, "unknown"]


def test_verification_is_rate_limited_per_client_address(client, notice):
    for _ in range(VERIFY_LIMIT.limit):
        assert client.get(verify_url(notice)).status_code == 200

    response = client.get(verify_url(notice))

    assert response.status_code == 429
    assert len(events("document.verified", notice)) == VERIFY_LIMIT.limit


@pytest.mark.parametrize(
    ("language", "heading"), [("en", "Verify a document"), ("zh-hans", "核验文书")]
)
def test_the_page_in_both_languages(client, notice, language, heading):
    response = client.get(verify_url(notice), HTTP_ACCEPT_LANGUAGE=language)

    assert heading in response.content.decode()


def test_the_reviewers_task_page_lists_the_documents(verified_client_factory, notice, reviewer):
    from approvals.models import ReviewTask

    task = ReviewTask.objects.get(application=notice.application)

    page = verified_client_factory(reviewer).get(reverse("approvals:work_task", args=[task.pk]))

    assert reverse("approvals:document_download", args=[notice.pk]) in page.content.decode()


def test_the_application_page_lists_documents_in_a_constant_number_of_queries(
    client, citizen, notice
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(citizen)
    url = reverse("approvals:application_detail", args=[notice.application_id])
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as one_document:
        client.get(url)
    # given three more documents on the application
    for key in ("1", "2", "3"):
        issue(notice.application, DocumentKind.SUPPLEMENT_NOTICE, source_key=key)

    with CaptureQueriesContext(connection) as four_documents:
        page = client.get(url)

    assert page.content.decode().count("document-list") == 1
    assert len(four_documents) == len(one_document)


def test_the_admin_shows_documents_read_only(verified_client_factory, notice):
    from tests.factories import UserFactory

    admin_client = verified_client_factory(UserFactory(is_staff=True, is_superuser=True))
    changelist = admin_client.get(reverse("admin:approvals_document_changelist"))
    change = admin_client.get(reverse("admin:approvals_document_change", args=[notice.pk]))
    add = admin_client.get(reverse("admin:approvals_document_add"))

    assert changelist.status_code == 200 and notice.number in changelist.content.decode()
    assert change.status_code == 200 and notice.sha256 in change.content.decode()
    assert add.status_code == 403


def test_the_submission_page_offers_the_sealed_receipt(
    client, bureau, citizen, django_capture_on_commit_callbacks
):
    from tests.approvals.applications.conftest import MATERIALS, SCHEMA
    from tests.approvals.applications.helpers import filled_draft
    from tests.factories import ServiceItemFactory, ServiceVersionFactory

    version = ServiceVersionFactory(
        item=ServiceItemFactory(code="SPJY", department=bureau),
        form_schema=SCHEMA,
        materials=MATERIALS,
        published=True,
    )
    draft = filled_draft(actor=citizen, version=version)
    client.force_login(citizen)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("approvals:application_submit", args=[draft.pk]),
            {"idempotency_key": "once", "declaration": "on"},
        )
    page = client.get(
        reverse("approvals:application_receipt", args=[draft.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )

    receipt = draft.documents.get(kind=DocumentKind.RECEIPT)
    assert reverse("approvals:document_download", args=[receipt.pk]) in page.content.decode()


def test_a_code_typed_from_paper_leads_to_its_page(client, notice):
    typed = " ".join(notice.verification_code.lower()[i : i + 4] for i in range(0, 16, 4))

    response = client.get(reverse("approvals:document_verify_entry"), {"code": typed})

    assert response.status_code == 302
    assert response["Location"] == verify_url(notice)


def test_the_entry_page_asks_for_the_code(client):
    response = client.get(reverse("approvals:document_verify_entry"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200 and 'name="code"' in response.content.decode()


def test_an_agent_who_left_the_business_no_longer_downloads_its_documents(client, notice):
    from accounts.models import MembershipStatus
    from tests.factories import BusinessFactory, MembershipFactory

    # given a business's application that its agent filed, with an issued notice
    business = BusinessFactory()
    membership = MembershipFactory(business=business)
    application = notice.application
    application.applicant_kind, application.business = "business", business
    application.created_by = membership.user
    application.save(update_fields=["applicant_kind", "business", "created_by"])
    client.force_login(membership.user)
    url = reverse("approvals:document_download", args=[notice.pk])
    assert client.get(url).status_code == 200
    # when the business removes the agent
    membership.status = MembershipStatus.REMOVED
    membership.save(update_fields=["status"])
    # then the documents are as if they did not exist
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("language", "label", "not_label"),
    [("en", "Cancelled", "Revoked"), ("zh-hans", "已注销", "已撤销")],
)
def test_a_cancelled_licence_is_not_called_revoked(client, notice, language, label, not_label):
    # given a certificate whose licence was cancelled (注销): the service marks it revoked
    licence = Licence.objects.create(
        number="L-1",
        application=notice.application,
        item=notice.application.service_version.item,
        department=notice.department,
        holder_kind="person",
        person=notice.application.person,
        holder_name="王芳",
        valid_from=dt.date(2021, 6, 1),
        valid_to=dt.date(2031, 5, 31),
        status=LicenceStatus.CANCELLED,
    )
    notice.licence = licence
    notice.status = DocumentStatus.REVOKED
    notice.save(update_fields=["licence", "status"])

    html = client.get(verify_url(notice), HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert "status-cancelled" in html and label in html and not_label not in html
