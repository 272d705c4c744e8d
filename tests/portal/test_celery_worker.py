"""A real Celery worker process consumes a task sent through a real broker.

The broker is Redis when ``CELERY_BROKER_URL`` is set (CI's PostgreSQL run), else kombu's
filesystem transport in a temporary folder, as ``make run`` uses under var/broker.
"""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings

from portal.tasks import held_ping, ping
from tests.support import WORKER_WAIT_SECONDS, stop_process, wait_for_worker

pytestmark = pytest.mark.celery_worker


@pytest.fixture
def broker(tmp_path):
    """The broker URL and transport options that both the worker and the sender use."""
    url = os.environ.get("CELERY_BROKER_URL", "")
    if url and not url.startswith("filesystem://"):
        return {"url": url, "transport_options": {}, "env": {"CELERY_BROKER_URL": url}}
    # The worker runs the embedded settings with PORTAL_VAR_DIR here, so its broker folders are:
    broker_dir = tmp_path / "var" / "broker"
    options = {
        "data_folder_in": str(broker_dir / "queue"),
        "data_folder_out": str(broker_dir / "queue"),
        "processed_folder": str(broker_dir / "processed"),
        "control_folder": str(broker_dir / "control"),
    }
    for folder in options.values():
        Path(folder).mkdir(parents=True, exist_ok=True)
    return {
        "url": "filesystem://",
        "transport_options": options,
        "env": {"CELERY_BROKER_URL": "filesystem://", "PORTAL_VAR_DIR": str(tmp_path / "var")},
    }


@pytest.fixture
def queue():
    """A queue of this test's own, so that no other worker on the same broker takes the task."""
    return f"ping-{uuid.uuid4().hex}"


def _worker_environment(broker) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "PYTHONUNBUFFERED": "1",
        **broker["env"],
    }


def _start_worker(broker, queue, log_path, *options) -> subprocess.Popen:
    """``celery -A portal worker`` in a subprocess, with the development (non-eager) settings."""
    command = [
        sys.executable, "-m", "celery", "-A", "portal", "worker",
        "--loglevel=info", "-Q", queue, "-n", f"{queue}@%h",
        "--without-gossip", "--without-mingle", "--without-heartbeat", *options,
    ]  # fmt: skip
    with log_path.open("ab") as log:
        return subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=_worker_environment(broker),
            stdout=log,
            stderr=subprocess.STDOUT,
        )


@pytest.fixture
def worker(broker, queue, tmp_path):
    log_path = tmp_path / "worker.log"
    process = _start_worker(broker, queue, log_path, "--pool=solo")
    yield process, log_path
    stop_process(process)


@pytest.fixture
def sender(broker, queue):
    """A Celery app that really sends (the test settings run tasks eagerly, in-process)."""
    app = Celery("portal-test-sender", set_as_current=False)
    app.conf.update(
        broker_url=broker["url"],
        broker_transport_options=broker["transport_options"],
        task_always_eager=False,
    )
    yield app
    with app.connection_for_write() as connection:
        connection.default_channel.queue_delete(queue)
    app.close()


def test_worker_runs_a_task_sent_through_the_broker(worker, sender, queue, tmp_path):
    process, log_path = worker
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    token = uuid.uuid4().hex

    sender.send_task(ping.name, args=[token, str(inbox)], queue=queue)

    pong = inbox / f"{token}.pong"
    deadline = time.monotonic() + WORKER_WAIT_SECONDS
    while not pong.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert pong.exists(), (
        f"the worker did not run the task within {WORKER_WAIT_SECONDS} s "
        f"(exit status {process.poll()}); its log:\n{log_path.read_text(errors='replace')}"
    )
    assert pong.read_text() == token


def test_ping_refuses_a_token_that_could_leave_its_folder(tmp_path):
    with pytest.raises(ValueError, match="token"):
        ping("../escape", str(tmp_path))

    assert list(tmp_path.iterdir()) == []


def _pool_processes(worker_pid: int) -> list[int]:
    children = Path(f"/proc/{worker_pid}/task/{worker_pid}/children").read_text().split()
    return [int(pid) for pid in children]


def test_a_task_whose_pool_processes_were_killed_runs_again_exactly_once(
    broker, queue, sender, tmp_path
):
    """kill -9 of every pool process while one holds a task: the replacement processes must not
    block on a lock the dead ones held, and the task must run again and finish exactly once."""
    log_path = tmp_path / "worker.log"
    # the configured pool (CELERY_WORKER_POOL), two processes: one busy, one idle
    process = _start_worker(broker, queue, log_path, "--concurrency=2")
    try:
        inbox = tmp_path / "inbox"
        inbox.mkdir()
        token = uuid.uuid4().hex
        sender.send_task(held_ping.name, args=[token, str(inbox)], queue=queue)
        wait_for_worker(
            lambda: any(inbox.glob(f"{token}.started.*")),
            process,
            log_path,
            "the task did not start",
        )
        time.sleep(0.5)  # the idle process is back waiting for work, holding the pipe's lock

        for pid in _pool_processes(process.pid):
            os.kill(pid, signal.SIGKILL)
        (inbox / f"{token}.release").touch()

        pong = inbox / f"{token}.pong"
        wait_for_worker(pong.exists, process, log_path, "the task did not run again")
        # and the pool still works: another task runs in the replacement processes
        later = uuid.uuid4().hex
        (inbox / f"{later}.release").touch()
        sender.send_task(held_ping.name, args=[later, str(inbox)], queue=queue)
        wait_for_worker(
            (inbox / f"{later}.pong").exists, process, log_path, "a later task did not run"
        )
    finally:
        stop_process(process)

    assert pong.read_text() == token
    assert len(list(inbox.glob(f"{token}.started.*"))) == 2  # killed once, run again
    assert len((inbox / f"{token}.done").read_text().split()) == 1  # its effect: once


def test_a_real_worker_beats_into_the_database_and_leaves_on_shutdown(broker, queue, tmp_path):
    """The heartbeat comes from the worker process itself (no beat): its row names its queue, is
    rewritten every WORKER_HEARTBEAT_SECONDS, and goes when the worker stops."""
    broker["env"]["PORTAL_VAR_DIR"] = str(tmp_path / "var")
    database = tmp_path / "var" / "db.sqlite3"
    database.parent.mkdir(exist_ok=True)
    environ = {**_worker_environment(broker), "DATABASE_URL": f"sqlite:///{database}"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=settings.BASE_DIR,
        env=environ,
        check=True,
        timeout=300,
    )
    broker["env"].update(DATABASE_URL=f"sqlite:///{database}", WORKER_HEARTBEAT_SECONDS="1")
    log_path = tmp_path / "worker.log"
    process = _start_worker(broker, queue, log_path, "--concurrency=1")

    def rows():
        with sqlite3.connect(database) as connection:
            return connection.execute(
                "SELECT hostname, queues, last_seen FROM approvals_workerheartbeat"
            ).fetchall()

    try:
        wait_for_worker(lambda: len(rows()) == 1, process, log_path, "no heartbeat row")
        hostname, queues, first_seen = rows()[0]
        wait_for_worker(
            lambda: rows()[0][2] != first_seen, process, log_path, "no second heartbeat"
        )
    finally:
        stop_process(process)

    assert hostname == f"{queue}@{socket.gethostname()}"
    assert queues == queue
    assert rows() == []  # a worker that stops says so; one that dies goes stale instead
