"""Project-level Celery tasks: a broker round trip that proves a worker is consuming.

``scripts/check-worker.sh`` and ``tests/portal/test_celery_worker.py`` send ``ping`` through the
configured broker and wait for the worker to leave its token in a folder they watch.
"""

import os
import re
import tempfile
import time
from pathlib import Path

from celery import shared_task

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@shared_task(name="portal.tasks.ping")
def ping(token: str, directory: str) -> str:
    """Write ``<directory>/<token>.pong`` containing the token. Running it twice changes nothing."""
    if not _TOKEN.match(token):
        # The token becomes a file name: nothing that could leave the folder.
        raise ValueError("token must be 1-64 letters, digits, '-' or '_'")
    folder = Path(directory)
    target = folder / f"{token}.pong"
    # Write beside the target, then rename: a watcher never reads a half-written file.
    fd, partial = tempfile.mkstemp(dir=folder, prefix=".ping-")
    with os.fdopen(fd, "w") as handle:
        handle.write(token)
    Path(partial).replace(target)
    return str(target)


@shared_task(name="portal.tasks.held_ping")
def held_ping(token: str, directory: str, max_hold_seconds: float = 120.0) -> str:
    """``ping``, held until ``<directory>/<token>.release`` exists: a task that is "in hand" for
    as long as a test (killing the worker, stopping the broker) needs. Each start leaves
    ``<token>.started.<pid>``; the pong is written once, whatever the number of runs, and each
    run that wrote it appends a line to ``<token>.done``."""
    if not _TOKEN.match(token):
        raise ValueError("token must be 1-64 letters, digits, '-' or '_'")
    folder = Path(directory)
    (folder / f"{token}.started.{os.getpid()}").touch()
    release = folder / f"{token}.release"
    deadline = time.monotonic() + max_hold_seconds
    while not release.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    if (folder / f"{token}.pong").exists():
        return "already done"
    target = ping(token, directory)
    with (folder / f"{token}.done").open("a") as log:
        log.write(f"{os.getpid()}\n")
    return target
