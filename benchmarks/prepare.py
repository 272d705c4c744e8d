"""Bring one scale's database to its size: create it, migrate, the demo city (departments,
officials, catalogue) once, then ``seed_scale --applications N`` (resumable: nothing to do when
the applications are there). Run by scripts/bench.sh with DATABASE_URL set to the scale's database.

    python -m benchmarks.prepare --scale 10000
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

SUBJECTS_DIR = Path("var/bench")


def subjects_path(scale: int) -> Path:
    """Where seed_scale names this scale's benchmark subjects (one file per scale's database)."""
    return SUBJECTS_DIR / f"subjects-{scale}.json"


def create_database(url: str) -> bool:
    """CREATE DATABASE when it does not exist (connecting to the server's ``postgres``)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        dbname="postgres",
        autocommit=True,
    ) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(f'CREATE DATABASE "{name}"')
        return True


def manage(*args: str) -> None:
    started = time.monotonic()
    print(f"$ manage.py {' '.join(args)}", flush=True)
    subprocess.run([sys.executable, "manage.py", *args], check=True)  # noqa: S603 (our own)
    print(f"  ({time.monotonic() - started:.1f} s)", flush=True)


def has_command(name: str) -> bool:
    from django.core.management import get_commands

    return name in get_commands()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, required=True)
    args = parser.parse_args()

    url = os.environ["DATABASE_URL"]
    if create_database(url):
        print(f"Created database {urlsplit(url).path.lstrip('/')}")
    manage("migrate", "--noinput", "-v", "0")

    import django

    django.setup()
    from approvals.models import Application

    # Every run: seed_demo creates what is missing and publishes the demo services whose content
    # changed since the database was made (guide details, search keywords), so that the search
    # and guide pages are measured on today's catalogue. The passwords are never used: the
    # benchmark's sessions are made server-side (existing accounts keep theirs).
    manage("seed_demo", "--no-applications", f"--password={secrets.token_urlsafe(18)}")

    SUBJECTS_DIR.mkdir(parents=True, exist_ok=True)
    if has_command("seed_scale"):
        from django.core.management import get_commands, load_command_class

        command = load_command_class(get_commands()["seed_scale"], "seed_scale")
        options = [
            action.option_strings[0]
            for action in command.create_parser("manage.py", "seed_scale")._actions
            if action.option_strings
        ]
        extra = ["--subjects", str(subjects_path(args.scale))] if "--subjects" in options else []
        if "--password" in options:
            extra += [f"--password={secrets.token_urlsafe(18)}"]
        manage("seed_scale", "--applications", str(args.scale), *extra)
    elif Application.objects.count() < 10:
        # Until seed_scale exists: the demo applications (a handful), so that every page has
        # something to show. The figures then say which size they were measured at.
        manage("seed_demo", f"--password={secrets.token_urlsafe(18)}")
    # What beat does every five minutes in a running installation: roll up the statistics of
    # the days that need it (after an upgrade whose calendar or data changed, all of them), so
    # that the pages are measured as they run, not in the minutes after a deployment.
    if has_command("supervision_rollup"):
        manage("supervision_rollup")
    from django.db import connection

    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"ANALYZE ({time.monotonic() - started:.1f} s)")


if __name__ == "__main__":
    main()
