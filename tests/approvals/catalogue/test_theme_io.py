"""Moving a 一件事 theme between installations as JSON: members by service code, the window by
department code; imported as drafts, nothing stored when anything is wrong."""

import copy
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from approvals.models import ThemeItem, ThemeVersion, VersionStatus
from approvals.services.catalogue_io import THEME_FORMAT, export_theme, import_theme
from approvals.services.themes_catalogue import theme_version_draft, theme_version_publish
from audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def exported(catalogue_admin, make_theme):
    """The export of a theme with a retired version 1 and a published version 2."""
    first = theme_version_publish(actor=catalogue_admin, version=make_theme())
    second = theme_version_draft(actor=catalogue_admin, item=first.item)
    second.name_en = "Open a restaurant"
    second.save()
    theme_version_publish(actor=catalogue_admin, version=second)
    return export_theme(first.item)


def test_export_names_members_by_service_code_and_the_window_by_department_code(
    exported, theme_services
):
    registration, food = theme_services

    assert exported["format"] == THEME_FORMAT
    assert [(v["number"], v["status"]) for v in exported["versions"]] == [
        (1, "retired"),
        (2, "published"),
    ]
    latest = exported["versions"][1]
    assert latest["name_en"] == "Open a restaurant"
    assert latest["lead_department"] == ThemeVersion.objects.get(number=2).lead_department.code
    assert [(m["key"], m["service"]) for m in latest["members"]] == [
        ("registration", registration.item.code),
        ("food", food.item.code),
    ]
    assert latest["members"][1]["depends_on"] == [
        {"member": "registration", "cite_as": "business_licence"}
    ]
    json.dumps(exported)


def test_a_round_trip_into_a_portal_without_the_theme_gives_the_same_drafts(
    exported, catalogue_admin
):
    # given the export renamed, as another installation would receive a theme it lacks
    data = copy.deepcopy(exported)
    data["code"] = "RESTAURANT-2"

    # when it is imported
    item = import_theme(json.loads(json.dumps(data)), actor=catalogue_admin)

    # then every version is a new draft with the same content, and the import is audited
    assert item.imported_numbers == [1, 2]
    assert set(item.versions.values_list("status", flat=True)) == {VersionStatus.DRAFT}
    again = export_theme(item)
    strip = lambda v: {k: x for k, x in v.items() if k not in {"number", "status"}}  # noqa: E731
    assert [strip(v) for v in again["versions"]] == [strip(v) for v in exported["versions"]]
    event = AuditEvent.objects.get(action="theme.imported")
    assert event.changes["draft_versions"] == [None, [1, 2]]
    # and the imported draft publishes, its members' services being there
    theme_version_publish(actor=catalogue_admin, version=item.versions.get(number=2))


def test_importing_into_the_same_theme_adds_drafts_after_its_versions(exported, catalogue_admin):
    item = import_theme(exported, actor=catalogue_admin)

    assert item.imported_numbers == [3, 4]
    assert ThemeVersion.objects.filter(item=item).count() == 4


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda v: v["members"][0].update(service="NO-SUCH"), "no service has the code"),
        (lambda v: v.update(lead_department="nowhere"), "no department has the code"),
        (lambda v: v["members"][0].update(depends_on=[{"member": "food"}]), "cycle"),
        (lambda v: v.update(questions="sign?"), "must be a list"),
        (lambda v: v["members"][1].update(field_map=["name"]), "must be an object"),
        (lambda v: v["members"][1].update(colour="red"), "is not a known field"),
        (lambda v: v.update(for_persons="yes"), "must be true or false"),
        (lambda v: v.pop("name_zh"), "is required"),
        (lambda v: v["members"][1].update(key="not a slug!"), "members[1].key"),
    ],
)
def test_an_import_with_a_problem_stores_nothing_and_says_where(
    exported, catalogue_admin, change, expected
):
    data = copy.deepcopy(exported)
    data["code"] = "ELSEWHERE"
    change(data["versions"][1])

    with pytest.raises(ValidationError) as caught:
        import_theme(data, actor=catalogue_admin)

    assert any(expected in m for m in caught.value.messages), caught.value.messages
    assert any(m.startswith("$.versions[1]") for m in caught.value.messages)
    assert not ThemeItem.objects.filter(code="ELSEWHERE").exists()
    assert not AuditEvent.objects.filter(action="theme.imported").exists()


def test_a_service_file_is_not_a_theme(exported, catalogue_admin):
    data = {**exported, "format": "portal-service/1"}

    with pytest.raises(ValidationError, match="unknown format"):
        import_theme(data, actor=catalogue_admin)


def test_only_catalogue_administrators_import(exported):
    with pytest.raises(PermissionDenied):
        import_theme({**exported, "code": "X"}, actor=UserFactory())
    assert not ThemeItem.objects.filter(code="X").exists()


def test_the_commands_carry_a_theme_between_installations(exported, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    # given a theme exported by the command, as another installation would receive it
    out = StringIO()
    call_command("export_service", exported["code"], "--theme", stdout=out)
    data = json.loads(out.getvalue())
    assert data == exported
    data["code"] = "FROM-FILE"
    path = tmp_path / "theme.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    # when the import command reads it, then the theme's versions are drafts here
    out = StringIO()
    call_command("import_service", str(path), stdout=out)
    assert "FROM-FILE: imported as draft versions 1, 2" in out.getvalue()
    assert ThemeItem.objects.get(code="FROM-FILE").versions.count() == 2
