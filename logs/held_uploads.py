"""A consent PDF chosen on the new-log page, kept while the person fixes the rest of the form,
so that it need not be chosen again after each round of errors (R-GEN-04, R-LOG-02).

A browser never sends a file twice, so the server keeps it: a file that passed the upload
checks (logs/uploads.py) is written to a private folder under a random name, and remembered
in the person's session under a random token that the form carries. Only that session can
find it again; it is never served to anyone, not even its owner, and it is deleted when the
log is saved, when another file replaces it, and by remove_stale() when the form was left.
"""

import contextlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest
from django.utils import timezone

logger = logging.getLogger(__name__)

FOLDER = "held"
SESSION_KEY = "held_uploads"
# A session lasts at most 12 hours; a file kept longer belongs to a form nobody will send.
KEEP_FOR = timedelta(hours=24)
PER_SESSION = 5


@dataclass(frozen=True)
class HeldUpload:
    token: str
    name: str  # in the storage
    original: str  # the file's own name, shown to the person who chose it
    size: int


def _entries(request: HttpRequest) -> dict[str, dict[str, Any]]:
    return dict(request.session.get(SESSION_KEY) or {})


def _delete(name: str) -> None:
    with contextlib.suppress(OSError):
        default_storage.delete(name)


def hold(request: HttpRequest, upload: File) -> HeldUpload | None:
    """Keep a checked upload for this session; None if the disk refused it (logged)."""
    name = f"{FOLDER}/{secrets.token_hex(16)}.pdf"
    try:
        upload.seek(0)
        name = default_storage.save(name, upload)
    except OSError:
        logger.exception("A chosen consent file could not be kept in the upload folder.")
        _delete(name)
        return None
    finally:
        upload.seek(0)
    held = HeldUpload(
        token=secrets.token_urlsafe(16),
        name=name,
        original=(getattr(upload, "name", "") or "samtykke.pdf")[-200:],
        size=upload.size,
    )
    entries = _entries(request)
    entries[held.token] = {"name": held.name, "original": held.original, "size": held.size}
    # Many tabs or rounds: only the newest few are kept.
    for token in list(entries)[:-PER_SESSION]:
        _delete(entries.pop(token)["name"])
    request.session[SESSION_KEY] = entries
    return held


def find(request: HttpRequest, token: str | None) -> HeldUpload | None:
    """The upload this session keeps under `token`; anyone else's token finds nothing."""
    entry = _entries(request).get(token) if token else None
    if not entry or token is None:
        return None
    return HeldUpload(
        token=token, name=entry["name"], original=entry["original"], size=entry["size"]
    )


def read(held: HeldUpload) -> SimpleUploadedFile | None:
    """The kept file as an upload again, or None if it is gone (cleaned away, disk error)."""
    try:
        with default_storage.open(held.name, "rb") as stored:
            content = stored.read()
    except OSError:
        return None
    return SimpleUploadedFile(held.original, content, content_type="application/pdf")


def release(request: HttpRequest, held: HeldUpload | None) -> None:
    """Forget a kept upload and delete its file: saved with the log, or replaced."""
    if held is None:
        return
    entries = _entries(request)
    entries.pop(held.token, None)
    request.session[SESSION_KEY] = entries
    _delete(held.name)


def remove_stale(*, now: datetime | None = None) -> int:
    """Delete kept files older than KEEP_FOR, from forms that were never sent again."""
    cutoff = (now or timezone.now()) - KEEP_FOR
    try:
        _folders, files = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0
    removed = 0
    for file in files:
        name = f"{FOLDER}/{file}"
        with contextlib.suppress(OSError):
            if default_storage.get_modified_time(name) < cutoff:
                default_storage.delete(name)
                removed += 1
    return removed
