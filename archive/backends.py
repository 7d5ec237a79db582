"""Where an archive package goes (R-ARCH-01): a small pluggable backend, chosen by the
setting STAFETT_ARCHIVE_BACKEND (a dotted path). See docs/deployment.md, "The archive".

A backend gets a finished Package and either returns a reference (kept on the hand-over,
shown to nobody but the administration) or raises: any exception is a failed attempt,
tried again later with backoff. It must be idempotent: the same package may be handed over
twice (a worker killed after the archive took it and before the database was told).
"""

import io
import os
import secrets
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Package:
    """What goes to the archive: `name` (no personal data: the log's number) and its files,
    arkivmelding.xml first."""

    name: str
    files: dict[str, bytes] = field(default_factory=dict)

    def as_zip(self) -> bytes:
        """The files in one zip, as Fiks Arkiv takes a message (arkivmelding.xml + files)."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in self.files.items():
                archive.writestr(name, content)
        return buffer.getvalue()


class ArchiveBackend:
    """The interface: `hand_over(package) -> reference`."""

    def hand_over(self, package: Package) -> str:
        raise NotImplementedError


class FolderBackend(ArchiveBackend):
    """The default: each package a zip file in STAFETT_ARCHIVE_FOLDER, written atomically.

    The zip is written to a temporary file in the same folder, flushed to the disk (fsync),
    renamed to its name, and the folder itself is synced so that the rename survives a
    power cut. A crash at any point leaves either no package or the whole one, never half
    of one; the temporary file a crash leaves (`.*.part`) is never taken for a package, and
    the archive's import must skip such names. The same package written again replaces
    itself atomically. The folder must exist and be writable: a missing folder is a
    failed attempt (tried again), never created here, since it is usually a mount.
    """

    def __init__(self, folder: str | Path | None = None) -> None:
        folder = folder if folder is not None else settings.STAFETT_ARCHIVE_FOLDER
        if not folder:
            raise ImproperlyConfigured(
                "STAFETT_ARCHIVE_FOLDER is not set: the folder the archive packages go to."
            )
        self.folder = Path(folder)

    def hand_over(self, package: Package) -> str:
        if not self.folder.is_dir():
            raise FileNotFoundError(f"The archive folder {self.folder} does not exist.")
        final = self.folder / f"{package.name}.zip"
        temporary = self.folder / f".{package.name}.{secrets.token_hex(4)}.part"
        try:
            with open(temporary, "xb") as file:
                file.write(package.as_zip())
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, final)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        _sync_folder(self.folder)
        return final.name


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class FiksArkivBackend(ArchiveBackend):
    """Where a KS Fiks Arkiv client goes (docs/deployment.md, "The archive").

    Not built: a municipality that takes packages through Fiks Arkiv writes `hand_over` to
    send `package.as_zip()` (arkivmelding.xml plus the PDF/A, as the message type
    no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett takes) over Fiks IO to its archive
    account, wait for the receipt (kvittering) and return the archive's reference; any
    error raised is retried with backoff. Until then it refuses, so that a hand-over
    configured for it stays failed and is retried, never lost.
    """

    def hand_over(self, package: Package) -> str:
        raise NotImplementedError(
            "The Fiks Arkiv backend is not built yet: see docs/deployment.md, 'The archive'. "
            "Use archive.backends.FolderBackend, or write a client that implements "
            "ArchiveBackend.hand_over."
        )


def get_backend() -> ArchiveBackend:
    backend = import_string(settings.STAFETT_ARCHIVE_BACKEND)
    if not (isinstance(backend, type) and issubclass(backend, ArchiveBackend)):
        raise ImproperlyConfigured("STAFETT_ARCHIVE_BACKEND must name an ArchiveBackend class.")
    instance: ArchiveBackend = backend()
    return instance
