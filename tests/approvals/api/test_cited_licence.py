"""材料复用 through the API: a material supplied by citing a licence has no file."""

import pytest

from approvals.models import Attachment
from tests.approvals.api.conftest import session_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def cited(world, citizen):
    return Attachment.objects.create(
        application=world.draft,
        material_key="food-licence",
        display_name=world.licence.number,
        content_type="",
        size=0,
        sha256="",
        scan_result="not_scanned",
        uploaded_by=citizen,
        cited_licence=world.licence,
    )


def test_downloading_a_cited_licence_answers_404_problem_details(world, citizen, cited):
    # Given the applicant's draft cites a licence instead of a file
    client = session_client(citizen)

    # When they ask for its content
    response = client.get(f"/api/v1/attachments/{cited.pk}/content/")

    # Then there is no file: 404 problem details naming the licence (not a server error)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
    assert world.licence.number in response.json()["detail"]


def test_the_application_shows_which_licence_a_material_cites(world, citizen, cited):
    client = session_client(citizen)

    attachments = client.get(f"/api/v1/applications/{world.draft.pk}/").json()["attachments"]

    by_key = {attachment["material_key"]: attachment for attachment in attachments}
    assert by_key["food-licence"]["cited_licence"] == world.licence.number
    assert by_key["lease"]["cited_licence"] is None
