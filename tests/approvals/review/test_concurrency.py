"""Two officials deciding one task at the same moment: exactly one outcome and one audit event
(PostgreSQL row locks; SQLite serialises whole transactions, so the test runs on PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from accounts.models import OfficialRole
from approvals.models import ReviewTask
from approvals.services.tasks import StaleTask, task_approve, task_reject
from approvals.services.workflow import workflow_start
from audit.models import AuditEvent
from tests.factories import OfficialFactory

from .conftest import task_of

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_two_officials_deciding_one_task_give_one_outcome(demo, make_accepted):
    application = make_accepted()
    workflow_start(actor=demo.clerk, application=application)
    task = task_of(application, "planning")
    colleague = OfficialFactory(department=demo.natres, role=OfficialRole.REVIEWER).user
    revision = task.revision
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(name, call):
        try:
            barrier.wait()
            call()
            outcomes.append((name, "done"))
        except StaleTask:
            outcomes.append((name, "stale"))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(
            target=decide,
            args=(
                "approve",
                lambda: task_approve(
                    actor=demo.reviewers["planning"], task=task, revision=revision
                ),
            ),
        ),
        threading.Thread(
            target=decide,
            args=(
                "reject",
                lambda: task_reject(
                    actor=colleague, task=task, revision=revision, reasons="Height exceeded"
                ),
            ),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(result for _, result in outcomes) == ["done", "stale"]
    winner = next(name for name, result in outcomes if result == "done")
    task = ReviewTask.objects.get(pk=task.pk)
    assert task.status == {"approve": "approved", "reject": "rejected"}[winner]
    decided = AuditEvent.objects.filter(
        action__in=["task.approved", "task.rejected"], object_id=str(task.pk)
    )
    assert decided.count() == 1
