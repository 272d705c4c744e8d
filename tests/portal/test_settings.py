"""Settings that protect data: SQLite's locking mode and production's refusal of unsafe values."""

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections, transaction

ON_SQLITE = connections["default"].vendor == "sqlite"
PRODUCTION_KEY = "k" * 20 + "-a-long-random-production-secret-key-0123456789"
PRODUCTION_BASE_URL = "https://portal.example.gov.cn"


@pytest.fixture
def file_database(tmp_path):
    """A second connection with the configured SQLite options, on a file (tests run in memory)."""
    default = connections["default"]
    alias = "sqlite-file-check"
    wrapper = type(default)({**default.settings_dict, "NAME": str(tmp_path / "db.sqlite3")}, alias)
    connections[alias] = wrapper
    yield alias, tmp_path / "db.sqlite3"
    wrapper.close()
    del connections[alias]


@pytest.mark.skipif(not ON_SQLITE, reason="SQLite's journal mode; PostgreSQL has its own locking")
@pytest.mark.django_db
def test_sqlite_file_database_uses_write_ahead_logging(file_database):
    alias, _path = file_database

    with connections[alias].cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        (mode,) = cursor.fetchone()

    assert mode == "wal"


@pytest.mark.skipif(
    not ON_SQLITE, reason="SQLite's transaction mode; PostgreSQL has its own locking"
)
@pytest.mark.django_db
def test_sqlite_transactions_take_the_write_lock_when_they_begin(file_database):
    """IMMEDIATE: a second writer waits at BEGIN instead of failing later with "database is locked"
    in the middle of its transaction (DESIGN.md §4)."""
    alias, path = file_database
    other_writer = sqlite3.connect(path, timeout=0, isolation_level=None)

    try:
        # Nothing is written inside: a DEFERRED transaction would not hold the lock at this point.
        with (
            transaction.atomic(using=alias),
            pytest.raises(sqlite3.OperationalError, match="locked"),
        ):
            other_writer.execute("BEGIN IMMEDIATE")
        other_writer.execute("BEGIN IMMEDIATE")  # once committed, the lock is free again
        other_writer.execute("ROLLBACK")
    finally:
        other_writer.close()


def _production_environment(**env: str) -> dict[str, str]:
    # DJANGO_ALLOW_ASYNC_UNSAFE: set by the browser tests' fixtures, never in a deployment.
    left_out = {
        "DJANGO_SECRET_KEY",
        "DJANGO_DEBUG",
        "DJANGO_SETTINGS_MODULE",
        "PORTAL_BASE_URL",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    }
    environ = {key: value for key, value in os.environ.items() if key not in left_out}
    return {"PORTAL_BASE_URL": PRODUCTION_BASE_URL, **environ, **env}


def _import_production_settings(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import portal.settings.prod"],
        cwd=settings.BASE_DIR,
        env=_production_environment(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_import_with_a_real_key():
    result = _import_production_settings(DJANGO_SECRET_KEY=PRODUCTION_KEY)

    assert result.returncode == 0, result.stderr


def test_production_settings_refuse_the_insecure_default_key():
    result = _import_production_settings()

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_settings_refuse_a_short_key():
    result = _import_production_settings(DJANGO_SECRET_KEY="short-but-not-insecure")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_settings_refuse_debug():
    result = _import_production_settings(DJANGO_SECRET_KEY=PRODUCTION_KEY, DJANGO_DEBUG="1")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_DEBUG" in result.stderr


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:8000",  # the development default
        "http://portal.example.gov.cn",
        "https://localhost",
        "https://app.localhost:8443",
        "https://127.0.0.1:8000",
        "https://127.8.0.1",
        "https://[::1]:8000",
        "https://0.0.0.0",
        "portal.example.gov.cn",
        "",
    ],
)
def test_production_settings_refuse_a_loopback_or_plain_http_base_url(url):
    result = _import_production_settings(DJANGO_SECRET_KEY=PRODUCTION_KEY, PORTAL_BASE_URL=url)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "PORTAL_BASE_URL" in result.stderr


def test_production_settings_accept_a_public_https_base_url():
    result = _import_production_settings(
        DJANGO_SECRET_KEY=PRODUCTION_KEY, PORTAL_BASE_URL="https://zwfw.example.gov.cn:8443/"
    )

    assert result.returncode == 0, result.stderr


def test_every_deploy_check_warning_in_production_is_explained_in_the_deployment_guide():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=settings.BASE_DIR,
        env=_production_environment(
            DJANGO_SECRET_KEY=PRODUCTION_KEY, DJANGO_SETTINGS_MODULE="portal.settings.prod"
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    warned = set(re.findall(r"\(([a-z_]+\.[A-Z]\d{3})\)", output))
    guide = (Path(settings.BASE_DIR) / "docs" / "deployment.md").read_text(encoding="utf-8")

    unexplained = {check for check in warned if f"`{check}`" not in guide}

    assert unexplained == set(), f"explain in docs/deployment.md: {sorted(unexplained)}\n{output}"


def _address_make_run_prints(**env: str) -> str:
    """Runs the lines of scripts/run.sh that choose the port and the printed address."""
    script = (Path(settings.BASE_DIR) / "scripts" / "run.sh").read_text(encoding="utf-8")
    start = script.index('PORT="${PORT:-')
    chosen = script[start : script.index("\n", script.index("PORTAL_BASE_URL=", start)) + 1]
    environ = {k: v for k, v in os.environ.items() if k not in {"PORT", "PORTAL_BASE_URL"}}
    result = subprocess.run(
        ["bash", "-c", chosen + 'echo "$PORTAL_BASE_URL"'],
        env={**environ, **env},
        capture_output=True,
        text=True,
        timeout=30,
    )
    return result.stdout.strip()


def test_make_run_prints_the_address_it_serves_on_documents():
    assert _address_make_run_prints(PORT="8123") == "http://127.0.0.1:8123"
    assert _address_make_run_prints() == "http://127.0.0.1:8000"
    given = "https://portal.example.gov.cn"
    assert _address_make_run_prints(PORTAL_BASE_URL=given) == given


def _postgresql_options(url: str = "postgres://portal:portal@db.internal:5432/portal", **env: str):
    """The default database's OPTIONS that the settings give for a PostgreSQL address."""
    environ = {k: v for k, v in os.environ.items() if k != "DATABASE_PREPARED_STATEMENTS"}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from portal.settings import dev; "
            "print(sorted(dev.DATABASES['default'].get('OPTIONS', {}).items()))",
        ],
        cwd=settings.BASE_DIR,
        env={**environ, "DATABASE_URL": url, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_postgresql_binds_on_the_server_and_keeps_frequent_statements_prepared_unless_told_not():
    assert _postgresql_options() == "[('prepare_threshold', 5), ('server_side_binding', True)]"
    # Behind a pooler in transaction mode (docs/deployment.md)
    assert _postgresql_options(DATABASE_PREPARED_STATEMENTS="0") == "[]"
    # The address's own options stay
    assert _postgresql_options(
        "postgres://portal:portal@db.internal:5432/portal?sslmode=require"
    ) == ("[('prepare_threshold', 5), ('server_side_binding', True), ('sslmode', 'require')]")


PREPARE_THRESHOLD = settings.DATABASES["default"].get("OPTIONS", {}).get("prepare_threshold")


@pytest.mark.skipif(
    ON_SQLITE or PREPARE_THRESHOLD is None,
    reason="PostgreSQL's prepared statements (DATABASE_PREPARED_STATEMENTS on)",
)
@pytest.mark.django_db
def test_a_statement_a_connection_runs_often_is_planned_once():
    from approvals.models import Application

    # when the same read runs more often than the threshold on one connection
    for _ in range(PREPARE_THRESHOLD + 1):
        list(Application.objects.filter(pk=0))

    # then PostgreSQL keeps it prepared
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]
    assert any('FROM "approvals_application"' in statement for statement in prepared)
