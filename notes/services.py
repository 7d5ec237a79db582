"""Personal notes (R-NOTE-01). The audit trail records that a note changed, never its text."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import record
from common.errors import ConflictError
from common.submissions import claim_submission
from notes.models import Note


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Notatet kan ikke være tomt.")})
    return text


@transaction.atomic
def create_note(*, by: User, text: str, submission: str | None = None) -> Note:
    """A new note; once per form (`submission`, R-GEN-08)."""
    claim = claim_submission(submission, by=by, action="note.created")
    note = Note.objects.create(owner=by, text=_clean_text(text))
    record(actor=by, action="note.created", obj=note)
    claim.done(note)
    return note


@transaction.atomic
def update_note(note: Note, *, by: User, text: str, version: int | None = None) -> Note:
    """Edit own note; a save based on an older version is refused (R-SEC-05)."""
    note = Note.objects.select_for_update().get(pk=note.pk, owner=by)
    if version is not None and note.version != version:
        raise ConflictError()
    note.text = _clean_text(text)
    note.version += 1
    note.save()
    record(actor=by, action="note.edited", obj=note)
    return note


@transaction.atomic
def delete_note(note: Note, *, by: User) -> None:
    note = Note.objects.select_for_update().get(pk=note.pk, owner=by)
    record(actor=by, action="note.deleted", obj=note)
    note.delete()
