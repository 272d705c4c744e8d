"""A double-clicked submit through the API: two simultaneous requests with one Idempotency-Key
make one application; the second waits and replays, or is told the first is still running
(PostgreSQL; SQLite serialises whole transactions)."""

import threading

import pytest
from django.db import connection, connections

from approvals.models import Application
from audit.models import AuditEvent
from tests.approvals.api.conftest import ready_draft, token_client

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers"),
]


def test_two_simultaneous_submissions_with_one_key_make_one_application(citizen, version):
    draft = ready_draft(citizen, version)
    url = f"/api/v1/applications/{draft.pk}/submit/"
    clients = [token_client(citizen), token_client(citizen)]
    barrier = threading.Barrier(2)
    statuses = []

    def submit(client):
        try:
            barrier.wait()
            statuses.append(client.post(url, HTTP_IDEMPOTENCY_KEY="double-click").status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(statuses) in ([201, 201], [201, 409])
    assert Application.objects.filter(created_by=citizen, status="submitted").count() == 1
    assert AuditEvent.objects.filter(action="application.submitted").count() == 1
