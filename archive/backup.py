"""A backup of the database and the stored files together, and its restore (issue 11,
item 5; docs/deployment.md, "Backups").

One tar file holds `manifest.json` (what, when, from which schema, every file with its
size and SHA-256), the database (`database.sqlite3` made with SQLite's online backup, or
`database.dump` from `pg_dump --format=custom`, a consistent snapshot either way) and
`uploads/`, the upload folder. The files are copied before the database is dumped and once
more after: every file a dumped row names was there at one of the two copies, since a file
is written before its row commits and deleted only after its row's deletion commits. A
file the dump does not know (written meanwhile) is harmless; `check_files` lists it.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
UPLOADS = "uploads"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"No backup for the {vendor} database.")
    return vendor


def _pg_env_and_name() -> tuple[dict[str, str], str]:
    db = connection.settings_dict
    env = dict(os.environ)
    given = {
        "PGHOST": db.get("HOST"),
        "PGPORT": db.get("PORT"),
        "PGUSER": db.get("USER"),
        "PGPASSWORD": db.get("PASSWORD"),
    }
    env.update({variable: str(value) for variable, value in given.items() if value})
    return env, str(db["NAME"])


def _run(command: list[str], env: dict[str, str]) -> None:
    """Run pg_dump or pg_restore; the arguments are ours and the settings', never input."""
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:500]}")


def _copy_files(source: Path, target: Path) -> None:
    if not source.is_dir():
        return
    for path in source.rglob("*"):
        if path.is_file():
            destination = target / path.relative_to(source)
            if not destination.exists():
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, destination)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _dump_database(target: Path, engine: str) -> str:
    if engine == "sqlite":
        name = "database.sqlite3"
        connection.ensure_connection()
        destination = sqlite3.connect(target / name)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        return name
    name = "database.dump"
    env, database = _pg_env_and_name()
    _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target / name}", database], env)
    return name


def make_backup(folder: Path) -> Path:
    """Write a backup into `folder` (atomically: a crash leaves no half backup) and return
    its path."""
    engine = _engine()
    folder.mkdir(parents=True, exist_ok=True)
    media = Path(settings.MEDIA_ROOT)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S%f")
    with tempfile.TemporaryDirectory(dir=folder, prefix=".staging-") as staging_name:
        staging = Path(staging_name)
        uploads = staging / UPLOADS
        uploads.mkdir()
        _copy_files(media, uploads)
        database = _dump_database(staging, engine)
        _copy_files(media, uploads)  # the files written while the database was dumped
        files = sorted(p for p in uploads.rglob("*") if p.is_file())
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database": {"engine": engine, "file": database},
            "migrations": _latest_migrations(),
            "files": [
                {
                    "name": str(p.relative_to(uploads)),
                    "size": p.stat().st_size,
                    "sha256": _sha256(p),
                }
                for p in files
            ],
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        final = folder / f"stafett-backup-{stamp}.tar"
        partial = folder / f".{final.name}.part"
        with tarfile.open(partial, "w") as archive:
            archive.add(staging / MANIFEST, arcname=MANIFEST)
            archive.add(staging / database, arcname=database)
            archive.add(uploads, arcname=UPLOADS)
        with partial.open("rb") as file:
            os.fsync(file.fileno())
        os.replace(partial, final)
    return final


def _latest_migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder.Migration.objects.values_list("app", "name").order_by(
        "app", "name"
    ):
        latest[app] = name
    return latest


def read_manifest(backup: Path) -> dict[str, Any]:
    with tarfile.open(backup) as archive:
        member = archive.extractfile(MANIFEST)
        if member is None:
            raise BackupError(f"{backup} has no manifest: not a Stafettlogg backup.")
        manifest: dict[str, Any] = json.loads(member.read())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{backup} is in a backup format this version does not read.")
    return manifest


def restore_backup(backup: Path, *, force: bool = False) -> dict[str, Any]:
    """Restore the database and the upload folder from `backup`, replacing both. The upload
    folder must be empty unless `force`. Every file is checked against the manifest first:
    a damaged backup changes nothing."""
    engine = _engine()
    manifest = read_manifest(backup)
    if manifest["database"]["engine"] != engine:
        raise BackupError(
            f"The backup is of a {manifest['database']['engine']} database, not {engine}."
        )
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir() and any(media.iterdir()) and not force:
        raise BackupError(f"The upload folder {media} is not empty (use --force to replace it).")
    with tempfile.TemporaryDirectory(prefix="stafett-restore-") as unpacked_name:
        unpacked = Path(unpacked_name)
        with tarfile.open(backup) as archive:
            archive.extractall(unpacked, filter="data")
        for entry in manifest["files"]:
            path = unpacked / UPLOADS / entry["name"]
            if not path.is_file() or _sha256(path) != entry["sha256"]:
                raise BackupError(f"The backup is damaged: {entry['name']} does not match.")
        _restore_database(unpacked / manifest["database"]["file"], engine)
        if media.exists():
            shutil.rmtree(media)
        shutil.copytree(unpacked / UPLOADS, media)
    return manifest


def _restore_database(dump: Path, engine: str) -> None:
    if engine == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        return
    connections.close_all()
    env, database = _pg_env_and_name()
    command = ["pg_restore", "--clean", "--if-exists", "--no-owner", f"--dbname={database}"]
    _run([*command, str(dump)], env)
