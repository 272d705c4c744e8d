"""The API shows an application's answers as the pages do: the resident ID number prefilled from
the applicant's identity is masked, and an official's read of a case file is audited."""

import copy

import pytest

from accounts.identifiers import mask_id_number
from audit.models import AuditEvent
from tests.approvals.api.conftest import session_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_id_number(world, citizen):
    """The world's applications ask for the ID number, prefilled from the applicant's identity."""
    version = world.application.service_version
    schema = copy.deepcopy(version.form_schema)
    schema["properties"]["id_number"] = {
        "type": "string",
        "title": "ID number",
        "x-prefill": "person.id_number",
    }
    schema["x-steps"][0]["fields"].append("id_number")
    type(version).objects.filter(pk=version.pk).update(form_schema=schema)  # a published one
    for application in (world.application, world.draft):
        application.data = {**application.data, "id_number": citizen.person.id_number}
        application.save(update_fields=["data"])
    return citizen.person.id_number


def test_the_task_detail_masks_the_id_number_and_records_the_read(world, reviewer, with_id_number):
    # Given a reviewer with the application's task
    client = session_client(reviewer, verified=True)

    # When they read the task through the API
    response = client.get(f"/api/v1/tasks/{world.task.pk}/")

    # Then the ID number is masked as on the page, and the read is in the case file's history
    assert response.status_code == 200
    assert response.json()["data"]["id_number"] == mask_id_number(with_id_number)
    assert with_id_number not in response.content.decode()
    event = AuditEvent.objects.get(action="application.viewed", actor=reviewer)
    assert event.changes == {"page": [None, "task"]}


def test_the_intake_detail_masks_the_id_number_and_records_the_read(world, clerk, with_id_number):
    # Given the application is back at the window
    world.application.status = "submitted"
    world.application.save(update_fields=["status"])
    client = session_client(clerk, verified=True)

    # When the clerk reads it through the API
    response = client.get(f"/api/v1/intake/applications/{world.application.pk}/")

    # Then the ID number is masked, and the read is audited
    assert response.status_code == 200
    assert response.json()["data"]["id_number"] == mask_id_number(with_id_number)
    event = AuditEvent.objects.get(action="application.viewed", actor=clerk)
    assert event.changes == {"page": [None, "intake"]}


def test_the_applicant_sees_their_own_number_masked_as_on_their_page(
    world, citizen, with_id_number
):
    # Given the applicant's draft holds their ID number
    client = session_client(citizen)

    # When they read it through the API
    response = client.get(f"/api/v1/applications/{world.draft.pk}/")

    # Then it is masked like on the form and review pages (the field is locked: saving the
    # answers keeps the number from the applicant's identity)
    assert response.status_code == 200
    assert response.json()["data"]["id_number"] == mask_id_number(with_id_number)
