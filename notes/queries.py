from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from accounts.models import User
from notes.models import Note


def notes_visible_to(user: User | AnonymousUser) -> QuerySet[Note]:
    """A note is private to its owner: nobody else sees it, in any role (R-NOTE-01)."""
    if not user.is_authenticated:
        return Note.objects.none()
    return Note.objects.filter(owner=user)
