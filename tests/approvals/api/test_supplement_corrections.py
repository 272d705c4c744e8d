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


def test_a_reviewer_asks_for_a_field_during_review_and_the_applicant_corrects_it(
    submitted, clerk, reviewer, citizen
):
    from approvals.models import ReviewTask
    from approvals.services.intake import intake_accept

    intake_accept(actor=clerk, application=submitted, revision=submitted.revision)
    task = ReviewTask.objects.get(application=submitted, status="open")
    client = session_client(reviewer, verified=True)
    url = f"/api/v1/tasks/{task.pk}/return-to-applicant/"
    # registry data (一数一源) is not the applicant's to correct
    locked = client.post(
        url,
        {
            "revision": task.revision,
            "items": [{"field": "applicant_name", "problem": "?"}],
        },
        format="json",
    )
    assert locked.status_code == 422, locked.content

    asked = client.post(
        url,
        {"revision": task.revision, "items": [{"field": "shop_name", "problem": "与执照不一致"}]},
        format="json",
    )
    assert asked.status_code == 200, asked.content
    answered = token_client(citizen).post(
        f"/api/v1/applications/{submitted.pk}/supplement-answer/",
        {"corrections": {"shop_name": "王记面馆"}},
        format="json",
    )

    assert answered.status_code == 200, answered.content
    stored = Application.objects.get(pk=submitted.pk)
    assert (stored.status, stored.data["shop_name"]) == ("under_review", "王记面馆")
