"""The shell examples of docs/api.md run as written, in order, in one shell, against the demo
data of `make run`: a portal started here the way `make run` starts it (embedded defaults: SQLite,
the filesystem broker, a web server and a Celery worker), in a folder of its own."""

import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "api.md"
PASSWORD = "demo-Docs-2026"
BLOCK = re.compile(r"^```sh\n(.*?)^```$", re.S | re.M)

pytestmark = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("curl", "jq", "oathtool")),
    reason="the examples need curl, jq and oathtool (scripts/install-system-packages.sh --docs)",
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def demo_portal(tmp_path_factory):
    """``make run``'s portal with its demo data, on a free port; its environment and address."""
    var = tmp_path_factory.mktemp("portal-var")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "DJANGO_"))
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "PORTAL_VAR_DIR": str(var),
        "DEMO_PASSWORD": PASSWORD,
        "PYTHONUNBUFFERED": "1",
    }
    for folder in ("broker/queue", "broker/processed", "broker/control", "media", "mail", "log"):
        (var / folder).mkdir(parents=True)
    manage = [sys.executable, "manage.py"]

    def run(*args):
        subprocess.run([*manage, *args], cwd=ROOT, env=env, check=True, capture_output=True)

    run("migrate", "--noinput")
    run("seed_demo", "--password", PASSWORD)
    run("ensure_seal_certificates")
    port = _free_port()
    logs = open(var / "log" / "processes.log", "wb")  # noqa: SIM115 - closed below
    processes = [
        subprocess.Popen(
            [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=logs,
            stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "-P",
                "solo",
                "-Q",
                "celery,pdf",
                "-l",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=logs,
            stderr=subprocess.STDOUT,
        ),
    ]
    address = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{address}/healthz", timeout=1).read()  # noqa: S310 - http://127.0.0.1
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        _wait_for_the_demo_documents(var / "db.sqlite3")
        yield env | {"PORTAL": address}, var
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        logs.close()


def _wait_for_the_demo_documents(database: Path, timeout: float = 600) -> None:
    """``seed_demo`` queues its documents (48 PDFs) for the worker, which renders
    them in order: the examples' own certificate waits behind them. The guide's reader starts
    from a portal that has settled; so do the examples (on a loaded CI machine the demo's
    renders alone outlast the guide's one-minute wait for a certificate)."""
    deadline = time.monotonic() + timeout
    while True:
        with sqlite3.connect(database, timeout=30) as db:
            (waiting,) = db.execute(
                "SELECT count(*) FROM approvals_document WHERE sha256 = ''"
            ).fetchone()
        if not waiting:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"{waiting} demo documents still unrendered after {timeout} s")
        time.sleep(1)


def test_every_shell_example_of_the_api_guide_runs_as_written(demo_portal):
    env, var = demo_portal
    blocks = BLOCK.findall(DOC.read_text(encoding="utf-8"))
    assert len(blocks) >= 5
    script = "set -euo pipefail\n" + "\n".join(blocks)

    done = subprocess.run(
        ["bash", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )

    log = (var / "log" / "processes.log").read_text(errors="replace")[-3000:]
    assert done.returncode == 0, f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}\n{log}"
    out = done.stdout
    assert re.search(r'"tracking_number": "IND-REG-\d{8}-\d{5}"', out)
    assert '"licence_issued"' in out
    assert "%PDF-" in out
    assert '"status": "valid"' in out
    assert '"withdrawn"' in out
