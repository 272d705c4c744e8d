"""The catalogue in the admin: drafts are edited, published versions are read-only, the
lifecycle runs through the catalogue services, and services move between portals as JSON."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from approvals.models import Material, ServiceItem, ServiceVersion, VersionStatus
from approvals.selectors.service_search import search_services
from approvals.services.catalogue import service_version_publish
from approvals.services.catalogue_io import export_service
from audit.models import AuditEvent
from tests.approvals.catalogue.conftest import change_url, minimal_schema
from tests.factories import DepartmentFactory, MaterialFactory, UserFactory
from tests.support import change_form_data

pytestmark = pytest.mark.django_db

VERSIONS = "admin:approvals_serviceversion_changelist"
ITEMS = "admin:approvals_serviceitem_changelist"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def client(catalogue_admin, verified_client_factory):
    """A catalogue administrator signed in with the second factor, reading in English."""
    client = verified_client_factory(catalogue_admin)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def run_action(client, action, versions):
    return client.post(
        reverse(VERSIONS),
        {"action": action, "_selected_action": [v.pk for v in versions]},
        follow=True,
    )


def test_the_catalogue_pages_open_for_a_catalogue_administrator(client, make_draft):
    version = make_draft()

    for url in [
        reverse(VERSIONS),
        reverse(ITEMS),
        change_url(version),
        reverse("admin:approvals_serviceitem_change", args=[version.item.pk]),
        reverse("admin:approvals_serviceversion_add"),
        reverse("admin:approvals_serviceitem_import"),
    ]:
        assert client.get(url).status_code == 200, url
    assert version.name_en in client.get(reverse(VERSIONS)).content.decode()


def test_staff_without_catalogue_permissions_are_kept_out(verified_client_factory, make_draft):
    other_staff = verified_client_factory(UserFactory(is_staff=True))
    make_draft()

    assert other_staff.get(reverse(VERSIONS)).status_code == 403
    assert other_staff.get(reverse("admin:approvals_serviceitem_import")).status_code == 403


def test_the_publish_action_publishes_a_draft_through_the_service(
    client, catalogue_admin, make_draft
):
    # given a complete draft
    draft = make_draft()

    # when the administrator runs "Publish" on it
    response = run_action(client, "publish_versions", [draft])

    # then it is published, they are told so, and the event names them
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED
    assert any("is published" in message for message in messages_of(response))
    assert AuditEvent.objects.get(action="catalogue.published").actor == catalogue_admin


def test_the_publish_action_lists_what_is_wrong_with_a_draft(client, make_draft):
    # given a draft whose promised limit is zero and whose schema has no steps
    draft = make_draft(promised_limit_days=0, form_schema={**minimal_schema(), "x-steps": []})

    # when the administrator tries to publish it
    response = run_action(client, "publish_versions", [draft])

    # then it stays a draft and the message lists each problem
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT
    (message,) = messages_of(response)
    assert "was not published" in message
    assert "at least one working day" in message
    assert "x-steps" in message


def test_the_retire_and_new_draft_actions(client, catalogue_admin, make_draft):
    # given a published version
    version = make_draft()
    service_version_publish(actor=catalogue_admin, version=version)

    # when the administrator makes a new draft from it, then retires it
    run_action(client, "draft_from_versions", [version])
    run_action(client, "retire_versions", [version])

    # then there is a draft version 2, and version 1 is retired
    version.refresh_from_db()
    assert version.status == VersionStatus.RETIRED
    draft = version.item.versions.get(number=2)
    assert draft.status == VersionStatus.DRAFT and draft.name_en == version.name_en


def test_a_published_version_opens_read_only_with_its_materials(
    client, catalogue_admin, make_draft
):
    # given a published version with a material
    version = make_draft(name_en="Published name")
    MaterialFactory(version=version, key="form", name_en="Application form")
    service_version_publish(actor=catalogue_admin, version=version)

    # when the administrator opens it
    response = client.get(change_url(version))

    # then nothing on the page can be edited: no inputs for its fields or its materials
    body = response.content.decode()
    assert response.status_code == 200
    assert "Published name" in body and "Application form" in body
    assert 'name="name_en"' not in body
    assert 'name="materials-0-name_en"' not in body
    assert 'name="_save"' not in body


def test_a_published_version_cannot_be_changed_or_deleted_by_posting(
    client, catalogue_admin, make_draft
):
    # given a published version
    version = make_draft(name_en="Published name")
    material = MaterialFactory(version=version, key="form", name_en="Application form")
    service_version_publish(actor=catalogue_admin, version=version)

    # when someone posts a change, a material change, or a deletion anyway
    change = client.post(
        change_url(version),
        {
            "name_en": "Changed",
            "materials-TOTAL_FORMS": "1",
            "materials-INITIAL_FORMS": "1",
            "materials-0-id": str(material.pk),
            "materials-0-name_en": "Changed",
        },
    )
    delete = client.post(
        reverse("admin:approvals_serviceversion_delete", args=[version.pk]), {"post": "yes"}
    )

    # then each is refused and nothing changed
    assert change.status_code == 403
    assert delete.status_code == 403
    assert ServiceVersion.objects.get(pk=version.pk).name_en == "Published name"
    assert Material.objects.get(pk=material.pk).name_en == "Application form"
    assert "delete_selected" not in client.get(reverse(VERSIONS)).content.decode()


def test_editing_a_draft_is_saved_and_audited(client, catalogue_admin, make_draft):
    # given a draft and its change page
    draft = make_draft(name_en="Old name")
    data = change_form_data(client.get(change_url(draft)))

    # when the administrator renames it and saves
    data["name_en"] = "New name"
    response = client.post(change_url(draft), data)

    # then it is saved and the change is in the audit trail
    assert response.status_code == 302, response.context["adminform"].form.errors
    draft.refresh_from_db()
    assert draft.name_en == "New name"
    event = AuditEvent.objects.get(action="admin.change", object_id=str(draft.pk))
    assert event.changes["name_en"] == ["Old name", "New name"]
    assert event.actor == catalogue_admin


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("form_schema", "{not json", "Enter a valid JSON"),
        ("form_schema", json.dumps({"type": "object", "properties": {}}), "at least one property"),
        (
            "workflow_definition",
            json.dumps({"stages": [{"key": "Bad Key"}]}),
            "$.stages[0].key: must be a string matching",
        ),
    ],
)
def test_json_problems_are_shown_beside_the_field(client, make_draft, field, value, message):
    # given a draft's change page
    draft = make_draft()
    data = change_form_data(client.get(change_url(draft)))

    # when the administrator saves broken JSON
    data[field] = value
    response = client.post(change_url(draft), data)

    # then the page comes back with the problem against that field, and nothing is saved
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors[field]
    assert any(message in error for error in errors), errors
    assert escape(message) in response.content.decode()
    draft.refresh_from_db()
    assert draft.form_schema == minimal_schema()


def test_adding_a_version_numbers_it_after_the_others(client, make_draft):
    # given a service with a version 1
    existing = make_draft()
    department = existing.item.department
    add_url = reverse("admin:approvals_serviceversion_add")
    data = change_form_data(client.get(add_url))
    data.pop("co_departments", None)

    # when the administrator adds a version through the add page
    data.update(
        {
            "item": str(existing.item.pk),
            "name_zh": "新版本",
            "name_en": "New version",
            "item_type": "permit",
            "for_persons": "on",
            "legal_basis_zh": "法",
            "legal_basis_en": "Law",
            "conditions_zh": "条件",
            "conditions_en": "Conditions",
            "statutory_limit_days": "20",
            "promised_limit_days": "10",
            "fee_amount": "0",
            "form_schema": json.dumps(minimal_schema()),
            "workflow_definition": json.dumps(existing.workflow_definition),
            "materials-TOTAL_FORMS": "1",
            "materials-INITIAL_FORMS": "0",
            "materials-0-key": "form",
            "materials-0-position": "1",
            "materials-0-name_zh": "申请表",
            "materials-0-name_en": "Form",
            "materials-0-required": "on",
            "materials-0-medium": "original",
        }
    )
    response = client.post(add_url, data)

    # then it is draft version 2 with its material
    assert response.status_code == 302, response.context["adminform"].form.errors
    added = ServiceVersion.objects.get(item=existing.item, number=2)
    assert added.status == VersionStatus.DRAFT
    assert list(added.materials.values_list("key", flat=True)) == ["form"]
    assert department.code in json.dumps(added.workflow_definition)


def test_a_template_must_be_a_document(client, make_draft):
    draft = make_draft()
    data = change_form_data(client.get(change_url(draft)))
    data.update(
        {
            "materials-TOTAL_FORMS": "1",
            "materials-INITIAL_FORMS": "0",
            "materials-0-key": "form",
            "materials-0-position": "1",
            "materials-0-name_zh": "申请表",
            "materials-0-name_en": "Form",
            "materials-0-medium": "original",
            "materials-0-template": SimpleUploadedFile("evil.html", b"<script>alert(1)</script>"),
        }
    )

    response = client.post(change_url(draft), data)

    assert response.status_code == 200
    assert not draft.materials.exists()
    assert "File extension" in response.content.decode()


# --- Export and import ----------------------------------------------------------------------------


def test_the_export_action_downloads_the_service_as_json(client, catalogue_admin, make_draft):
    version = make_draft()
    MaterialFactory(version=version, key="form")
    service_version_publish(actor=catalogue_admin, version=version)

    response = client.post(
        reverse(ITEMS), {"action": "export_json", "_selected_action": [version.item.pk]}
    )

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert f"service-{version.item.code}.json" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data == export_service(version.item)
    assert AuditEvent.objects.filter(action="catalogue.exported").count() == 1


def test_the_import_page_adds_drafts_from_an_uploaded_file(client, catalogue_admin, make_draft):
    # given an exported service whose item does not exist here
    version = make_draft()
    data = export_service(version.item)
    data["code"] = "IMPORTED"

    # when the administrator uploads it on the import page
    response = client.post(
        reverse("admin:approvals_serviceitem_import"),
        {"file": SimpleUploadedFile("s.json", json.dumps(data).encode(), "application/json")},
    )

    # then the service exists with a draft version, and the administrator is told
    item = ServiceItem.objects.get(code="IMPORTED")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:approvals_serviceitem_change", args=[item.pk])
    assert list(item.versions.values_list("number", "status")) == [(1, VersionStatus.DRAFT)]
    assert AuditEvent.objects.get(action="catalogue.imported").actor == catalogue_admin


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not json", "This is not a JSON file"),
        (json.dumps({"code": "X", "topic": "business"}).encode(), "$.department"),
    ],
)
def test_the_import_page_shows_what_is_wrong_with_a_file(client, content, message):
    DepartmentFactory()

    response = client.post(
        reverse("admin:approvals_serviceitem_import"),
        {"file": SimpleUploadedFile("s.json", content, "application/json")},
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ServiceItem.objects.exists()


# --- Lifecycle buttons on a version's page --------------------------------------------------------


def lifecycle_url(version, step):
    return reverse("admin:approvals_serviceversion_lifecycle", args=[version.pk, step])


def test_a_drafts_page_offers_publish_and_the_button_publishes(client, make_draft):
    # given a draft's page
    draft = make_draft()
    body = client.get(change_url(draft)).content.decode()
    assert lifecycle_url(draft, "publish") in body
    assert lifecycle_url(draft, "retire") not in body

    # when the administrator presses Publish
    response = client.post(lifecycle_url(draft, "publish"))

    # then they are back on the version's page, now read-only, and it is published
    assert response.status_code == 302
    assert response["Location"] == change_url(draft)
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED
    body = client.get(change_url(draft)).content.decode()
    assert lifecycle_url(draft, "retire") in body and lifecycle_url(draft, "publish") not in body


def test_the_buttons_only_answer_posts_from_catalogue_administrators(
    client, verified_client_factory, make_draft
):
    draft = make_draft()
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_serviceversion", "view_serviceitem"])
    )
    viewer_client = verified_client_factory(viewer)

    assert client.get(lifecycle_url(draft, "publish")).status_code == 405
    assert client.post(lifecycle_url(draft, "launch")).status_code == 404
    assert (
        lifecycle_url(draft, "publish") not in viewer_client.get(change_url(draft)).content.decode()
    )
    assert viewer_client.post(lifecycle_url(draft, "publish")).status_code == 403
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_a_draft_states_its_licences_name_and_term(client, make_draft):
    # given a draft and its change page, which offers the licence's name and term
    draft = make_draft()
    data = change_form_data(client.get(change_url(draft)))
    assert {"licence_valid_years", "certificate_name_zh", "certificate_name_en"} <= set(data)

    # when the administrator states a five-year 食品经营许可证 and saves
    data.update(
        licence_valid_years="5",
        certificate_name_zh="食品经营许可证",
        certificate_name_en="Food business licence",
    )
    response = client.post(change_url(draft), data)

    # then the version states it
    assert response.status_code == 302, response.context["adminform"].form.errors
    draft.refresh_from_db()
    assert (draft.licence_valid_years, draft.certificate_name_zh) == (5, "食品经营许可证")


def test_search_keywords_are_edited_on_a_draft_and_found_once_it_is_published(
    client, catalogue_admin, make_draft
):
    # given a draft whose name says nothing of restaurants
    draft = make_draft(name_zh="食品经营许可", name_en="Food business licence")
    page = client.get(change_url(draft)).content.decode()
    assert 'name="search_keywords_zh"' in page and 'name="search_keywords_en"' in page
    data = change_form_data(client.get(change_url(draft)))

    # when the administrator adds what people call it, saves and publishes
    data["search_keywords_zh"] = "开饭店、餐馆"
    data["search_keywords_en"] = "restaurant"
    response = client.post(change_url(draft), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    run_action(client, "publish_versions", [draft])

    # then the keywords are audited and the public search finds the service by them
    event = AuditEvent.objects.get(action="admin.change", object_id=str(draft.pk))
    assert event.changes["search_keywords_zh"] == ["", "开饭店、餐馆"]
    assert [v.pk for v in search_services(query="kfd")] == [draft.pk]
    assert [v.pk for v in search_services(query="restaurant")] == [draft.pk]
