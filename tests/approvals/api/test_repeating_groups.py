"""A repeating group (a JSON Schema array of objects) is answered through the API as a JSON
array, as the reference describes it; form-set machinery never shows in a request or an answer."""

import json

import pytest

from approvals.models import Application
from demo.catalogue import CONSTRUCTION_PLANNING_PERMIT
from tests.approvals.api.conftest import token_client
from tests.factories import ServiceItemFactory, ServiceVersionFactory


def _buildings_step_only(schema: dict) -> dict:
    """The planning permit's "buildings" step (a repeating group beside plain fields) alone."""
    [step] = [step for step in schema["x-steps"] if step["key"] == "buildings"]
    return {
        "type": "object",
        "properties": {name: schema["properties"][name] for name in step["fields"]},
        "required": [name for name in schema["required"] if name in step["fields"]],
        "x-steps": [step],
    }


SCHEMA = _buildings_step_only(CONSTRUCTION_PLANNING_PERMIT["version"]["form_schema"])


@pytest.fixture
def draft(bureau, citizen):
    ServiceVersionFactory(
        item=ServiceItemFactory(code="JSGC", department=bureau),
        form_schema=SCHEMA,
        materials=[],
        published=True,
    )
    client = token_client(citizen)
    made = client.post("/api/v1/applications/", {"service": "JSGC"}, format="json")
    assert made.status_code == 201, made.json()
    return client, made.json()


def _put(client, draft, values):
    return client.put(
        f"/api/v1/applications/{draft['id']}/steps/buildings/",
        {"values": values, "revision": draft["revision"]},
        format="json",
    )


def test_a_repeating_group_is_saved_from_a_json_array(draft):
    client, application = draft

    response = _put(
        client,
        application,
        {
            "buildings": [
                {"name": "1号楼", "floors_above": 6, "height": 21.5, "floor_area": 4200},
                {"name": "2号楼", "floors_above": 3, "height": 12, "floor_area": 1800},
            ],
            "designer": "福州市建筑设计院",
            "truthful": True,
        },
    )

    assert response.status_code == 200, response.json()
    stored = Application.objects.get(pk=application["id"]).data
    assert [row["name"] for row in stored["buildings"]] == ["1号楼", "2号楼"]
    assert stored["buildings"][0]["floors_above"] == 6
    assert stored["designer"] == "福州市建筑设计院"


def test_errors_in_a_row_name_the_row_and_never_the_form_set(draft):
    client, application = draft

    missing = _put(client, application, {"designer": "设计院", "truthful": True})
    bad_row = _put(
        client,
        application,
        {
            "buildings": [{"name": "1号楼", "floors_above": 0, "height": 9, "floor_area": 90}],
            "truthful": True,
        },
    )

    assert missing.status_code == 400
    assert list(missing.json()["errors"]) == ["buildings"]
    assert bad_row.status_code == 400
    assert set(bad_row.json()["errors"]) == {"designer", "buildings[0].floors_above"}
    for response in (missing, bad_row):
        text = json.dumps(response.json(), ensure_ascii=False)
        assert "TOTAL_FORMS" not in text and "ManagementForm" not in text
        assert "buildings-0" not in text


def test_form_set_fields_sent_by_the_caller_are_ignored(draft):
    client, application = draft

    response = _put(
        client,
        application,
        {
            "buildings-TOTAL_FORMS": "1000",
            "add__buildings": "",
            "buildings": [{"name": "A", "floors_above": 1, "height": 3, "floor_area": 20}],
            "designer": "设计院",
            "truthful": True,
        },
    )

    assert response.status_code == 200, response.json()
    assert len(Application.objects.get(pk=application["id"]).data["buildings"]) == 1


def test_the_reference_describes_repeating_groups_as_arrays(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()

    assert "repeating group" in schema and "array of objects" in schema
