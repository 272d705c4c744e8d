"""A real Celery worker process consumes a task sent through a real broker.

The broker is Redis when ``CELERY_BROKER_URL`` is set (CI's PostgreSQL run), else kombu's
filesystem transport in a temporary folder, as ``make run`` uses under var/broker.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings

from portal.tasks import ping

pytestmark = pytest.mark.celery_worker

WAIT_SECONDS = 30


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


@pytest.fixture
def worker(broker, queue, tmp_path):
    """``celery -A portal worker`` in a subprocess, with the development (non-eager) settings."""
    log_path = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "PYTHONUNBUFFERED": "1",
        **broker["env"],
    }
    command = [
        sys.executable, "-m", "celery", "-A", "portal", "worker",
        "--pool=solo", "--loglevel=info", "-Q", queue, "-n", f"{queue}@%h",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    yield process, log_path
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


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
    deadline = time.monotonic() + WAIT_SECONDS
    while not pong.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert pong.exists(), (
        f"the worker did not run the task within {WAIT_SECONDS} s "
        f"(exit status {process.poll()}); its log:\n{log_path.read_text(errors='replace')}"
    )
    assert pong.read_text() == token


def test_ping_refuses_a_token_that_could_leave_its_folder(tmp_path):
    with pytest.raises(ValueError, match="token"):
        ping("../escape", str(tmp_path))

    assert list(tmp_path.iterdir()) == []
