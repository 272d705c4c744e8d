"""好差评 through the API: the applicant rates a decided application once; a bad grade opens a
rectification task; the rules are the page's (rating_submit)."""

import pytest

from approvals.models import Application, RectificationTask
from audit.models import AuditEvent
from tests.approvals.api.conftest import token_client

pytestmark = pytest.mark.django_db


def test_the_applicant_rates_a_decided_application_once(citizen, make_submitted):
    application = make_submitted(status="under_review")
    client = token_client(citizen)
    url = f"/api/v1/applications/{application.pk}/rating/"

    # before the decision: refused, with the reason on the field
    early = client.post(url, {"grade": 5}, format="json")
    assert early.status_code == 422
    assert "grade" in early.json()["errors"]

    # once decided: a grade of 2 is recorded and opens a rectification task
    Application.objects.filter(pk=application.pk).update(status="denied")
    rated = client.post(url, {"grade": 2, "comment": "等待太久"}, format="json")
    assert rated.status_code == 201, rated.json()
    assert rated.json()["grade"] == 2 and rated.json()["rectification_opened"] is True
    assert RectificationTask.objects.filter(rating__application=application).count() == 1
    assert AuditEvent.objects.filter(action="rating.submitted").count() == 1

    # a second rating is refused; a grade outside 1–5 is a field error
    assert client.post(url, {"grade": 4}, format="json").status_code == 422
    assert client.post(url, {"grade": 9}, format="json").status_code == 400
