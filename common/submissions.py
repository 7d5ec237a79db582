"""One form, one object (R-GEN-08): a double click, a retry or a resent page must not create
two logs, two meetings or two invitations.

Each create form carries a random one-time key (common.forms.SubmissionKeyMixin). The
service that saves the form claims the key first, inside its own transaction, by inserting
a FormSubmission row; the unique key does the rest. A second sending of the same form waits
on the first one's row (PostgreSQL) or lock (SQLite); once the first has committed, it finds
the key taken and raises AlreadySubmitted with what the first one made, which the view shows
instead. If the first sending failed, its row was rolled back with it and the key is free.

A service that saves several things in one transaction (a new actor and a concern, say)
claims the key itself, first, and passes no key to the other services it calls.
"""

import secrets
from datetime import datetime, timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.models import FormSubmission

KEY_LENGTH = 64
# Long after any page could still be sent: a session lasts at most 12 hours.
KEEP_FOR = timedelta(days=2)


def new_submission_key() -> str:
    return secrets.token_urlsafe(24)


class AlreadySubmitted(Exception):
    """The form was sent before, and that sending saved what it made (R-GEN-08)."""

    message = gettext_lazy("Skjemaet var allerede sendt, og det er bare lagret én gang.")

    def __init__(self, submission: FormSubmission) -> None:
        super().__init__(submission.action)
        self.submission = submission

    @property
    def object_id(self) -> int | None:
        return self.submission.object_id

    @cached_property
    def obj(self) -> models.Model | None:
        """What the first sending made, or None if it has since been deleted."""
        submission = self.submission
        if submission.content_type_id is None or submission.object_id is None:
            return None
        model = ContentType.objects.get_for_id(submission.content_type_id).model_class()
        if model is None:  # its app has since been removed
            return None
        return model._default_manager.filter(pk=submission.object_id).first()


class Claim:
    """A claimed key; `done(obj)` records what the submission made."""

    def __init__(self, row: FormSubmission | None) -> None:
        self.row = row

    def done(self, obj: models.Model) -> None:
        if self.row is None:
            return
        self.row.content_type = ContentType.objects.get_for_model(obj)
        self.row.object_id = obj.pk
        self.row.save(update_fields=["content_type", "object_id"])


def claim_submission(key: str | None, *, by: AbstractBaseUser, action: str) -> Claim:
    """Claim a form's one-time key for `action` by `by`, in the caller's transaction.

    Call it before anything else is written. No key (an old page, a script) claims nothing.
    Raises AlreadySubmitted when the key was claimed by a committed earlier sending, and
    ValidationError when it belongs to another person or another form.
    """
    if not key:
        return Claim(None)
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("claim_submission() must run inside the transaction it protects.")
    if len(key) > KEY_LENGTH or not key.isascii():
        raise ValidationError(_("Skjemaet er ugyldig. Last siden på nytt."), code="bad_key")
    for _attempt in range(2):
        try:
            # A savepoint: on PostgreSQL the insert waits for a concurrent sending with the
            # same key, and its unique violation must not spoil the caller's transaction.
            with transaction.atomic():
                return Claim(FormSubmission.objects.create(key=key, user_id=by.pk, action=action))
        except IntegrityError:
            earlier = FormSubmission.objects.filter(key=key).first()
        if earlier is None:
            continue  # pruned in between: claim it anew
        if earlier.user_id != by.pk or earlier.action != action:
            raise ValidationError(
                _("Skjemaet er allerede brukt. Last siden på nytt."), code="key_reused"
            )
        raise AlreadySubmitted(earlier)
    raise ValidationError(_("Skjemaet er ugyldig. Last siden på nytt."), code="bad_key")


def was_submitted(key: str | None, *, by: AbstractBaseUser, action: str) -> bool:
    """Whether `by` has already sent the form with this key for `action`: for a page whose
    first sending changes what the second would be checked against (a log made read-only
    by its transfer), so that the second shows the result, not a refusal."""
    if not key or len(key) > KEY_LENGTH:
        return False
    return FormSubmission.objects.filter(key=key, user_id=by.pk, action=action).exists()


def prune_submissions(*, now: datetime | None = None) -> int:
    """Forget keys older than any page that could still send them; returns how many."""
    cutoff = (now or timezone.now()) - KEEP_FOR
    deleted, _rows = FormSubmission.objects.filter(created_at__lt=cutoff).delete()
    return deleted
