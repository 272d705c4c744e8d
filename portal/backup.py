"""``manage.py backup`` and ``manage.py restore``: one dated folder that restores a portal.

A backup folder ``portal-backup-<UTC time>`` holds:

- ``database.dump`` (PostgreSQL: ``pg_dump --format=custom``) or ``database.sqlite3`` (SQLite:
  the online backup API, consistent while the portal runs);
- ``media.tar``: the media folder (uploaded materials and issued PDFs), when files are stored
  locally; with object storage the bucket's own versioning is the backup of the files;
- ``audit-checkpoint.json``: a checkpoint of the audit chain signed just before the database was
  copied, so that ``verify_audit --checkpoint`` on the restored database proves that its chain is
  whole up to the backup;
- ``manifest.json``: versions, the applied migrations, and the size and SHA-256 of every file.

Never the seal keys (``SEAL_CERT_DIR``) or the checkpoint-signing key (``AUDIT_SIGNING_KEY_PATH``):
they are kept apart, in the secret store (docs/deployment.md, section 6b); should either sit inside
the media folder, it is left out of ``media.tar``.

The folder is written as ``<name>.partial`` and renamed when complete, so a folder without that
suffix is a whole backup. ``restore`` checks every file's hash, refuses a database that has tables
or a media folder that has files, and loads the copy (``pg_restore`` into the configured, empty
PostgreSQL database; the SQLite backup API into the configured file).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import tarfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

import django
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "portal-backup/1"
MANIFEST = "manifest.json"
CHECKPOINT_FILE = "audit-checkpoint.json"
MEDIA_FILE = "media.tar"
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}


class BackupError(Exception):
    """The backup or the restore cannot go on; the message says why."""


@dataclass(frozen=True)
class Backup:
    folder: Path
    manifest: dict


# --- Making one ---------------------------------------------------------------------------------


def backup_create(*, into: Path, now: dt.datetime | None = None) -> Backup:
    """Sign a checkpoint, copy the database, the media folder and the checkpoint into a new dated
    folder under ``into``, and write its manifest last."""
    from audit.checkpoints import checkpoint_as_dict, checkpoint_create

    vendor = _vendor()
    stamp = (now or timezone.now()).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = Path(into) / f"portal-backup-{stamp}"
    partial = folder.with_name(folder.name + ".partial")
    if folder.exists() or partial.exists():
        raise BackupError(f"{folder} exists already")
    partial.mkdir(parents=True, mode=0o700)
    try:
        # Signed first: the copy taken next holds the checkpointed event, so the restored chain
        # must reach it (events written meanwhile are in the copy too and are walked as well).
        checkpoint = checkpoint_create()
        (partial / CHECKPOINT_FILE).write_text(
            json.dumps(checkpoint_as_dict(checkpoint), indent=2) + "\n", encoding="utf-8"
        )
        database_file = partial / DATABASE_FILES[vendor]
        tools = {}
        if vendor == "postgresql":
            tools["pg_dump"] = _pg_dump(database_file)
        else:
            _sqlite_copy(database_file)
        media = _media_archive(partial / MEDIA_FILE)
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().astimezone(dt.UTC).isoformat(timespec="seconds"),
            "versions": {
                "portal": _portal_version(),
                "python": platform.python_version(),
                "django": django.get_version(),
                "database": _server_version(vendor),
                **tools,
            },
            "database": {"vendor": vendor, "file": database_file.name},
            "migrations": applied_migrations(),
            "media": media,
            "audit_checkpoint": {"file": CHECKPOINT_FILE, "sequence": checkpoint.sequence},
            "not_included": [
                "seal keys and certificates (SEAL_CERT_DIR)",
                "the audit checkpoint signing key (AUDIT_SIGNING_KEY_PATH)",
                "secrets (DJANGO_SECRET_KEY, passwords)",
            ],
            "files": {
                path.name: {"size": path.stat().st_size, "sha256": _sha256(path)}
                for path in sorted(partial.iterdir())
            },
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        partial.rename(folder)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return Backup(folder, manifest)


def applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _vendor() -> str:
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(f"no backup for a {connection.vendor} database")
    return connection.vendor


def _sqlite_copy(target_path: Path) -> None:
    """SQLite's online backup: a consistent copy while other connections keep writing."""
    connection.ensure_connection()
    target = sqlite3.connect(target_path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()


def _media_root() -> Path | None:
    """The local media folder, or None when files live in object storage."""
    storage = storages["default"]
    if not isinstance(storage, FileSystemStorage):
        return None
    return Path(storage.location)


def _secret_paths() -> list[Path]:
    return [
        Path(settings.SEAL_CERT_DIR).resolve(),
        Path(settings.AUDIT_SIGNING_KEY_PATH).resolve(),
    ]


def _media_archive(target: Path) -> dict:
    root = _media_root()
    if root is None:
        return {"stored": "object storage (not in this backup: use the bucket's versioning)"}
    secrets = _secret_paths()
    files = size = 0
    with tarfile.open(target, "w") as archive:
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                resolved = path.resolve()
                if any(resolved == s or s in resolved.parents for s in secrets):
                    continue
                if path.is_file() and not path.is_symlink():
                    archive.add(path, arcname=path.relative_to(root).as_posix(), recursive=False)
                    files += 1
                    size += path.stat().st_size
    return {"stored": "local", "file": target.name, "files": files, "bytes": size}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _portal_version() -> str:
    """The release, as pyproject.toml names it."""
    try:
        with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as handle:
            return tomllib.load(handle)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def _server_version(vendor: str) -> str:
    connection.ensure_connection()
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
    return f"SQLite {sqlite3.sqlite_version}"


# --- PostgreSQL's own tools ---------------------------------------------------------------------


def pg_tool(name: str) -> str:
    """``pg_dump`` or ``pg_restore`` of the server's major version: ``PG_BIN_DIR`` when set, else
    Debian's ``/usr/lib/postgresql/<major>/bin`` (as .ci/run finds the server), else the PATH.
    A client older than the server cannot read it; a newer one writes dumps an older cannot."""
    connection.ensure_connection()
    major = connection.pg_version // 10000
    folders = [settings.PG_BIN_DIR] if settings.PG_BIN_DIR else []
    folders.append(f"/usr/lib/postgresql/{major}/bin")
    for folder in folders:
        candidate = Path(folder) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (PostgreSQL {major} client tools)")
    return found


def _pg_arguments() -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment (password, SSL mode) for the PostgreSQL tools, from
    the same settings the portal connects with."""
    args, env = connection.client.settings_to_cmd_args_env(connection.settings_dict, [])
    # args: ["psql", "-U", user, "-h", host, "-p", port, dbname]; keep all but the program name
    # and the database name, which each tool takes as --dbname.
    options = args[1:-1] if args[-1] == connection.settings_dict["NAME"] else args[1:]
    return options, {**os.environ, **(env or {})}


def _run(command: list[str], env: dict[str, str]) -> str:
    # the program is pg_tool()'s, its arguments the portal's own settings: no outside input
    result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")
    return result.stdout


def _pg_dump(target: Path) -> str:
    program = pg_tool("pg_dump")
    options, env = _pg_arguments()
    name = connection.settings_dict["NAME"]
    _run([program, "--format=custom", f"--file={target}", *options, f"--dbname={name}"], env)
    return _run([program, "--version"], env).strip()


# --- Restoring one ------------------------------------------------------------------------------


def backup_read(folder: Path) -> Backup:
    """The backup's manifest, after checking that every file it lists is there, whole."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(f"{folder}: no readable {MANIFEST} ({error})") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{folder}: not a portal backup ({FORMAT})")
    for name, expected in manifest["files"].items():
        path = folder / name
        if Path(name).name != name or not path.is_file():
            raise BackupError(f"{folder}: {name} is missing")
        if path.stat().st_size != expected["size"] or _sha256(path) != expected["sha256"]:
            raise BackupError(f"{folder}: {name} is damaged (its SHA-256 differs)")
    if manifest["media"].get("stored") == "local":
        _check_media_archive(folder / manifest["media"]["file"])
    return Backup(folder, manifest)


def _check_media_archive(path: Path) -> None:
    """Every member a plain file or folder that stays inside the media folder (tarfile's "data"
    filter: no absolute paths, no ``..``, no links out, no devices), before anything is loaded."""
    try:
        with tarfile.open(path) as archive:
            for member in archive.getmembers():
                tarfile.data_filter(member, "/media-root")
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"{path.name} cannot be restored: {error}") from error


def backup_restore(*, folder: Path) -> Backup:
    """Load a backup into the configured database and media folder, both of which must be
    empty. Returns the backup read."""
    backup = backup_read(folder)
    manifest = backup.manifest
    vendor = _vendor()
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            f"the backup holds a {manifest['database']['vendor']} database; "
            f"the configured one is {vendor}"
        )
    if vendor == "sqlite":  # a new file in a folder of its own, as a fresh var/ has
        Path(connection.settings_dict["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    tables = connection.introspection.table_names()
    if tables:
        raise BackupError(
            f"the database {connection.settings_dict['NAME']} is not empty "
            f"({len(tables)} tables): restore only into an empty one"
        )
    media_root = _media_root()
    if media_root is not None and media_root.is_dir() and any(media_root.iterdir()):
        raise BackupError(f"the media folder {media_root} is not empty")
    if manifest["media"].get("stored") == "local" and media_root is None:
        raise BackupError("the backup holds local media files, but files go to object storage")

    database_file = backup.folder / manifest["database"]["file"]
    if vendor == "postgresql":
        options, env = _pg_arguments()
        name = connection.settings_dict["NAME"]
        connection.close()
        command = [pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error"]
        _run(
            [*command, "--single-transaction", *options, f"--dbname={name}", str(database_file)],
            env,
        )
    else:
        connection.close()
        source = sqlite3.connect(f"file:{database_file}?mode=ro", uri=True)
        target = sqlite3.connect(connection.settings_dict["NAME"])
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
    if media_root is not None and manifest["media"].get("stored") == "local":
        media_root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(backup.folder / manifest["media"]["file"]) as archive:
            # "data": no absolute paths, no links out of the folder, no devices (hostile archives)
            archive.extractall(media_root, filter="data")
    return backup


def migrations_not_in_backup(manifest: dict) -> list[str]:
    """Migrations this code has that the restored database had not applied (run migrate)."""
    from django.db.migrations.loader import MigrationLoader

    had = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted(f"{app}.{name}" for app, name in loader.disk_migrations if (app, name) not in had)
