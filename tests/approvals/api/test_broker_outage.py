"""The broker stops while citizens submit: every acknowledged submission is stored, and the work
it queued (the receipt's PDF, the outbox fan-out) reaches the broker and drains once it is back.

The broker is kombu's filesystem transport in a folder of this test's own; "stopping" it takes its
queue folder away, as a full or unmounted disk would.
"""

import base64
import json
from pathlib import Path

import pytest
from kombu import pools as kombu_pools

from approvals.models import Application, Document
from portal.celery import app as celery_app
from tests.approvals.api.conftest import ready_draft, token_client

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broker(settings, tmp_path, monkeypatch):
    # Saved before the settings change: Celery reads the Django settings live, and restoring a
    # value read after the change would pin it for every later test of this worker.
    saved = {
        key: celery_app.conf[key]
        for key in ("broker_url", "broker_transport_options", "task_always_eager")
    }
    settings.CELERY_TASK_ALWAYS_EAGER = False
    folder = tmp_path / "queue"
    folder.mkdir()
    monkeypatch.setenv("CELERY_BROKER_URL", "filesystem://")
    celery_app.conf.update(
        broker_url="filesystem://",
        broker_transport_options={
            "data_folder_in": str(folder),
            "data_folder_out": str(folder),
            "control_folder": str(folder.parent / "control"),
        },
        task_always_eager=False,
        broker_connection_retry=False,
    )
    _reset_connections()
    yield folder
    celery_app.conf.update(saved)
    _reset_connections()


def _reset_connections() -> None:
    """New broker settings take effect only on new connections. The app's connection pool is
    kombu's process-wide pool for the broker's address: close AND forget every such pool, or the
    next test that reaches the same broker is handed the closed one ("Acquire on closed pool")."""
    kombu_pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def _drain(folder: Path) -> list[str]:
    """Run every queued message as a worker would (oldest first), until none is left."""
    ran = []
    while messages := sorted(folder.glob("*.msg")):
        for path in messages:
            raw = json.loads(path.read_text())
            path.unlink()
            args, kwargs, _embed = json.loads(base64.b64decode(raw["body"]))
            name = raw["headers"]["task"]
            celery_app.tasks[name].apply(args=args, kwargs=kwargs).get()
            ran.append(name)
    return ran


def test_submissions_during_a_broker_outage_are_stored_and_their_work_drains_afterwards(
    broker, citizen, version
):
    drafts = [ready_draft(citizen, version) for _ in range(6)]
    api = token_client(citizen)
    stopped = broker.with_name("queue-away")
    acknowledged = []

    for index, draft in enumerate(drafts):
        if index == 2:
            broker.rename(stopped)  # the broker goes away
        if index == 4:
            stopped.rename(broker)  # and comes back
        response = api.post(
            f"/api/v1/applications/{draft.pk}/submit/", HTTP_IDEMPOTENCY_KEY=f"k-{index}"
        )
        if response.status_code == 201:
            acknowledged.append(draft.pk)

    # every submission was acknowledged, the two during the outage included, and stored
    assert acknowledged == [draft.pk for draft in drafts]
    submitted = Application.objects.filter(pk__in=acknowledged, status="submitted")
    assert submitted.count() == len(drafts)
    # the work queued while the broker was up drains; the sweep queues the rest again
    _drain(broker)
    from approvals.services.documents import documents_render_sweep

    swept = documents_render_sweep(now=_later())
    assert len(swept) == 2  # the two receipts whose render task never reached the broker
    _drain(broker)
    receipts = Document.objects.filter(application__in=acknowledged)
    assert receipts.count() == len(drafts)
    assert not receipts.filter(sha256="").exists()
    assert list(broker.glob("*.msg")) == []


def _later():
    from django.utils import timezone

    from approvals.services.documents import RENDER_GRACE

    return timezone.now() + RENDER_GRACE * 2
