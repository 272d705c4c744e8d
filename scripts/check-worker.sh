#!/usr/bin/env bash
# Proves that a Celery worker consumes the configured broker: sends portal.tasks.ping and waits
# for the worker to write its token. The worker must share this machine's filesystem (the token is
# written to a temporary folder here).
#   scripts/check-worker.sh [seconds to wait, default 30]
# Uses the same settings as the portal: DJANGO_SETTINGS_MODULE (default portal.settings.dev),
# CELERY_BROKER_URL, PORTAL_VAR_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-portal.settings.dev}"

exec .venv/bin/python - "${1:-30}" <<'PY'
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

import django

django.setup()

from portal.tasks import ping  # noqa: E402

wait_seconds = float(sys.argv[1])
inbox = Path(tempfile.mkdtemp(prefix="portal-ping-"))
os.chmod(inbox, 0o777)  # the worker may run as another user
token = uuid.uuid4().hex
try:
    ping.apply_async(args=[token, str(inbox)], queue="celery")
    pong = inbox / f"{token}.pong"
    deadline = time.monotonic() + wait_seconds
    while not pong.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    if not pong.exists():
        print(f"No worker ran the ping task within {wait_seconds:g} s.", file=sys.stderr)
        sys.exit(1)
    print(f"A worker ran the ping task through the broker ({pong.read_text()}).")
finally:
    shutil.rmtree(inbox, ignore_errors=True)
PY
