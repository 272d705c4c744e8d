"""The admin for 一件事 themes: drafts edited with their members inline and audited, published
versions read-only, the lifecycle through the theme catalogue services, export and import."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from approvals.models import ThemeItem, ThemeMember, ThemeVersion, VersionStatus
from approvals.services.catalogue_io import export_theme
from approvals.services.themes_catalogue import theme_version_publish
from audit.models import AuditEvent
from tests.factories import UserFactory
from tests.support import change_form_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

THEME_PERMISSIONS = [
    f"{action}_{model}"
    for model in ("themeitem", "themeversion", "thememember")
    for action in ("view", "add", "change", "delete")
]


@pytest.fixture
def client(catalogue_admin, verified_client_factory):
    catalogue_admin.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="approvals", codename__in=THEME_PERMISSIONS
        )
    )
    client = verified_client_factory(catalogue_admin)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def change_url(version):
    return reverse("admin:approvals_themeversion_change", args=[version.pk])


def lifecycle_url(version, step):
    return reverse("admin:approvals_themeversion_lifecycle", args=[version.pk, step])


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_theme_pages_open_for_a_catalogue_administrator(client, make_theme):
    draft = make_theme()

    for url in (
        reverse("admin:approvals_themeitem_changelist"),
        reverse("admin:approvals_themeitem_change", args=[draft.item.pk]),
        reverse("admin:approvals_themeitem_import"),
        reverse("admin:approvals_themeversion_changelist"),
        change_url(draft),
    ):
        assert client.get(url).status_code == 200, url


def test_editing_a_drafts_member_is_saved_and_audited(client, catalogue_admin, make_theme):
    # given a draft's page with its members inline
    draft = make_theme()
    data = change_form_data(client.get(change_url(draft)))
    index = next(
        i for i in range(2) if data[f"members-{i}-key"] == "food"
    )  # the inline's order is the members'

    # when the administrator makes the food licence depend on a question and saves
    data[f"members-{index}-condition"] = json.dumps({"question": "sign", "equals": True})
    response = client.post(change_url(draft), data)

    # then the member is saved and the change audited
    assert response.status_code == 302, response.context["adminform"].form.errors
    member = ThemeMember.objects.get(version=draft, key="food")
    assert member.condition == {"question": "sign", "equals": True}
    event = AuditEvent.objects.filter(action="admin.change", object_id=str(member.pk)).get()
    assert event.actor == catalogue_admin


def test_the_publish_button_publishes_and_the_page_turns_read_only(client, make_theme):
    draft = make_theme()
    assert lifecycle_url(draft, "publish") in client.get(change_url(draft)).content.decode()

    response = client.post(lifecycle_url(draft, "publish"))

    assert response.status_code == 302 and response["Location"] == change_url(draft)
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED
    assert AuditEvent.objects.filter(action="theme.published").count() == 1
    body = client.get(change_url(draft)).content.decode()
    assert lifecycle_url(draft, "retire") in body and lifecycle_url(draft, "publish") not in body
    # posting a change anyway is refused
    refused = client.post(change_url(draft), {"name_en": "Changed"})
    assert refused.status_code == 403
    assert ThemeVersion.objects.get(pk=draft.pk).name_en != "Changed"


def test_publishing_a_broken_draft_lists_its_problems(client, make_theme):
    draft = make_theme()
    draft.members.filter(key="food").update(field_map={"name": "no_such_field"})

    response = client.post(lifecycle_url(draft, "publish"), follow=True)

    assert any("has no field “no_such_field”" in m for m in messages_of(response))
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_staff_without_catalogue_rights_cannot_publish_or_import(
    verified_client_factory, make_theme
):
    draft = make_theme()
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_themeversion", "view_themeitem"])
    )
    browser = verified_client_factory(viewer)

    assert browser.post(lifecycle_url(draft, "publish")).status_code == 403
    assert browser.get(reverse("admin:approvals_themeitem_import")).status_code == 403
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_export_and_import_through_the_admin(client, catalogue_admin, make_theme):
    # given a published theme exported as JSON
    version = theme_version_publish(actor=catalogue_admin, version=make_theme())
    exported = client.post(
        reverse("admin:approvals_themeitem_changelist"),
        {"action": "export_json", "_selected_action": [version.item.pk]},
    )
    assert exported["Content-Type"].startswith("application/json")
    data = json.loads(exported.content)
    assert data == export_theme(version.item)
    assert AuditEvent.objects.filter(action="theme.exported").count() == 1

    # when it is imported under another code
    data["code"] = "COPY"
    upload = SimpleUploadedFile("theme.json", json.dumps(data).encode(), "application/json")
    response = client.post(reverse("admin:approvals_themeitem_import"), {"file": upload})

    # then the copy exists as a draft, and a broken file says what is wrong
    copy = ThemeItem.objects.get(code="COPY")
    assert response.status_code == 302
    assert list(copy.versions.values_list("status", flat=True)) == [VersionStatus.DRAFT]
    data["versions"][0]["members"][0]["service"] = "NOWHERE"
    data["code"] = "BROKEN"
    upload = SimpleUploadedFile("theme.json", json.dumps(data).encode(), "application/json")
    broken = client.post(reverse("admin:approvals_themeitem_import"), {"file": upload})
    assert "no service has the code “NOWHERE”" in broken.content.decode()
    assert not ThemeItem.objects.filter(code="BROKEN").exists()
