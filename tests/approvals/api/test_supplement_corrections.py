"""A supplement notice that asks for a corrected answer, through the API: the window lists the
field, the applicant sends the corrected value with the answer."""

import pytest

from approvals.models import Application
from tests.approvals.api.conftest import session_client, token_client
from tests.support import in_days

pytestmark = pytest.mark.django_db


def test_the_window_asks_for_a_field_and_the_applicant_corrects_it(submitted, clerk, citizen):
    asked = session_client(clerk, verified=True).post(
        f"/api/v1/intake/applications/{submitted.pk}/request-supplement/",
        {
            "revision": submitted.revision,
            "items": [{"field": "shop_name", "problem": "与租赁合同不一致"}],
            "reply_by": in_days(10).isoformat(),
        },
        format="json",
    )
    assert asked.status_code in (200, 201), asked.content

    refused = token_client(citizen).post(
        f"/api/v1/applications/{submitted.pk}/supplement-answer/", {}, format="json"
    )
    assert refused.status_code == 422
    answered = token_client(citizen).post(
        f"/api/v1/applications/{submitted.pk}/supplement-answer/",
        {"corrections": {"shop_name": "王记面馆"}},
        format="json",
    )

    assert answered.status_code == 200, answered.content
    assert Application.objects.get(pk=submitted.pk).data["shop_name"] == "王记面馆"
