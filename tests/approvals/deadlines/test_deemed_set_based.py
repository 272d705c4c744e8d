"""Deemed acceptance (Art. 32) in a catch-up is set-based: the sweep's statements do not grow
with the number of applications it deems accepted, and an application deemed inside a batch ends
exactly as it does deemed alone."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import OfficialRole
from approvals.models import Application, Document, Notification, OutboxEvent, ReviewTask
from approvals.selectors.audit_labels import action_label, change_sentences
from approvals.services import sweep
from approvals.services.deadlines import application_deadlines_refresh
from approvals.services.sweep import sweep_deadlines
from audit.chain import audit_chain_append, verify_chain
from audit.models import AuditEvent
from tests.approvals.deadlines.conftest import joint_stages, single_stage
from tests.approvals.supervision.support import (
    assert_same_statistics,
    reference_running,
    shown_running,
)
from tests.factories import (
    ApplicationFactory,
    DepartmentFactory,
    OfficialFactory,
    ServiceVersionFactory,
)

D = dt.date
RECEIVED = D(2025, 1, 24)  # intake due 2025-02-07
SWEEP_DAY = D(2025, 2, 10)


@pytest.fixture
def services(department, window, clerk, reviewer):
    """Two services: one department's single review, and a joint review of two departments."""
    other = DepartmentFactory(code="other", region_code=department.region_code)
    OfficialFactory(department=other, role=OfficialRole.REVIEWER)
    return [
        ServiceVersionFactory(
            item__department=department,
            published=True,
            statutory_limit_days=20,
            promised_limit_days=10,
            workflow_definition=single_stage("market"),
        ),
        ServiceVersionFactory(
            item__department=department,
            published=True,
            statutory_limit_days=45,
            promised_limit_days=10,
            workflow_definition=joint_stages("market", "other"),
        ),
    ]


def _due(version, n) -> list[Application]:
    applications = []
    for _ in range(n):
        application = ApplicationFactory(
            submitted=True, service_version=version, received_on=RECEIVED
        )
        application_deadlines_refresh(application=application)
        applications.append(application)
    return applications


def _writes_merged(queries) -> list[str]:
    """The statements, a bulk write split into chunks by the database's limit of parameters per
    statement (999 on SQLite) counted once: consecutive INSERTs into (UPDATEs of) one table."""
    merged: list[str] = []
    for query in queries:
        sql = query["sql"]
        words = sql.split()
        head = (" ".join(words[:3]) if words[0] == "INSERT" else " ".join(words[:2])).removesuffix(
            ","
        )
        if words[0] in ("INSERT", "UPDATE") and merged and merged[-1] == head:
            continue
        merged.append(head if words[0] in ("INSERT", "UPDATE") else sql)
    return merged


def _catch_up_statements(services, counts) -> int:
    due = [a for version, n in zip(services, counts, strict=True) for a in _due(version, n)]
    with CaptureQueriesContext(connection) as context:
        report = sweep_deadlines(today=SWEEP_DAY)
    assert sorted(report.deemed_accepted) == sorted(a.pk for a in due)
    return len(_writes_merged(context.captured_queries))


@pytest.mark.django_db
def test_a_catch_up_costs_the_same_statements_for_3_or_30_applications(services):
    # (the first catch-up's one-time work: the calendar read, the counters' rows created)
    _catch_up_statements(services, [1, 1])
    # given 3, then 30 applications of two services past their 5 working days at the window
    few = _catch_up_statements(services, [2, 1])
    many = _catch_up_statements(services, [15, 15])

    # then the catch-up that deems 30 accepted runs as many statements as the one that deems 3
    assert many == few
    assert Application.objects.filter(status="under_review", deemed_accepted=True).count() == 35
    # each with its first stage's tasks: one for the single review, two for the joint one
    assert ReviewTask.objects.filter(status="open").count() == 18 * 1 + 17 * 2
    assert verify_chain() is None


# --- one alone, the same one in a batch ---------------------------------------------------------


class Queued:
    """What the acceptance queues for the worker, recorded as it is queued."""

    def __init__(self, monkeypatch):
        self.tasks: list[tuple[str, tuple]] = []

        class Immediately:
            @staticmethod
            def on_commit(callback, *args, **kwargs):
                callback()

        monkeypatch.setattr("portal.queueing.transaction", Immediately)
        monkeypatch.setattr(
            "portal.queueing.enqueue", lambda task, *args: self.tasks.append((task, args))
        )


def _without_ids(changes: dict) -> dict:
    return {k: v for k, v in changes.items() if k not in ("tasks", "application", "number")}


def _outcome(application: Application, queued: Queued) -> dict:
    """Everything deeming ``application`` accepted leaves behind, without row ids."""
    application.refresh_from_db()
    tasks = list(ReviewTask.objects.filter(application=application).order_by("branch_key"))
    documents = list(Document.objects.filter(application=application).order_by("kind"))
    task_ids = {str(task.pk) for task in tasks}
    document_ids = {str(document.pk) for document in documents}
    events = [
        event
        for event in AuditEvent.objects.filter(
            object_type__in=["approvals.application", "approvals.reviewtask", "approvals.document"]
        ).order_by("sequence")
        if (event.object_type, event.object_id) == ("approvals.application", str(application.pk))
        or (event.object_type == "approvals.reviewtask" and event.object_id in task_ids)
        or (event.object_type == "approvals.document" and event.object_id in document_ids)
    ]
    notifications = Notification.objects.filter(application=application)
    queued_notifications = {
        pk
        for name, args in queued.tasks
        if "notification" in name
        for pk in (args[0] if isinstance(args[0], list) else [args[0]])
    }
    rendered = {args[0] for name, args in queued.tasks if name.endswith("document_render_task")}
    dispatched = {args[0] for name, args in queued.tasks if name.endswith("webhook_dispatch_task")}
    outbox = OutboxEvent.objects.filter(application=application).order_by("pk")
    return {
        "application": {
            field: getattr(application, field)
            for field in (
                "status",
                "deemed_accepted",
                "accepted_on",
                "intake_due_on",
                "decision_due_on",
                "promised_due_on",
                "decision_due_provisional",
                "promised_due_provisional",
                "current_stage_key",
                "workflow_round",
                "revision",
            )
        },
        "tasks": [
            (
                t.stage_key,
                t.branch_key,
                t.status,
                t.department_id,
                t.role,
                t.round,
                t.due_on,
                t.due_provisional,
            )
            for t in tasks
        ],
        "events": [
            (
                event.action,
                str(action_label(event.action)),
                event.actor_label,
                event.reason,
                event.on_behalf_of,
                _without_ids(event.changes),
                [s for s in map(str, change_sentences(event)) if not any(c.isdigit() for c in s)],
            )
            for event in events
        ],
        "notifications": sorted(
            (n.user_id, n.kind, n.title, n.body, n.pk in queued_notifications)
            for n in notifications
        ),
        "documents": [
            (
                d.kind,
                d.department_id,
                {k: v for k, v in d.context.items() if k != "number"},
                d.pk in rendered,
            )
            for d in documents
        ],
        "outbox": [(o.status, o.payload, o.pk in dispatched) for o in outbox],
    }


def _deemed(batch: list[Application], one: Application, queued: Queued) -> dict:
    """``one``'s outcome when the sweep deems ``batch`` accepted, then undone."""
    sid = transaction.savepoint()
    with audit_chain_append():
        sweep._deem_accepted_batch([a.pk for a in batch], SWEEP_DAY)
    outcome = _outcome(one, queued)
    transaction.savepoint_rollback(sid)
    queued.tasks.clear()
    return outcome


@pytest.mark.django_db(transaction=False)
def test_an_application_deemed_in_a_batch_ends_as_deemed_alone(services, monkeypatch):
    queued = Queued(monkeypatch)
    # given applications of two services, past their 5 working days at the window
    single, joint = services
    before = _due(single, 2)
    one = _due(joint, 1)[0]
    after = _due(joint, 2) + _due(single, 1)

    # when it is deemed accepted alone, and (undone) with the others in one batch
    alone = _deemed([one], one, queued)
    in_batch = _deemed([*before, one, *after], one, queued)

    # then it ends the same: status, dates, tasks, events, notices, documents, outbox, queue
    assert alone["application"]["status"] == "under_review"
    assert len(alone["tasks"]) == 2 and alone["events"] and alone["notifications"]
    assert [e[0] for e in alone["events"]] == [
        "document.issued",
        "application.deemed_accepted",
        "task.created",
        "task.created",
    ]
    assert all(queued for *_rest, queued in alone["notifications"])
    assert alone["documents"][0][-1] and alone["outbox"][-1][-1]
    for key, value in alone.items():
        assert in_batch[key] == value, key


@pytest.mark.django_db
def test_the_statistics_and_the_open_task_ledger_stay_exact_after_a_set_based_catch_up(services):
    from approvals.services.supervision_rollup import statistics_rollup

    # given applications waiting at the window, the statistics rolled up
    _due(services[0], 4)
    _due(services[1], 3)
    statistics_rollup()

    # when one catch-up deems them all accepted
    assert len(sweep_deadlines(today=SWEEP_DAY).deemed_accepted) == 7

    # then the figures read from the ledgers equal those counted from the rows
    assert_same_statistics()
    assert shown_running() == reference_running()
    statistics_rollup()
    assert_same_statistics()
