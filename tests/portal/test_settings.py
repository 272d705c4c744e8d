"""Settings that protect data: SQLite's locking mode and production's refusal of unsafe values."""

import os
import sqlite3
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connections, transaction

ON_SQLITE = connections["default"].vendor == "sqlite"
PRODUCTION_KEY = "k" * 20 + "-a-long-random-production-secret-key-0123456789"


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


def _import_production_settings(**env: str) -> subprocess.CompletedProcess:
    environ = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SECRET_KEY", "DJANGO_DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    return subprocess.run(
        [sys.executable, "-c", "import portal.settings.prod"],
        cwd=settings.BASE_DIR,
        env={**environ, **env},
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
