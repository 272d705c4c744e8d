"""The restore drill (portal/backup.py): a portal with applications, sealed PDFs and audit events
is backed up, restored by ``manage.py restore`` into a fresh database and media folder in another
process, and there ``verify_audit --checkpoint`` passes and every document reads back whole.

On whichever database the suite runs: SQLite (the online backup API) or PostgreSQL (pg_dump and
pg_restore into a database made for the test)."""

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import textwrap
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from approvals.models import DocumentKind
from approvals.services.documents import document_issue, document_render
from audit.models import AuditEvent
from portal.backup import BackupError, backup_create, backup_read, pg_tool
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db(transaction=True)

READ_DOCUMENTS = textwrap.dedent(
    """
    import hashlib, io, json
    import django
    django.setup()
    from pypdf import PdfReader
    from approvals.models import Application, Document
    from audit.models import AuditEvent

    documents = []
    for document in Document.objects.exclude(file="").order_by("pk"):
        with document.file.open("rb") as handle:
            data = handle.read()
        documents.append({
            "number": document.number,
            "intact": hashlib.sha256(data).hexdigest() == document.sha256,
            "pages": len(PdfReader(io.BytesIO(data)).pages),
        })
    print(json.dumps({
        "applications": Application.objects.count(),
        "events": AuditEvent.objects.count(),
        "documents": documents,
    }))
    """
)


@pytest.fixture
def keys(settings, tmp_path):
    """The checkpoint-signing key and the seals, inside the media folder on purpose: the backup
    must still leave them out."""
    settings.AUDIT_SIGNING_KEY_PATH = settings.MEDIA_ROOT / "keys" / "audit-signing-key.pem"
    settings.SEAL_CERT_DIR = settings.MEDIA_ROOT / "seals"
    return settings.AUDIT_SIGNING_KEY_PATH


@pytest.fixture
def portal(keys):
    """Two applications, one with a rendered, sealed approval decision; their audit events."""
    ApplicationFactory(submitted=True)
    application = ApplicationFactory(submitted=True, status="approved")
    document = document_render(
        document_id=document_issue(application=application, kind=DocumentKind.APPROVAL_DECISION).pk
    )
    assert document.sha256 and document.signed
    return document


class Target:
    """A fresh database and media folder that a restore goes into, and the environment of the
    processes that run there (the embedded settings with that database)."""

    def __init__(self, tmp_path: Path, name: str, key: Path):
        self.folder = tmp_path / name
        self.media = self.folder / "media"
        self.folder.mkdir()
        self.database = None
        if connection.vendor == "postgresql":
            self.database = f"{connection.settings_dict['NAME']}_{name}_{uuid.uuid4().hex[:8]}"
            _postgres(f'CREATE DATABASE "{self.database}"')
            database_url = _postgres_url(self.database)
        else:
            # in a folder that does not exist yet, as on a fresh machine
            database_url = f"sqlite:///{self.folder / 'var' / 'db.sqlite3'}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
            "PORTAL_VAR_DIR": str(self.folder / "var"),
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(self.media),
            "AUDIT_SIGNING_KEY_PATH": str(key),
        }

    def manage(self, *args) -> subprocess.CompletedProcess:
        return self.python("manage.py", *args)

    def python(self, *args) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, *args],
            cwd=settings.BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    def create_table(self, name: str) -> None:
        if self.database:
            _postgres(f"CREATE TABLE {name} (id integer)", dbname=self.database)
        else:
            (self.folder / "var").mkdir(exist_ok=True)
            with sqlite3.connect(self.folder / "var" / "db.sqlite3") as database:
                database.execute(f"CREATE TABLE {name} (id integer)")

    def drop(self) -> None:
        if self.database:
            _postgres(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


def _postgres(sql: str, dbname: str = "postgres") -> None:
    import psycopg

    params = connection.settings_dict
    with psycopg.connect(
        dbname=dbname,
        user=params["USER"],
        password=params["PASSWORD"],
        host=params["HOST"],
        port=params["PORT"] or 5432,
        autocommit=True,
    ) as admin:
        admin.execute(sql)


def _postgres_url(name: str) -> str:
    params = connection.settings_dict
    return (
        f"postgres://{params['USER']}:{params['PASSWORD']}@{params['HOST']}:"
        f"{params['PORT'] or 5432}/{name}"
    )


@pytest.fixture
def targets(tmp_path, keys):
    made = []

    def make(name: str) -> Target:
        target = Target(tmp_path, name, keys)
        made.append(target)
        return target

    yield make
    for target in made:
        target.drop()


def backup(tmp_path) -> Path:
    call_command("backup", "--into", str(tmp_path / "backups"), stdout=io.StringIO())
    (folder,) = (tmp_path / "backups").iterdir()
    return folder


def test_a_backup_restores_into_a_fresh_database_where_the_audit_chain_verifies(
    portal, tmp_path, targets
):
    # given a portal with applications, a sealed PDF and audit events, backed up
    events = AuditEvent.objects.count()
    assert events > 0
    folder = backup(tmp_path)
    target = targets("restored")

    # when it is restored into a fresh database and media folder
    restored = target.manage("restore", str(folder))

    # then the audit chain verifies there against the backup's signed checkpoint
    assert restored.returncode == 0, restored.stderr
    assert "restored the" in restored.stdout
    verified = target.manage(
        "verify_audit", "--full", "--checkpoint", str(folder / "audit-checkpoint.json")
    )
    assert verified.returncode == 0, verified.stderr + verified.stdout
    assert "audit chain intact" in verified.stdout
    # and the applications, every event and the document are there, the PDF whole and readable
    read = target.python("-c", READ_DOCUMENTS)
    assert read.returncode == 0, read.stderr
    there = json.loads(read.stdout)
    assert there["applications"] == 2
    assert there["events"] == events + 1  # and the checkpoint the backup signed
    assert there["documents"] == [{"number": portal.number, "intact": True, "pages": 1}]


def test_the_backup_has_a_manifest_and_never_the_keys(portal, tmp_path, keys):
    folder = backup(tmp_path)

    manifest = json.loads((folder / "manifest.json").read_text())
    assert folder.name.startswith("portal-backup-")
    assert folder.stat().st_mode & 0o777 == 0o700  # personal data: the portal's user only
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["versions"]["django"]
    assert "0001_initial" in manifest["migrations"]["approvals"]
    assert set(manifest["files"]) == {
        manifest["database"]["file"],
        "media.tar",
        "audit-checkpoint.json",
    }
    assert backup_read(folder).manifest == manifest  # every size and SHA-256 checks out
    with tarfile.open(folder / "media.tar") as archive:
        members = archive.getnames()
    assert Path(portal.file.name).as_posix() in members
    assert not [name for name in members if name.startswith(("keys", "seals"))]
    assert manifest["media"]["files"] == len(members)
    secrets = [keys.read_bytes()] + [
        path.read_bytes() for path in Path(settings.SEAL_CERT_DIR).glob("*.key.pem")
    ]
    assert len(secrets) >= 2
    for path in folder.iterdir():
        content = path.read_bytes()
        assert not any(secret.strip() in content for secret in secrets), path.name


def test_a_damaged_backup_is_refused_before_anything_is_restored(portal, tmp_path):
    folder = backup(tmp_path)
    media = folder / "media.tar"
    data = bytearray(media.read_bytes())
    data[len(data) // 2] ^= 0xFF
    media.write_bytes(bytes(data))

    with pytest.raises(BackupError, match=r"media\.tar is damaged"):
        backup_read(folder)


def test_a_media_archive_that_would_write_outside_the_media_folder_is_refused(portal, tmp_path):
    folder = backup(tmp_path)
    hostile = tmp_path / "payload"
    hostile.write_text("planted")
    with tarfile.open(folder / "media.tar", "w") as archive:
        archive.add(hostile, arcname="../../portal/settings/evil.py")
    manifest = json.loads((folder / "manifest.json").read_text())
    media = folder / "media.tar"
    manifest["files"]["media.tar"] = {"size": media.stat().st_size, "sha256": sha256(media)}
    (folder / "manifest.json").write_text(json.dumps(manifest))

    with pytest.raises(BackupError, match=r"media\.tar cannot be restored"):
        backup_read(folder)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_restore_refuses_a_database_or_media_folder_that_is_not_empty(portal, tmp_path, targets):
    folder = backup(tmp_path)
    # a database that has a table
    used = targets("used")
    used.create_table("someone_elses")

    refused = used.manage("restore", str(folder))

    assert refused.returncode == 1
    assert "is not empty" in refused.stderr and "restore only into an empty one" in refused.stderr
    # a media folder that has files, with an empty database: nothing is loaded
    cluttered = targets("cluttered")
    cluttered.media.mkdir()
    (cluttered.media / "left-over.pdf").write_bytes(b"%PDF-1.7")

    refused = cluttered.manage("restore", str(folder))

    assert refused.returncode == 1
    assert "media folder" in refused.stderr
    assert "approvals_application" not in cluttered.manage("shell", "-c", TABLES).stdout


TABLES = "from django.db import connection; print(connection.introspection.table_names())"


@pytest.mark.postgresql
@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump is PostgreSQL's")
def test_the_server_s_own_pg_dump_is_used_and_a_failed_dump_leaves_no_folder(
    tmp_path, keys, settings
):
    # Debian's client tools of the server's major version, as .ci/run finds the server
    major = connection.pg_version // 10000
    assert pg_tool("pg_dump") == f"/usr/lib/postgresql/{major}/bin/pg_dump"
    # PG_BIN_DIR wins; a dump that fails says why and leaves nothing that looks like a backup
    settings.PG_BIN_DIR = str(tmp_path / "bin")
    fake = tmp_path / "bin" / "pg_dump"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'server version mismatch' >&2\nexit 1\n")
    fake.chmod(0o755)
    assert pg_tool("pg_dump") == str(fake)

    with pytest.raises(BackupError, match="pg_dump failed: server version mismatch"):
        backup_create(into=tmp_path / "backups")

    assert list((tmp_path / "backups").iterdir()) == []
