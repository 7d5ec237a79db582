"""Glimpses (*lysglimt*): the good moments the holder, the actors and the guardians write
into the log (R-GLIM-01)."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import ReadOnlyError, require_editable
from common.submissions import claim_submission
from logs import notices
from logs.models import Glimpse, Log
from logs.queries import logs_visible_to
from logs.rules import GLIMPSE_DATE, NO_GLIMPSE_HERE, add_glimpse_refusal, can_publish_glimpse
from logs.services._common import clean, lock, record_change
from organisations.enums import Role


@transaction.atomic
def create_glimpse(
    log: Log,
    *,
    by: User,
    role: Role,
    text: str,
    happened_on: date,
    publish: bool = False,
    submission: str | None = None,
) -> Glimpse:
    """A glimpse by the holder, an actor or a guardian of an active log (R-GLIM-01).

    The caller has fetched `log` through logs_visible_to(by, role). Side effects: history;
    audit; publishing notifies actors and guardians (R-NOTIFY-01). Once per form
    (`submission`, R-GEN-08).
    """
    claim = claim_submission(submission, by=by, action="glimpse.created")
    log = lock(Log, log.pk)
    require_editable(add_glimpse_refusal(by, role, log))
    # Not only trusting the caller's fetch: an actor must be attached, a guardian the
    # child's own, a holder the log's holder (R-ROLE-05, R-ROLE-06).
    if not logs_visible_to(by, role).filter(pk=log.pk).exists():
        raise ReadOnlyError(str(NO_GLIMPSE_HERE))
    GLIMPSE_DATE.validate(happened_on, field="happened_on")
    glimpse = Glimpse(
        log=log,
        text=(text or "").strip(),
        happened_on=happened_on,
        author=by,
        author_role=role,
        published_at=timezone.now() if publish else None,
    )
    clean(glimpse, exclude=["log", "author"])
    glimpse.save()
    record_change(log, by=by, action="glimpse.created", obj=glimpse, after={"published": publish})
    if publish:
        notices.notify_glimpse_published(glimpse, by=by)
    claim.done(glimpse)
    return glimpse


@transaction.atomic
def publish_glimpse(glimpse: Glimpse, *, by: User, role: Role | None) -> Glimpse:
    """Make a glimpse visible to the actors and guardians of the log (R-GLIM-01)."""
    glimpse = Glimpse.objects.select_for_update().select_related("log").get(pk=glimpse.pk)
    if not can_publish_glimpse(by, role, glimpse):
        raise ReadOnlyError(_("Du kan ikke publisere dette lysglimtet."))
    glimpse.published_at = timezone.now()
    glimpse.save(update_fields=["published_at"])
    record_change(glimpse.log, by=by, action="glimpse.published", obj=glimpse)
    notices.notify_glimpse_published(glimpse, by=by)
    return glimpse
