"""The guardians' signed consent: the PDF, stored last in its transaction (R-LOG-02)."""

import contextlib
import logging
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext_lazy

from accounts.models import User
from common.stored_files import delete_on_rollback
from common.submissions import claim_submission
from logs.checks import consent_errors
from logs.enums import ConsentGiver
from logs.models import Consent, Log
from logs.services._common import lock, record_change, require_holder
from logs.services.reads import record_read

logger = logging.getLogger(__name__)

STORAGE_ERROR = gettext_lazy(
    "Filen kunne ikke lagres på grunn av en feil på serveren. Ingenting er lagret. Prøv igjen "
    "om litt, og kontakt brukerstøtten hvis feilen ikke går over."
)


def new_consent(
    log: Log, *, by: User, file: File, valid_until: date | None, given_by: str
) -> Consent:
    """The consent row under a new random file name, with its history and audit rows; the
    caller writes the file with write_consent_file as the last step of its transaction."""
    consent = Consent(
        log=log,
        original_name=(getattr(file, "name", "") or "samtykke.pdf")[-200:],
        size=file.size,
        valid_until=valid_until,  # type: ignore[misc]  # never None: consent_errors refuses it
        given_by=given_by,
        uploaded_by=by,
    )
    consent.file.name = consent.file.field.generate_filename(consent, "consent.pdf")
    consent.save()
    if log.consent_renewal_needed:
        # The renewed consent asked for after a transfer to another unit (R-LOG-02).
        log.consent_renewal_needed = False
        log.save(update_fields=["consent_renewal_needed"])
    record_change(
        log, by=by, action="consent.uploaded", obj=consent, after={"valid_until": valid_until}
    )
    return consent


def write_consent_file(consent: Consent, file: File) -> None:
    """Write the consent's file, last (R-LOG-02).

    A failure before it leaves nothing on disk, and a disk that refuses it rolls the whole
    transaction back, so that no consent (and no new log) is saved without its file. A disk
    error is a message at the file field, never a 500; what was typed stays (R-GEN-04).
    """
    storage, name = consent.file.storage, consent.file.name
    if not name:
        raise ValueError("new_consent() names the consent's file before it is written.")
    try:
        stored = storage.save(name, file, max_length=consent.file.field.max_length)
    except OSError:
        logger.exception("A consent file could not be written to the upload folder.")
        with contextlib.suppress(OSError):
            storage.delete(name)  # a half-written file
        raise ValidationError({"file": STORAGE_ERROR}, code="storage") from None
    # A rollback after this point (the caller's transaction, or the commit itself failing)
    # would leave a file no row knows: it is deleted with the rollback.
    delete_on_rollback(storage, stored)
    if stored != name:
        consent.file.name = stored
        consent.save(update_fields=["file"])


@transaction.atomic
def upload_consent(
    log: Log,
    *,
    by: User,
    file: File,
    valid_until: date | None,
    given_by: str = ConsentGiver.GUARDIANS,
    submission: str | None = None,
) -> Consent:
    """Store a signed consent PDF; the newest is the current one (R-LOG-02).

    Side effects: the file is written under a random name outside the web root; clears
    the log's consent_renewal_needed flag (set by a transfer to another unit); history;
    audit event consent.uploaded. A second sending of the same form (`submission`) raises
    AlreadySubmitted (R-GEN-08).
    """
    claim = claim_submission(submission, by=by, action="consent.uploaded")
    log = lock(Log, log.pk)
    require_holder(by, log)
    errors = consent_errors(
        {"file": file, "valid_until": valid_until, "given_by": given_by}, log.child
    )
    if errors:
        raise ValidationError(errors)
    consent = new_consent(log, by=by, file=file, valid_until=valid_until, given_by=given_by)
    claim.done(consent)
    write_consent_file(consent, file)
    return consent


def record_consent_download(consent: Consent, *, by: User) -> None:
    record_read(by=by, action="consent.downloaded", obj=consent, log_id=consent.log_id)
