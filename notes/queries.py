from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from accounts.models import User
from common.compiled import CompiledObjects
from notes.models import Note


def notes_visible_to(user: User | AnonymousUser) -> QuerySet[Note]:
    """A note is private to its owner: nobody else sees it, in any role (R-NOTE-01)."""
    if not user.is_authenticated:
        return Note.objects.none()
    return Note.objects.filter(owner=user)


def latest_notes(user: User, count: int) -> list[Note]:
    """The person's `count` latest notes, as notes_visible_to orders them: on Min side, so
    compiled once (common.compiled)."""
    notes: list[Note] = _LATEST.get(count, user.pk)
    return notes


_LATEST = CompiledObjects(
    Note, lambda count, user_id: notes_visible_to(User(pk=user_id))[:count], related=()
)
