"""The /metrics figures operators alert on, moved by what really moves them: the deadline sweep
raising a red card, beat signing (or missing) the audit checkpoint, and a real Celery worker
killed with SIGKILL (its heartbeat stops; the queue then counts no worker)."""

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from approvals.services.sweep import sweep_deadlines
from audit.checkpoints import checkpoint_create
from tests.factories import ApplicationFactory, DepartmentFactory, ReviewTaskFactory


def parse(text: str) -> dict:
    return {family.name: family for family in text_string_to_metric_families(text)}


def scrape(client) -> dict:
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    return parse(response.content.decode())


def value(families, name: str, **labels) -> float | None:
    found = [
        sample.value
        for sample in families[name].samples
        if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items())
    ]
    return sum(found) if found else None


@pytest.mark.django_db
def test_a_red_card_the_sweep_raises_shows_in_the_card_count(client):
    # given an open task of the market department, overdue since last week
    today = timezone.localdate()
    department = DepartmentFactory(code="city-market")
    ReviewTaskFactory(
        application=ApplicationFactory(submitted=True, status="under_review"),
        department=department,
        due_on=today - dt.timedelta(days=7),
    )
    before = value(scrape(client), "portal_cards", department="city-market", colour="red")

    # when the deadline sweep runs
    report = sweep_deadlines(today=today)

    # then its red card is counted against the department, and the task shows red
    after = scrape(client)
    assert report.cards["red"] == 1
    assert before is None
    assert value(after, "portal_cards", department="city-market", colour="red") == 1
    assert value(after, "portal_open_tasks", department="city-market", light="red") == 1


@pytest.mark.django_db
def test_the_checkpoint_age_grows_until_the_next_checkpoint(client, settings, tmp_path):
    settings.AUDIT_SIGNING_KEY_PATH = tmp_path / "audit-signing-key.pem"
    ApplicationFactory(submitted=True)  # some audited history
    checkpoint_create()
    signed = scrape(client)
    assert value(signed, "portal_audit_checkpoint_age_seconds") < 60
    assert value(signed, "portal_audit_events_since_checkpoint") == 1  # its own event

    # a day and a quarter without the daily checkpoint: PortalAuditCheckpointMissed fires at 26 h
    with time_machine.travel(timezone.now() + dt.timedelta(hours=30)):
        missed = scrape(client)
        checkpoint_create()
        caught_up = scrape(client)

    assert value(missed, "portal_audit_checkpoint_age_seconds") >= 30 * 3600
    assert value(caught_up, "portal_audit_checkpoint_age_seconds") < 60
    assert value(caught_up, "portal_audit_events_since_checkpoint") == 1


# --- A real worker, killed ----------------------------------------------------------------------

SCRAPE = textwrap.dedent(
    """
    import django
    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment
    setup_test_environment()
    response = Client().get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200, response.status_code
    print(response.content.decode())
    """
)


WORKER = [sys.executable, "-m", "celery", "-A", "portal", "worker", "--loglevel=info", "-Q", "pdf"]
WORKER += ["--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat"]


@pytest.mark.celery_worker
def test_a_killed_worker_shows_in_the_heartbeat_age_and_its_queue_has_no_worker(tmp_path):
    # given a real worker of the pdf queue, beating every second into a portal's database
    var = tmp_path / "var"
    queue_folder = var / "broker" / "queue"
    queue_folder.mkdir(parents=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "PYTHONUNBUFFERED": "1",
        "PORTAL_VAR_DIR": str(var),
        "DATABASE_URL": f"sqlite:///{var / 'db.sqlite3'}",
        "CELERY_BROKER_URL": "filesystem://",
        "WORKER_HEARTBEAT_SECONDS": "1",
        "WORKER_HEARTBEAT_STALE_SECONDS": "4",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)

    def run(*args) -> str:
        result = subprocess.run(
            [sys.executable, *args],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def figures() -> dict:
        return parse(run("-c", SCRAPE))

    run("manage.py", "migrate", "--noinput", "-v", "0")
    log_path = tmp_path / "worker.log"
    hostname = f"pdf-{os.getpid()}@{socket.gethostname()}"
    with log_path.open("ab") as log:
        worker = subprocess.Popen(
            [*WORKER, "-n", hostname],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        alive = figures()
        while value(alive, "portal_queue_workers", queue="pdf") != 1:
            assert worker.poll() is None and time.monotonic() < deadline, (
                f"the worker never beat; its log:\n{log_path.read_text(errors='replace')[-4000:]}"
            )
            time.sleep(0.5)
            alive = figures()
        assert value(alive, "portal_worker_heartbeat_age_seconds", worker=hostname) < 4

        # when it is killed (no shutdown handler runs: its row stays, and goes stale)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        time.sleep(5)
        dead = figures()
        time.sleep(1)
        later = figures()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(timeout=10)

    # then its heartbeat age grows, and the pdf queue counts no worker (the alert's condition)
    age = value(dead, "portal_worker_heartbeat_age_seconds", worker=hostname)
    assert age >= 4
    assert value(later, "portal_worker_heartbeat_age_seconds", worker=hostname) > age
    assert value(dead, "portal_queue_heartbeat_age_seconds", queue="pdf") >= 4
    assert value(dead, "portal_queue_workers", queue="pdf") == 0
