"""The demo city's catalogue: valid, complete, bilingual, and seeded idempotently."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from approvals.domain.workflow import parse_definition
from approvals.dynamic_forms import check_form_schema
from approvals.models import ServiceItem, ServiceVersion, VersionStatus
from audit.models import AuditEvent
from demo import accounts as demo_data
from demo.catalogue import DEMO_SERVICES, seed_catalogue
from demo.management.commands.seed_demo import DemoSeeder

DEPARTMENT_CODES = {department.code for department in demo_data.DEPARTMENTS}
SERVICE_IDS = [spec["code"] for spec in DEMO_SERVICES]


@pytest.fixture
def departments(db):
    DemoSeeder(password="unused", reset_passwords=False).seed_departments()


def test_there_are_at_least_ten_services_with_distinct_codes():
    assert len(DEMO_SERVICES) >= 10
    assert len(set(SERVICE_IDS)) == len(SERVICE_IDS)


@pytest.mark.parametrize("spec", DEMO_SERVICES, ids=SERVICE_IDS)
def test_every_demo_form_and_workflow_passes_its_checks(spec):
    version = spec["version"]
    with translation.override("en"):
        assert check_form_schema(version["form_schema"]) == []
    definition = parse_definition(version["workflow_definition"])
    branches = [branch for stage in definition.stages for branch in stage.branches]
    assert {branch.department for branch in branches} <= DEPARTMENT_CODES
    assert spec["department"] in DEPARTMENT_CODES
    assert set(version["co_departments"]) <= DEPARTMENT_CODES
    # the first stage is the service centre's window (Art. 32 intake)
    assert definition.stages[0].branches[0].role == "intake_clerk"


@pytest.mark.parametrize("spec", DEMO_SERVICES, ids=SERVICE_IDS)
def test_every_demo_service_is_complete_and_bilingual(spec):
    version = spec["version"]
    for field in ("name", "legal_basis", "conditions", "procedure", "fee_basis"):
        assert version[f"{field}_zh"].strip() and version[f"{field}_en"].strip(), field
        assert any("\u4e00" <= char <= "\u9fff" for char in version[f"{field}_zh"]), field
    assert 1 <= version["promised_limit_days"] < version["statutory_limit_days"]
    assert 3 <= len(version["materials"]) <= 6
    for material in version["materials"]:
        assert material["name_zh"] and material["name_en"]
    assert len(version["form_schema"]["x-steps"]) in (2, 3)
    assert any("x-prefill" in prop for prop in version["form_schema"]["properties"].values())


def test_the_food_licence_has_a_condition_and_a_group_and_the_planning_permit_runs_in_parallel():
    services = {spec["code"]: spec["version"] for spec in DEMO_SERVICES}
    food = services["FOOD-LIC"]["form_schema"]["properties"]
    assert any("x-show-if" in prop for prop in food.values())
    assert any(
        prop["type"] == "array" and prop["items"].get("type") == "object" for prop in food.values()
    )
    repeating = [
        code
        for code, version in services.items()
        if any(
            prop["type"] == "array" and prop["items"].get("type") == "object"
            for prop in version["form_schema"]["properties"].values()
        )
    ]
    assert len(repeating) >= len(services) - 1
    planning = parse_definition(services["PLAN-PERMIT"]["workflow_definition"])
    assert [stage.is_parallel for stage in planning.stages] == [False, True, False]
    assert {b.department for b in planning.stages[1].branches} == {
        "fz-natres",
        "fz-housing",
        "fz-fire",
    }
    assert planning.stages[2].branches[0].role == "approver"
    assert services["IND-REG"]["on_the_spot"] is True


def test_seeding_publishes_every_service_as_version_1(departments):
    # when the catalogue is seeded
    count = seed_catalogue()

    # then each service has one published version 1 with its materials
    assert count == len(DEMO_SERVICES)
    for spec in DEMO_SERVICES:
        item = ServiceItem.objects.get(code=spec["code"])
        assert item.department.code == spec["department"]
        version = item.versions.get()
        assert (version.number, version.status) == (1, VersionStatus.PUBLISHED)
        assert version.materials.count() == len(spec["version"]["materials"])
        assert sorted(d.code for d in version.co_departments.all()) == sorted(
            spec["version"]["co_departments"]
        )


def test_seeding_again_changes_nothing(departments):
    # given a seeded catalogue
    seed_catalogue()
    versions = list(ServiceVersion.objects.values_list("pk", "status", "number"))
    events = AuditEvent.objects.count()

    # when it is seeded again, then nothing is created, changed or audited
    assert seed_catalogue() == 0
    assert list(ServiceVersion.objects.values_list("pk", "status", "number")) == versions
    assert AuditEvent.objects.count() == events


def test_changed_demo_content_becomes_a_new_version_not_an_edit(departments, monkeypatch):
    # given a seeded catalogue
    seed_catalogue()
    original = ServiceVersion.objects.get(item__code="FOOD-LIC")

    # when the demo's wording of one service changes and it is seeded again
    changed = {**DEMO_SERVICES[2], "version": {**DEMO_SERVICES[2]["version"]}}
    assert changed["code"] == "FOOD-LIC"
    changed["version"]["promised_limit_days"] = 3
    monkeypatch.setattr(
        "demo.catalogue.DEMO_SERVICES",
        (*DEMO_SERVICES[:2], changed, *DEMO_SERVICES[3:]),
    )
    assert seed_catalogue() == 1

    # then version 1 is retired untouched and version 2 is published with the new limit
    original.refresh_from_db()
    assert original.status == VersionStatus.RETIRED
    assert original.promised_limit_days == 5
    latest = ServiceVersion.objects.get(item__code="FOOD-LIC", status=VersionStatus.PUBLISHED)
    assert (latest.number, latest.promised_limit_days) == (2, 3)


def test_seed_demo_seeds_the_catalogue_and_says_how_many(db):
    def seed() -> str:
        out = StringIO()
        with translation.override("en"):
            call_command("seed_demo", password="demo-password-for-tests", stdout=out)
        return out.getvalue()

    first = seed()
    second = seed()

    assert f"Service catalogue: {len(DEMO_SERVICES)} services published or updated." in first
    assert "The service catalogue is already in place; nothing changed." in second
    assert ServiceVersion.objects.filter(status=VersionStatus.PUBLISHED).count() == len(
        DEMO_SERVICES
    )


def _schema_texts(node, path="form_schema"):
    """Every (path, English key, Chinese key, node) of a schema that carries a text to show."""
    if isinstance(node, dict):
        for english, chinese in (("title", "x-title-zh"), ("description", "x-description-zh")):
            if isinstance(node.get(english), str):
                yield path, english, chinese, node
        for key, value in node.items():
            yield from _schema_texts(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _schema_texts(value, f"{path}[{index}]")


def test_every_text_of_the_demo_forms_has_its_chinese():
    from demo.catalogue import DEMO_SERVICES

    missing = [
        f"{spec['item']['code']}: {path}.{english}"
        for spec in DEMO_SERVICES
        for path, english, chinese, node in _schema_texts(spec["version"]["form_schema"])
        if not node.get(chinese)
    ]

    assert missing == []
