"""材料复用: a valid licence from the register stands in for a material."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import PermissionDenied

from approvals.models import Attachment
from approvals.security.uploads import UploadRejected
from approvals.services.applications import ApplicationIncomplete, application_submit
from approvals.services.attachments import attachment_cite_licence
from approvals.services.licences import licence_revoke
from audit.models import AuditEvent
from tests.factories import (
    ApplicationFactory,
    LicenceFactory,
    ServiceItemFactory,
    ServiceVersionFactory,
)


@pytest.fixture
def draft(register):
    """The holder's draft for an outdoor-seating permit that asks for the food licence."""
    version = ServiceVersionFactory(
        item__department=register.bureau,
        name_en="Outdoor seating permit",
        materials=[
            {
                "key": "food-licence",
                "name_en": "Food business licence",
                "reusable_licence_item_code": "SPJY",
            },
            {"key": "site-plan", "name_en": "Site plan", "required": False},
        ],
        published=True,
    )
    return ApplicationFactory(service_version=version, person=register.holder.person)


def _cite(register, draft, licence, key="food-licence", actor=None):
    return attachment_cite_licence(
        actor=actor or register.holder, application=draft, material_key=key, licence=licence
    )


def test_a_valid_licence_fills_the_slot_and_submission_accepts_it(register, draft):
    attachment = _cite(register, draft, register.licence)
    assert attachment.cited_licence == register.licence
    assert attachment.display_name == register.licence.number
    assert not attachment.file
    audit = AuditEvent.objects.get(action="attachment.licence_cited")
    assert audit.changes["cited_licence"] == [None, register.licence.pk]
    submitted = application_submit(
        actor=register.holder, application=draft, idempotency_key=uuid.uuid4().hex
    )
    assert submitted.status == "submitted"


def test_citing_again_replaces_the_slot(register, draft):
    first = _cite(register, draft, register.licence)
    second_licence = LicenceFactory(
        application__service_version=register.version,
        application__person=register.holder.person,
    )
    _cite(register, draft, second_licence)
    assert list(draft.attachments.values_list("cited_licence", flat=True)) == [second_licence.pk]
    assert not Attachment.objects.filter(pk=first.pk).exists()


@pytest.fixture(autouse=True)
def _english(english):
    """The services' messages, in English for the assertions."""


def _problem(register, draft, licence, key="food-licence") -> str:
    with pytest.raises(UploadRejected) as raised:
        _cite(register, draft, licence, key=key)
    assert not draft.attachments.exists()
    return raised.value.message


def test_someone_elses_licence_is_refused(register, draft):
    theirs = LicenceFactory(application__service_version=register.version)
    assert "not held by the applicant" in _problem(register, draft, theirs)


def test_a_revoked_licence_is_refused(register, draft):
    licence_revoke(actor=register.head, licence=register.licence, reason="x")
    assert "is not valid (revoked)" in _problem(register, draft, register.licence)


def test_an_expired_licence_is_refused(register, draft):
    register.licence.valid_to = dt.date(2026, 6, 14)
    register.licence.save(update_fields=["valid_to"])
    assert "is not valid (expired)" in _problem(register, draft, register.licence)


def test_a_licence_of_another_item_is_refused(register, draft):
    other_version = ServiceVersionFactory(item=ServiceItemFactory(code="YPJY"), published=True)
    other = LicenceFactory(
        application__service_version=other_version, application__person=register.holder.person
    )
    assert "not of the kind" in _problem(register, draft, other)


def test_a_material_without_reuse_refuses_any_licence(register, draft):
    assert "cannot stand in" in _problem(register, draft, register.licence, key="site-plan")


def test_a_stranger_cannot_cite_into_the_draft(register, draft):
    with pytest.raises(PermissionDenied):
        _cite(register, draft, register.licence, actor=register.stranger)


def test_submission_refuses_a_licence_revoked_meanwhile(register, draft):
    _cite(register, draft, register.licence)
    licence_revoke(actor=register.head, licence=register.licence, reason="x")
    with pytest.raises(ApplicationIncomplete) as raised:
        application_submit(
            actor=register.holder, application=draft, idempotency_key=uuid.uuid4().hex
        )
    assert [m.key for m in raised.value.missing_materials] == ["food-licence"]


# --- The page -----------------------------------------------------------------------------------


def test_the_materials_step_offers_the_licence_and_cites_it(register, draft, client_for):
    client = client_for(register.holder)
    url = f"/applications/{draft.pk}/step/materials/"
    page = client.get(url)
    assert f"My licence {register.licence.number}" in page.text
    assert "Use this licence instead of uploading" in page.text
    response = client.post(
        f"/applications/{draft.pk}/materials/food-licence/cite/",
        {"licence": register.licence.pk},
        follow=True,
    )
    assert f"Licence {register.licence.number} stands in for" in response.text
    assert "(from the licence register)" in response.text
    assert f"/verify/{register.certificate.verification_code}/" in response.text
    review = client.get(f"/applications/{draft.pk}/")
    assert "(from the licence register)" in review.text


def test_the_page_shows_a_refusal_beside_the_material(register, draft, client_for):
    theirs = LicenceFactory(application__service_version=register.version)
    response = client_for(register.holder).post(
        f"/applications/{draft.pk}/materials/food-licence/cite/", {"licence": theirs.pk}
    )
    assert response.status_code == 400
    assert "This licence is not held by the applicant." in response.text


def test_no_offer_for_someone_without_a_licence(register, client_for):
    version = ServiceVersionFactory(
        materials=[{"key": "food-licence", "reusable_licence_item_code": "SPJY"}], published=True
    )
    draft = ApplicationFactory(service_version=version, person=register.stranger.person)
    page = client_for(register.stranger).get(f"/applications/{draft.pk}/step/materials/")
    assert "Use this licence instead of uploading" not in page.text


def test_the_download_link_of_a_cited_licence_goes_to_its_verification(register, draft, client_for):
    attachment = _cite(register, draft, register.licence)
    response = client_for(register.holder).get(
        f"/applications/attachments/{attachment.pk}/download/"
    )
    assert response.status_code == 302
    assert response["Location"] == f"/verify/{register.certificate.verification_code}/"
