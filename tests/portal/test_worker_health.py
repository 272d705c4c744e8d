"""Worker heartbeats and waiting queues in /readyz and the admin index (portal/worker_health.py)."""

import os
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from approvals.models import WorkerHeartbeat
from portal.celery import app as celery_app
from portal.worker_health import Heartbeat, _sent_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def real_workers(settings, tmp_path, monkeypatch):
    """Tasks go to workers (not run in-process), through an empty filesystem broker of our own."""
    # Saved before the settings change (Celery reads the Django settings live): restoring a
    # value read after it would pin it for every later test of this worker.
    saved = {
        "broker_url": celery_app.conf.broker_url,
        "broker_transport_options": celery_app.conf.broker_transport_options,
        "task_always_eager": celery_app.conf.task_always_eager,
    }
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False
    folder = tmp_path / "queue"
    folder.mkdir()
    monkeypatch.setenv("CELERY_BROKER_URL", "filesystem://")
    celery_app.conf.broker_url = "filesystem://"
    celery_app.conf.broker_transport_options = {
        "data_folder_in": str(folder),
        "data_folder_out": str(folder),
        "control_folder": str(folder.parent / "control"),
    }
    yield folder
    celery_app.conf.update(saved)


def beat(hostname="w1@host", queues="celery,pdf", seen_ago=0, waiting_since_ago=None):
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        hostname=hostname,
        queues=queues,
        pid=123,
        started_at=now - timedelta(hours=1),
        last_seen=now - timedelta(seconds=seen_ago),
        oldest_waiting_since=(
            None if waiting_since_ago is None else now - timedelta(seconds=waiting_since_ago)
        ),
    )


def test_readyz_is_ok_with_a_fresh_worker_on_every_queue(client, real_workers):
    beat()

    response = client.get("/readyz")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["checked"] == ["database", "broker", "workers"]
    assert body["queues"]["celery"] == {"workers": 1, "oldest_task_seconds": None, "problems": []}
    assert body["queues"]["pdf"]["workers"] == 1


def test_readyz_fails_naming_the_queues_without_a_worker(client, real_workers):
    beat(queues="celery")

    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["queue:pdf"]
    assert body["queues"]["pdf"]["problems"] == ["no worker with a fresh heartbeat"]


def test_readyz_fails_when_the_only_heartbeat_is_stale(client, real_workers, settings):
    settings.WORKER_HEARTBEAT_STALE_SECONDS = 60
    beat(seen_ago=61)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["failed"] == ["queue:celery", "queue:pdf"]


def test_readyz_fails_when_a_beating_worker_does_not_start_what_it_received(
    client, real_workers, settings
):
    # a frozen pool: the main process still beats, the received task never starts
    settings.WORKER_STUCK_SECONDS = 120
    beat(waiting_since_ago=300)

    response = client.get("/readyz")

    assert response.status_code == 503
    problems = response.json()["queues"]["celery"]["problems"]
    assert problems and "has not started a task received 300 s ago" in problems[0]


def test_readyz_reports_the_age_of_the_oldest_queued_task_naming_the_queue(
    client, real_workers, settings
):
    settings.QUEUE_MAX_WAIT_SECONDS = 300
    beat()
    old = real_workers / "1_abc.pdf.msg"
    old.write_text("{}")
    os.utime(old, (time.time() - 900, time.time() - 900))
    (real_workers / "2_def.celery.msg").write_text("{}")

    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["queue:pdf"]
    assert body["queues"]["pdf"]["oldest_task_seconds"] >= 899
    assert body["queues"]["pdf"]["problems"] == ["the oldest task has waited 900 s"]
    assert body["queues"]["celery"]["oldest_task_seconds"] < 60


def test_readyz_does_not_name_worker_hosts(client, real_workers):
    beat(hostname="secret-host@10.0.0.7", queues="celery")

    response = client.get("/readyz")

    assert "secret-host" not in response.content.decode()
    assert "10.0.0.7" not in response.content.decode()


def test_a_heartbeat_writes_its_row_and_the_oldest_task_waiting(monkeypatch):
    from celery.worker import state

    heartbeat = Heartbeat("w9@host", ["pdf", "celery"])
    waiting = type("Request", (), {"id": "t-waiting"})()
    running = type("Request", (), {"id": "t-running"})()
    monkeypatch.setattr(state, "reserved_requests", {waiting, running})
    monkeypatch.setattr(state, "active_requests", {running})
    received = timezone.now() - timedelta(seconds=30)
    heartbeat.received_at.update({"t-waiting": received, "t-running": timezone.now()})

    heartbeat.beat()

    row = WorkerHeartbeat.objects.get(hostname="w9@host")
    assert row.queues == "celery,pdf"
    assert row.oldest_waiting_since == received
    assert timezone.now() - row.last_seen < timedelta(seconds=5)


def test_the_publish_time_is_read_from_a_redis_message():
    raw = b'{"body": "e30=", "headers": {"portal_sent_at": 1700000000.5, "task": "x"}}'

    assert _sent_at(raw) == 1700000000.5
    assert _sent_at(b"not json") is None


def test_the_admin_index_shows_the_queues_and_their_problems(
    verified_client_factory, admin_user, real_workers
):
    beat(queues="celery")

    admin = verified_client_factory(admin_user)

    page = admin.get("/admin/").content.decode()
    english = admin.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'id="worker-status"' in page
    assert "<td><strong>pdf</strong></td>" in page
    assert "没有心跳正常的工作进程" in page
    assert "no worker with a fresh heartbeat" in english
