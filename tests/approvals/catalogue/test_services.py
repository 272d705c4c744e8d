"""Drafting, publishing and retiring service versions."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from approvals.models import Material, ServiceVersion, VersionStatus
from approvals.services.catalogue import (
    service_version_draft,
    service_version_publish,
    service_version_retire,
)
from audit.chain import verify_chain
from audit.models import AuditEvent
from tests.approvals.catalogue.conftest import minimal_schema
from tests.factories import (
    ApplicationFactory,
    DepartmentFactory,
    MaterialFactory,
    ServiceItemFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The messages checked here are the English ones (the default language is Chinese)."""
    with translation.override("en"):
        yield


# --- Publishing -----------------------------------------------------------------------------------


def test_publishing_a_draft_makes_it_the_published_version_and_audits_it(
    catalogue_admin, make_draft
):
    # given a complete draft
    draft = make_draft()

    # when a catalogue administrator publishes it
    service_version_publish(actor=catalogue_admin, version=draft)

    # then it is published, dated, and the audit trail records it
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED
    assert draft.published_at is not None
    event = AuditEvent.objects.get(action="catalogue.published")
    assert event.actor == catalogue_admin
    assert event.object_id == str(draft.pk)
    assert event.changes["published_version"] == [None, draft.number]
    assert verify_chain() is None


def test_publishing_a_new_version_retires_the_one_before(catalogue_admin, make_draft):
    # given a published version 1 and a draft version 2 of the same service
    v1 = make_draft()
    service_version_publish(actor=catalogue_admin, version=v1)
    v2 = service_version_draft(actor=catalogue_admin, item=v1.item)

    # when version 2 is published
    service_version_publish(actor=catalogue_admin, version=v2)

    # then version 1 is retired, version 2 is the only published one, and the event says 1 → 2
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert v1.status == VersionStatus.RETIRED and v1.retired_at is not None
    assert v2.status == VersionStatus.PUBLISHED
    assert list(ServiceVersion.objects.filter(item=v1.item, status=VersionStatus.PUBLISHED)) == [v2]
    event = AuditEvent.objects.filter(action="catalogue.published").latest("sequence")
    assert event.changes["published_version"] == [1, 2]


def test_an_application_keeps_the_version_it_was_filed_under(catalogue_admin, make_draft):
    # given an application filed under the published version 1
    v1 = make_draft(name_en="Food licence (2024 rules)")
    service_version_publish(actor=catalogue_admin, version=v1)
    application = ApplicationFactory(service_version=v1, submitted=True)

    # when version 2 with new wording is published
    v2 = service_version_draft(actor=catalogue_admin, item=v1.item)
    v2.name_en = "Food licence (2025 rules)"
    v2.save()
    service_version_publish(actor=catalogue_admin, version=v2)

    # then the application still points at version 1, whose content is unchanged
    application.refresh_from_db()
    assert application.service_version_id == v1.pk
    assert application.service_version.name_en == "Food licence (2024 rules)"
    assert application.service_version.status == VersionStatus.RETIRED


def test_only_a_draft_can_be_published(catalogue_admin, make_draft):
    # given a published version
    version = make_draft()
    service_version_publish(actor=catalogue_admin, version=version)

    # when someone tries to publish it again, then it is refused
    with pytest.raises(ValidationError, match="Only a draft"):
        service_version_publish(actor=catalogue_admin, version=version)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"form_schema": {"type": "object"}}, "form_schema", "at least one property"),
        (
            {"form_schema": {**minimal_schema(), "x-steps": []}},
            "form_schema",
            "x-steps",
        ),
        ({"workflow_definition": {"stages": []}}, "workflow_definition", "non-empty list"),
        (
            {
                "workflow_definition": {
                    "stages": [
                        {
                            "key": "review",
                            "name": {"en": "Review", "zh": "审查"},
                            "branches": [{"key": "a", "department": "nowhere", "role": "reviewer"}],
                            "limit_working_days": 5,
                        }
                    ]
                }
            },
            "workflow_definition",
            "nowhere",
        ),
        ({"promised_limit_days": 0}, "promised_limit_days", "at least one working day"),
        ({"for_persons": False, "for_businesses": False}, "__all__", "kind of applicant"),
        ({"fee_amount": 50, "fee_basis_en": ""}, "fee_basis_en", "legal basis"),
        ({"name_en": ""}, "name_en", "blank"),
    ],
)
def test_publishing_refuses_an_incomplete_draft_and_says_why(
    catalogue_admin, make_draft, change, field, message
):
    # given a draft with one problem
    draft = make_draft(**change)

    # when it is published, then it is refused with the problem named against its field
    with pytest.raises(ValidationError) as raised:
        service_version_publish(actor=catalogue_admin, version=draft)
    assert message in " ".join(raised.value.message_dict[field])
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT
    assert not AuditEvent.objects.filter(action="catalogue.published").exists()


def test_publishing_checks_that_a_cited_licence_is_a_service(catalogue_admin, make_draft):
    # given a draft whose material names a licence no service issues
    draft = make_draft()
    MaterialFactory(version=draft, key="licence", reusable_licence_item_code="NO-SUCH")

    # when it is published, then the material's reference is refused
    with pytest.raises(ValidationError) as raised:
        service_version_publish(actor=catalogue_admin, version=draft)
    assert "NO-SUCH" in " ".join(raised.value.message_dict["materials"])


def test_a_cited_licence_of_an_existing_service_is_accepted(catalogue_admin, make_draft):
    # given a draft whose material can be replaced by another service's licence
    licence_item = ServiceItemFactory(code="ENT-REG")
    draft = make_draft()
    MaterialFactory(version=draft, key="licence", reusable_licence_item_code=licence_item.code)

    # when it is published, then it is
    service_version_publish(actor=catalogue_admin, version=draft)
    assert ServiceVersion.objects.get(pk=draft.pk).status == VersionStatus.PUBLISHED


# --- Drafting -------------------------------------------------------------------------------------


def test_a_new_draft_copies_the_latest_version_with_its_materials(catalogue_admin, make_draft):
    # given a published version with co-handling departments and two materials
    fire = DepartmentFactory(code="fire")
    v1 = make_draft(name_en="Outdoor advertising permit")
    v1.co_departments.add(fire)
    MaterialFactory(version=v1, key="form", name_en="Application form", position=1)
    MaterialFactory(version=v1, key="drawings", name_en="Drawings", required=False, position=2)
    service_version_publish(actor=catalogue_admin, version=v1)

    # when a new draft is made
    v2 = service_version_draft(actor=catalogue_admin, item=v1.item)

    # then it is version 2, a draft, with the same content and its own copies of the materials
    assert (v2.number, v2.status) == (2, VersionStatus.DRAFT)
    assert v2.name_en == "Outdoor advertising permit"
    assert v2.form_schema == v1.form_schema
    assert list(v2.co_departments.all()) == [fire]
    copied = list(v2.materials.values_list("key", "name_en", "required"))
    assert copied == [("form", "Application form", True), ("drawings", "Drawings", False)]
    assert Material.objects.filter(version=v1).count() == 2
    assert AuditEvent.objects.filter(action="catalogue.drafted", object_id=str(v2.pk)).exists()


def test_a_draft_can_start_from_an_older_version(catalogue_admin, make_draft):
    # given versions 1 and 2 with different names
    v1 = make_draft(name_en="Old name")
    service_version_publish(actor=catalogue_admin, version=v1)
    v2 = service_version_draft(actor=catalogue_admin, item=v1.item)
    v2.name_en = "New name"
    v2.save()

    # when a draft is made from version 1, then it is number 3 with version 1's name
    v3 = service_version_draft(actor=catalogue_admin, item=v1.item, from_version=v1)
    assert (v3.number, v3.name_en) == (3, "Old name")


def test_a_draft_cannot_copy_another_services_version(catalogue_admin, make_draft):
    other = make_draft()
    with pytest.raises(ValidationError, match="another service"):
        service_version_draft(actor=catalogue_admin, item=make_draft().item, from_version=other)


# --- Retiring -------------------------------------------------------------------------------------


def test_retiring_withdraws_the_published_version(catalogue_admin, make_draft):
    # given a published version
    version = make_draft()
    service_version_publish(actor=catalogue_admin, version=version)

    # when it is retired
    service_version_retire(actor=catalogue_admin, version=version)

    # then no version of the service is published any more, and it is audited
    version.refresh_from_db()
    assert version.status == VersionStatus.RETIRED
    assert not version.item.versions.filter(status=VersionStatus.PUBLISHED).exists()
    assert AuditEvent.objects.filter(action="catalogue.retired", object_id=str(version.pk))


def test_a_draft_cannot_be_retired(catalogue_admin, make_draft):
    with pytest.raises(ValidationError, match="Only the published"):
        service_version_retire(actor=catalogue_admin, version=make_draft())


# --- Immutability at the model level ----------------------------------------------------------


def test_a_published_version_and_its_materials_refuse_changes(catalogue_admin, make_draft):
    # given a published version with a material
    version = make_draft(name_en="Before")
    material = MaterialFactory(version=version, key="form")
    service_version_publish(actor=catalogue_admin, version=version)
    version.refresh_from_db()
    material.refresh_from_db()

    # when someone changes its content or its material, then the model refuses
    version.name_en = "After"
    with pytest.raises(ValidationError):
        version.save()
    material.name_en = "After"
    with pytest.raises(ValidationError):
        material.save()
    with pytest.raises(ValidationError):
        MaterialFactory(version=version, key="extra")
    assert ServiceVersion.objects.get(pk=version.pk).name_en == "Before"


def test_the_database_allows_one_published_version_per_service(catalogue_admin, make_draft):
    # given a published version
    v1 = make_draft()
    service_version_publish(actor=catalogue_admin, version=v1)
    v2 = make_draft(item=v1.item)

    # when a second one is marked published behind the service's back, then the database refuses
    v2.status = VersionStatus.PUBLISHED
    with pytest.raises(IntegrityError), transaction.atomic():
        v2.save(update_fields=["status"])


# --- Who may -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["plain", "staff_without_permission", "anonymous"])
def test_only_catalogue_administrators_change_the_catalogue(make_draft, who):
    # given a draft and a user who is not a catalogue administrator
    from django.contrib.auth.models import AnonymousUser

    draft = make_draft()
    actor = {
        "plain": lambda: UserFactory(),
        "staff_without_permission": lambda: UserFactory(is_staff=True),
        "anonymous": AnonymousUser,
    }[who]()

    # when they draft, publish or retire, then each is refused and nothing changes
    with pytest.raises(PermissionDenied):
        service_version_publish(actor=actor, version=draft)
    with pytest.raises(PermissionDenied):
        service_version_draft(actor=actor, item=draft.item)
    with pytest.raises(PermissionDenied):
        service_version_retire(actor=actor, version=draft)
    assert draft.item.versions.count() == 1
    assert ServiceVersion.objects.get(pk=draft.pk).status == VersionStatus.DRAFT


def test_a_superuser_may_publish(make_draft):
    draft = make_draft()
    service_version_publish(actor=UserFactory(is_superuser=True), version=draft)
    assert ServiceVersion.objects.get(pk=draft.pk).status == VersionStatus.PUBLISHED


def test_an_inactive_catalogue_administrator_may_not_publish(catalogue_admin, make_draft):
    catalogue_admin.is_active = False
    catalogue_admin.save()
    with pytest.raises(PermissionDenied):
        service_version_publish(actor=catalogue_admin, version=make_draft())
