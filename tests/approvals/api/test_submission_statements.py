"""A submission through the API runs a fixed, small number of SQL statements (issue 12: 200
submissions a second on two cores; every statement is a round trip and database CPU, and those
after the counters' UPDATE hold the counter rows until the commit)."""

import pytest

from approvals.models import Application, Document, IdempotencyRecord, Notification
from audit.models import AuditEvent
from tests.approvals.api.conftest import ready_draft, token_client

# The request as a whole: the token, the Idempotency-Key's record, the permission read, the
# submission's transaction (application, attachments, materials, key, tracking number, status,
# webhook outbox, receipt and its number, audit chain) and the notifications after the commit
# (everyone told in one insert, the window's clerks in one read).
# 37 before the issue-12 round of 2026-12-07 (on PostgreSQL, where savepoints and the
# transactions' BEGIN/COMMIT count too; tests run inside a transaction, so fewer here); 31
# before the sixth round (the receipt looked for an earlier one, the notices took two inserts
# and the window's clerks two reads).
SUBMISSION_STATEMENTS = 28


@pytest.fixture
def queued(monkeypatch):
    """The tasks the submission queues, recorded instead of run (their own work is the worker's,
    not the request's)."""
    names = []
    monkeypatch.setattr("portal.queueing.enqueue", lambda task, *args: names.append(str(task)))
    return names


def test_an_api_submission_runs_a_fixed_number_of_statements(
    citizen,
    version,
    clerk,
    queued,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    # The day's first submission creates the day's counters and reads the calendar: the
    # steady state is the next one.
    earlier, draft = ready_draft(citizen, version), ready_draft(citizen, version)
    api = token_client(citizen)
    with django_capture_on_commit_callbacks(execute=True):
        api.post(f"/api/v1/applications/{earlier.pk}/submit/", HTTP_IDEMPOTENCY_KEY="earlier")
    queued.clear()
    url = f"/api/v1/applications/{draft.pk}/submit/"

    with (
        django_assert_max_num_queries(SUBMISSION_STATEMENTS),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = api.post(url, HTTP_IDEMPOTENCY_KEY="statements-1")

    # Nothing was left out to save the statements: stored with its number, the receipt (Art. 32),
    # the audit events, the applicant and the window told, the key's answer kept for a replay.
    assert response.status_code == 201
    application = Application.objects.get(pk=draft.pk)
    assert application.status == "submitted"
    assert response.json()["tracking_number"] == application.tracking_number
    receipt = Document.objects.get(application=application, kind="receipt")
    assert receipt.context["tracking_number"] == application.tracking_number
    assert receipt.context["applicant"]["name"] == "王芳"
    assert receipt.context["received_on"] == application.received_on.isoformat()
    actions = set(
        AuditEvent.objects.filter(object_id__in=[str(application.pk), str(receipt.pk)]).values_list(
            "action", flat=True
        )
    )
    assert {"application.submitted", "document.issued"} <= actions
    told = dict(Notification.objects.filter(application=application).values_list("user", "kind"))
    assert told == {citizen.pk: "application.submitted", clerk.pk: "intake.new_application"}
    record = IdempotencyRecord.objects.get(user=citizen, key="statements-1")
    assert (record.state, record.response_status) == ("done", 201)
    assert "approvals.tasks.document_render_task" in queued
    # The applicant's and the window's email and SMS go out through one message to the broker.
    assert queued.count("approvals.tasks.notifications_send_task") == 1
    assert "approvals.tasks.notification_send_task" not in queued
