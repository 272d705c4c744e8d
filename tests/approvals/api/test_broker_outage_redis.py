"""A real Redis broker stops while citizens submit: every acknowledged submission is stored, and
once it is back a real worker process drains the work, including what the outage lost.

The test starts its own ``redis-server`` (no persistence, as a restarted cache-like broker loses
what it held) on a free port, and a ``celery worker`` process on the same database. Redis is
installed by ``scripts/install-system-packages.sh --broker`` (``make test``) and ``--ci``; without
it the test is skipped.
"""

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connections
from django.utils import timezone
from kombu import pools as kombu_pools

from approvals.models import Application, Document, Notification
from approvals.services.documents import RENDER_GRACE, documents_render_sweep
from approvals.services.notifications import notifications_resend_sweep
from portal.celery import app as celery_app
from tests.approvals.api.conftest import ready_draft, token_client
from tests.support import stop_process, wait_for_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery_worker]

WAIT_SECONDS = 120


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """``redis-server`` as a child process that the test stops and starts again on one port."""

    def __init__(self, executable: str, folder):
        self.executable = executable
        self.folder = folder
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        log = (self.folder / "redis.log").open("ab")
        self.process = subprocess.Popen(
            [
                self.executable,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        client = redis.Redis(port=self.port)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise AssertionError(f"redis-server did not answer on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None

    def queued(self) -> dict[str, int]:
        client = redis.Redis(port=self.port)
        return {queue: client.llen(queue) for queue in ("celery", "pdf")}


@pytest.fixture
def redis_server(tmp_path):
    executable = shutil.which("redis-server")
    if executable is None:
        pytest.skip("redis-server is not installed (scripts/install-system-packages.sh --broker)")
    folder = tmp_path / "redis"
    folder.mkdir()
    server = RedisServer(executable, folder)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def shared_database(transactional_db, tmp_path):
    """A database URL the worker process reaches with the rows this test writes. PostgreSQL: the
    test database itself. SQLite's test database lives in this process's memory, so the test
    moves to a file copy of it (schema and triggers included) for its duration."""
    current = connections["default"]
    options = current.settings_dict
    if current.vendor == "postgresql":
        user = quote(options["USER"] or "", safe="")
        password = quote(options["PASSWORD"] or "", safe="")
        host, port = options["HOST"] or "127.0.0.1", options["PORT"] or 5432
        yield f"postgres://{user}:{password}@{host}:{port}/{options['NAME']}"
        return
    path = tmp_path / "shared.sqlite3"
    current.ensure_connection()
    copy = sqlite3.connect(path)
    current.connection.backup(copy)
    copy.close()
    on_file = type(current)({**options, "NAME": str(path)}, alias="default")
    connections["default"] = on_file
    try:
        yield f"sqlite:///{path}"
    finally:
        on_file.close()
        connections["default"] = current


@pytest.fixture
def publishing_to(settings, redis_server, monkeypatch):
    """This process publishes to the test's Redis (tests otherwise run tasks in-process)."""
    # Saved before the settings change: Celery reads the Django settings live (see
    # test_broker_outage.py), and kombu keeps connection pools per broker address.
    saved = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager")}
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # Celery prefers this variable to its broker_url (CI's PostgreSQL run sets it).
    monkeypatch.setenv("CELERY_BROKER_URL", redis_server.url)
    celery_app.conf.update(broker_url=redis_server.url, task_always_eager=False)
    _reset_connections()
    yield redis_server
    celery_app.conf.update(saved)
    _reset_connections()


def _reset_connections() -> None:
    kombu_pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def worker(shared_database, redis_server, tmp_path):
    """``celery -A portal worker`` on the default and PDF queues, with the embedded settings."""
    var = tmp_path / "var"
    var.mkdir()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "DJANGO_SECRET_KEY": django_settings.SECRET_KEY,
        "PYTHONUNBUFFERED": "1",
        "PORTAL_VAR_DIR": str(var),
        "DATABASE_URL": shared_database,
        "CELERY_BROKER_URL": redis_server.url,
    }
    log_path = tmp_path / "worker.log"
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "--loglevel=info",
                "-Q",
                "celery,pdf",
                "--pool=solo",
                "-n",
                f"outage-{redis_server.port}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=django_settings.BASE_DIR,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    worker = {"process": process, "log": log_path, "mail": var / "mail"}
    try:
        _wait_for(lambda: " ready." in log_path.read_text(errors="replace"), worker, "not ready")
        yield worker
    finally:
        stop_process(process)


def _wait_for(condition, worker, what: str) -> None:
    wait_for_worker(condition, worker["process"], worker["log"], what, seconds=WAIT_SECONDS)


def _emails_sent(worker) -> int:
    folder = worker["mail"]
    if not folder.exists():
        return 0
    return sum(
        path.read_text(errors="replace").count("\nMessage-ID: ") for path in folder.iterdir()
    )


def test_submissions_while_redis_is_down_are_stored_and_drained_by_a_real_worker(
    shared_database, publishing_to, worker, citizen, version, caplog
):
    redis_server = publishing_to
    drafts = [ready_draft(citizen, version) for _ in range(6)]
    api = token_client(citizen)
    acknowledged = []

    for index, draft in enumerate(drafts):
        if index == 2:
            redis_server.stop()  # the broker goes away, and what it held with it
        if index == 4:
            redis_server.start()  # and comes back, empty
        response = api.post(
            f"/api/v1/applications/{draft.pk}/submit/", HTTP_IDEMPOTENCY_KEY=f"k-{index}"
        )
        if response.status_code == 201:
            acknowledged.append(draft.pk)

    # the broker refused the work of the two submissions during the outage
    refused = [r for r in caplog.records if r.name == "portal.queueing"]
    assert refused and all("could not queue" in r.getMessage() for r in refused)
    # yet every submission was acknowledged, the two during the outage included, and stored
    assert acknowledged == [draft.pk for draft in drafts]
    assert Application.objects.filter(pk__in=acknowledged, status="submitted").count() == 6
    receipts = Document.objects.filter(application__in=acknowledged)
    notifications = Notification.objects.filter(application__in=acknowledged)
    assert receipts.count() == 6 and notifications.exists()

    # the worker, back on the broker, takes what reached it; the work the outage lost waits
    _wait_for(
        lambda: redis_server.queued() == {"celery": 0, "pdf": 0}, worker, "messages not taken"
    )
    # when the periodic sweeps run (after their grace periods) they queue the lost work again
    later = timezone.now() + max(
        RENDER_GRACE * 2,
        timezone.timedelta(seconds=2 * django_settings.NOTIFICATION_RESEND_GRACE_SECONDS),
    )
    assert documents_render_sweep(now=later)
    assert notifications_resend_sweep(now=later)["queued"]

    # then the worker drains it all: every receipt rendered, every notification sent exactly once
    _wait_for(lambda: not receipts.filter(sha256="").exists(), worker, "receipts left unrendered")
    _wait_for(
        lambda: not notifications.filter(sent_at__isnull=True).exists(),
        worker,
        "notifications left unsent",
    )
    _wait_for(
        lambda: redis_server.queued() == {"celery": 0, "pdf": 0}, worker, "messages left queued"
    )
    assert _emails_sent(worker) == notifications.count()
