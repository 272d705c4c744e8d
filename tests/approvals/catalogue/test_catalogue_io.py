"""Moving a service between portals as JSON: export, import as drafts, and the commands."""

import json
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.utils import translation

from approvals.models import Material, ServiceItem, ServiceVersion, VersionStatus
from approvals.services.catalogue import service_version_draft, service_version_publish
from approvals.services.catalogue_io import TEMPLATES_NOTE, export_service, import_service
from audit.models import AuditEvent
from tests.factories import DepartmentFactory, MaterialFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def published_service(catalogue_admin, make_draft):
    """A service with a retired version 1 and a published version 2, materials (one with a
    template file) and a co-handling department."""
    housing = DepartmentFactory(code="housing")
    v1 = make_draft(name_en="Drainage permit (old)", name_zh="排水许可（旧）")
    v1.co_departments.add(housing)
    MaterialFactory(
        version=v1,
        key="form",
        position=1,
        name_en="Application form",
        name_zh="申请表",
        medium="original",
        template=ContentFile(b"%PDF-1.4", name="drainage-form.pdf"),
    )
    MaterialFactory(version=v1, key="drawings", position=2, required=False)
    service_version_publish(actor=catalogue_admin, version=v1)
    v2 = service_version_draft(actor=catalogue_admin, item=v1.item)
    v2.name_en = "Drainage permit"
    v2.fee_amount = "12.50"
    v2.fee_basis_en, v2.fee_basis_zh = "Notice 12", "第12号通知"
    v2.save()
    service_version_publish(actor=catalogue_admin, version=v2)
    return v1.item


def without_identity(version_data: dict) -> dict:
    return {k: v for k, v in version_data.items() if k not in {"number", "status"}}


def test_export_carries_every_version_with_its_content(published_service):
    data = export_service(published_service)

    assert data["code"] == published_service.code
    assert data["department"] == published_service.department.code
    assert data["note"] == TEMPLATES_NOTE
    assert [(v["number"], v["status"]) for v in data["versions"]] == [
        (1, "retired"),
        (2, "published"),
    ]
    latest = data["versions"][1]
    assert latest["name_en"] == "Drainage permit"
    assert latest["fee_amount"] == "12.50"
    assert latest["co_departments"] == ["housing"]
    assert [m["key"] for m in latest["materials"]] == ["form", "drawings"]
    # the template file itself is left out; its name is kept
    assert latest["materials"][0]["template_name"].startswith("drainage-form")
    json.dumps(data)  # plain JSON


def test_round_trip_into_an_empty_portal_gives_the_same_service_as_drafts(
    published_service, catalogue_admin
):
    # given the export of a service, and a portal that does not have it
    exported = export_service(published_service)
    code = published_service.code
    Material.objects.filter(version__item=published_service).delete()
    ServiceVersion.objects.filter(item=published_service).delete()
    ServiceItem.objects.filter(pk=published_service.pk).delete()

    # when it is imported
    item = import_service(exported, actor=catalogue_admin)

    # then the same versions exist again, all as drafts, with the same content (no templates)
    assert item.code == code
    assert list(item.versions.order_by("number").values_list("number", "status")) == [
        (1, VersionStatus.DRAFT),
        (2, VersionStatus.DRAFT),
    ]
    again = export_service(item)
    for before, after in zip(exported["versions"], again["versions"], strict=True):
        for material in before["materials"]:
            material["template_name"] = ""
        assert without_identity(after) == without_identity(before)
    event = AuditEvent.objects.get(action="catalogue.imported")
    assert event.changes["draft_versions"] == [None, [1, 2]]


def test_importing_an_existing_service_adds_drafts_and_leaves_the_published_one(
    published_service, catalogue_admin
):
    # given a service whose version 2 is published
    exported = export_service(published_service)
    exported["versions"][1]["name_en"] = "Drainage permit (from the other portal)"

    # when its export is imported back
    import_service(exported, actor=catalogue_admin)

    # then versions 3 and 4 are new drafts, and version 2 is still the published one, unchanged
    versions = {v.number: v for v in published_service.versions.all()}
    assert sorted(versions) == [1, 2, 3, 4]
    assert versions[2].status == VersionStatus.PUBLISHED
    assert versions[2].name_en == "Drainage permit"
    assert versions[4].status == VersionStatus.DRAFT
    assert versions[4].name_en == "Drainage permit (from the other portal)"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(department="nowhere"), "$.department"),
        (lambda d: d.update(topic="space"), "$.topic"),
        (lambda d: d.update(versions=[]), "$.versions"),
        (lambda d: d["versions"][0].update(statutory_limit_days="ten"), "statutory_limit_days"),
        (lambda d: d["versions"][0].update(promised_limit_days=99), "promised_limit_days"),
        (lambda d: d["versions"][0].update(form_schema={"type": "object"}), "form_schema"),
        (lambda d: d["versions"][0].update(co_departments=["nowhere"]), "nowhere"),
        (lambda d: d["versions"][0].update(colour="red"), "colour: is not a known field"),
        (lambda d: d["versions"][0]["materials"][0].update(key="no spaces!"), "materials[0].key"),
        (
            lambda d: d["versions"][0]["materials"][1].update(key="form"),
            "the material key “form” is used twice",
        ),
    ],
)
def test_an_invalid_file_imports_nothing_and_says_where_the_problem_is(
    published_service, catalogue_admin, change, message
):
    # given an export with one problem, for a service not yet in this portal
    data = export_service(published_service)
    data["code"] = "NEW-CODE"
    change(data)

    # when it is imported, then nothing is stored and the problem is named by its path
    with pytest.raises(ValidationError) as raised:
        import_service(data, actor=catalogue_admin)
    assert any(message.lower() in problem.lower() for problem in raised.value.messages), (
        raised.value.messages
    )
    assert not ServiceItem.objects.filter(code="NEW-CODE").exists()
    assert not AuditEvent.objects.filter(action="catalogue.imported").exists()


def test_only_catalogue_administrators_import(published_service):
    with pytest.raises(PermissionDenied):
        import_service(export_service(published_service), actor=UserFactory())


# --- The commands ---------------------------------------------------------------------------------


def test_the_commands_move_a_service_through_a_file(published_service, tmp_path):
    # given a service exported by the command into a file
    out = StringIO()
    call_command("export_service", published_service.code, stdout=out)
    path = tmp_path / "service.json"
    path.write_text(out.getvalue(), encoding="utf-8")
    assert json.loads(out.getvalue()) == export_service(published_service)

    # when the file is imported by the command
    out = StringIO()
    call_command("import_service", str(path), stdout=out)

    # then two new drafts were added, and the command says which
    assert f"{published_service.code}: imported as draft versions 3, 4" in out.getvalue()
    assert published_service.versions.filter(status=VersionStatus.DRAFT).count() == 2
    assert AuditEvent.objects.get(action="catalogue.imported").actor_label == "system"


def test_the_import_command_records_the_named_administrator(
    published_service, catalogue_admin, tmp_path
):
    path = tmp_path / "service.json"
    path.write_text(json.dumps(export_service(published_service)), encoding="utf-8")

    call_command("import_service", str(path), actor=catalogue_admin.email, stdout=StringIO())

    assert AuditEvent.objects.get(action="catalogue.imported").actor == catalogue_admin


def test_the_commands_report_problems(published_service, tmp_path):
    with pytest.raises(CommandError, match="no service item"):
        call_command("export_service", "NO-SUCH", stdout=StringIO())
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_service", str(broken), stdout=StringIO())
    invalid = tmp_path / "invalid.json"
    invalid.write_text(json.dumps({"code": "X"}), encoding="utf-8")
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("import_service", str(invalid), stdout=StringIO())
    with pytest.raises(CommandError, match="may not manage"):
        path = tmp_path / "ok.json"
        path.write_text(json.dumps(export_service(published_service)), encoding="utf-8")
        call_command("import_service", str(path), actor=UserFactory().email, stdout=StringIO())
