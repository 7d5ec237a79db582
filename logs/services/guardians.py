"""A child's guardians and how they get in: adding and editing them, the e-mailed
invitation, the printed letter, and what activating or confirming an invitation does to
the log (R-LOG-04, R-LOG-05, R-GUAR-02).

accounts owns the tokens (issue, find, use) and imports nothing of logs: when a token that
carries a guardian is used, accounts sends a signal (accounts.signals), and the receivers
here, connected in logs.apps.LogsConfig.ready, link the login to the guardian in the same
transaction.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ActivationToken, User
from accounts.services import ACTIVATION_VALID_FOR, IssuedActivation, issue_activation
from audit.services import record
from common.errors import ReadOnlyError
from common.submissions import claim_submission
from logs.checks import GUARDIAN_FIELDS, MAX_GUARDIANS
from logs.enums import LogKind
from logs.letter import render_letter
from logs.models import Guardian, Log
from logs.rules import can_edit_log
from logs.services._common import (
    changes,
    clean,
    lock,
    masked,
    record_change,
    require_holder,
)
from logs.services.reads import record_log_view
from notifications.enums import Kind
from notifications.services import queue_email
from organisations.enums import Role


@transaction.atomic
def add_guardian(log: Log, *, by: User, submission: str | None = None, **fields: Any) -> Guardian:
    """Add a guardian (at most four, R-LOG-04). Side effects: history; audit; with an
    e-mail address, a login and an invitation. Once per form (`submission`, R-GEN-08)."""
    claim = claim_submission(submission, by=by, action="guardian.added")
    log = lock(Log, log.pk)
    require_holder(by, log)
    if log.guardians.count() >= MAX_GUARDIANS:
        raise ValidationError(_("En logg kan ha høyst fire foresatte."), code="guardian_count")
    guardian = Guardian(log=log, **{k: fields.get(k, "") for k in GUARDIAN_FIELDS})
    clean(guardian, exclude=["user"])
    guardian.save()
    record_change(log, by=by, action="guardian.added", obj=guardian, after={"name": str(guardian)})
    invite_guardian(guardian, by=by)
    claim.done(guardian)
    return guardian


@transaction.atomic
def update_guardian(guardian: Guardian, *, by: User, **fields: Any) -> Guardian:
    log = lock(Log, guardian.log_id)
    require_holder(by, log)
    guardian = lock(Guardian, guardian.pk)
    before, after = changes(guardian, {k: v for k, v in fields.items() if k in GUARDIAN_FIELDS})
    for name, value in after.items():
        setattr(guardian, name, value)
    clean(guardian, exclude=["user"])
    if after:
        guardian.save()
        record_change(
            log,
            by=by,
            action="guardian.edited",
            obj=guardian,
            before=masked(before),
            after=masked(after),
            audit_data={"fields": list(after)},
        )
    if "national_id" in after:
        _unlink_other_number(guardian, by=by)
    if "email" in after:
        invite_guardian(guardian, by=by)
    return guardian


@transaction.atomic
def remove_guardian(guardian: Guardian, *, by: User) -> None:
    """Remove a guardian; a child's log keeps at least one (R-LOG-05)."""
    log = lock(Log, guardian.log_id)
    require_holder(by, log)
    if log.kind == LogKind.CHILD and log.guardians.count() <= 1:
        raise ValidationError(
            _("En logg for et barn må ha minst én foresatt."), code="guardian_count"
        )
    record_change(
        log, by=by, action="guardian.removed", obj=guardian, before={"name": str(guardian)}
    )
    guardian.delete()


@transaction.atomic
def link_guardian_login(guardian: Guardian, *, user: User, by: User | None = None) -> Guardian:
    """Connect a guardian record to the person's login, giving them the guardian role.

    Used by the activation flow (R-GUAR-02) and the demo data. Side effects: history; audit.
    """
    guardian = lock(Guardian, guardian.pk)
    guardian.user = user
    guardian.save(update_fields=["user"])
    record_change(guardian.log, by=by or user, action="guardian.linked", obj=guardian)
    return guardian


def _unlink_other_number(guardian: Guardian, *, by: User) -> None:
    """A corrected number takes the guardianship from a login known by another number: that
    login was recognised by the number now said to be wrong (R-SEC-02)."""
    user = guardian.user
    if user is not None and user.national_id and user.national_id != guardian.national_id:
        guardian.user = None
        guardian.save(update_fields=["user"])
        record(actor=by, action="guardian.unlinked", obj=guardian, log_id=guardian.log_id)


# --- invitations (R-LOG-04, R-GUAR-02) --------------------------------------------------------


@transaction.atomic
def invite_guardian(guardian: Guardian, *, by: User) -> None:
    """Give a guardian with an e-mail address a login and e-mail the invitation (R-LOG-04).

    The person with that address is reused; otherwise a user without a usable password is
    created. Either way the guardian record is linked to it. Someone who can already log in
    gets a notice with a link; anyone else an activation link (7 days, single use). A login
    linked earlier but never activated is unlinked, and its invitation revoked, when the
    address has changed or been removed (it may have gone to the wrong person).
    Side effects: the user, the link (audited; the log's history shows it when the
    guardian activates), the token, the queued e-mail.
    """
    email = (guardian.email or "").strip().lower()
    person = User.objects.filter(email__iexact=email).first() if email else None
    if guardian.user_id is not None and guardian.user_id != getattr(person, "pk", None):
        if guardian.user is not None and guardian.user.has_usable_password():
            return  # An activated login stays; the person keeps their own address current.
        guardian.user = None
        guardian.save(update_fields=["user"])
        guardian.activation_tokens.filter(used_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        record(actor=by, action="guardian.unlinked", obj=guardian, log_id=guardian.log_id)
    if not email:
        return
    if person is None:
        person = User.objects.create_user(
            email, first_name=guardian.first_name, last_name=guardian.last_name
        )
        record(actor=by, action="user.registered", obj=person, data={"via": "guardian"})
    if not person.is_active:
        return
    # Someone who can already log in is linked only when they confirm, logged in, from the
    # e-mail: a mistyped address must not open a child's log to a stranger.
    confirm = person.has_usable_password()
    if not confirm and guardian.user_id != person.pk:
        guardian.user = person
        guardian.save(update_fields=["user"])
        record(actor=by, action="guardian.linked", obj=guardian, log_id=guardian.log_id)
    issued = issue_activation(
        channel=ActivationToken.Channel.EMAIL, user=person, guardian=guardian, by=by
    )
    context = {
        "municipality": guardian.log.unit.municipality.name,
        "link": issued.url,
        "valid_days": ACTIVATION_VALID_FOR.days,
        "confirm": confirm,
    }
    queue_email(
        kind=Kind.GUARDIAN_INVITATION,
        to=person.email,
        template="notifications/email/guardian_invitation",
        context=context,
        user=person,
    )


@transaction.atomic
def issue_guardian_letter(guardian: Guardian, *, by: User) -> IssuedActivation:
    """*Skriv ut invitasjon*: a code for a printed letter to a guardian (R-LOG-04, R-GUAR-02).

    Only the log's holder, on an active log, and only while the guardian cannot log in yet.
    A new letter makes the previous code worthless. Side effects: the token; audit.
    """
    # Locked, so that two letters printed at once cannot leave two valid codes.
    guardian = (
        Guardian.objects.select_for_update(of=("self",))
        .select_related("log", "user")
        .get(pk=guardian.pk)
    )
    if not can_edit_log(by, Role.HOLDER, guardian.log):
        raise ReadOnlyError(_("Bare stafettholderen kan skrive ut invitasjoner."))
    if guardian.user is not None and guardian.user.has_usable_password():
        raise ValidationError(
            _("%(name)s har allerede en innlogging.") % {"name": guardian.first_name},
            code="has_login",
        )
    issued = issue_activation(
        channel=ActivationToken.Channel.LETTER, user=guardian.user, guardian=guardian, by=by
    )
    record(
        actor=by,
        action="guardian.invitation_printed",
        obj=guardian,
        log_id=guardian.log_id,
    )
    return issued


@transaction.atomic
def print_guardian_letter(guardian: Guardian, *, by: User, page: str) -> bytes:
    """The printed letter as PDF, with a new code (R-LOG-04, R-GUAR-02).

    One transaction: a letter that cannot be made leaves no code behind. Side effects: those
    of issue_guardian_letter (the guardian's earlier codes stop working); a read of the log
    by `page` (R-SEC-01).
    """
    issued = issue_guardian_letter(guardian, by=by)
    pdf = render_letter(guardian, issued)
    record_log_view(guardian.log, by=by, page=page, about=guardian)
    return pdf


# --- what using an invitation does to the log (receivers of accounts.signals) ----------------


def link_on_activation(sender: Any, *, token: ActivationToken, user: User, **kwargs: Any) -> None:
    """The guardian part of accounts.services.activate: the new (or now activated) login
    becomes the guardian's (R-GUAR-02). Side effects: history; audit guardian.linked."""
    guardian = token.guardian
    if guardian is not None and guardian.user_id != user.pk:
        link_guardian_login(guardian, user=user, by=user)


def confirm_guardianship(
    sender: Any,
    *,
    token: ActivationToken,
    by: User,
    request: HttpRequest | None = None,
    **kwargs: Any,
) -> None:
    """The invited person, logged in, confirms they are this guardian (R-LOG-04, R-GUAR-02):
    the guardian part of accounts.services.confirm_invitation, which has checked the token.

    Side effects: the guardian is linked to their login (history, audit guardian.linked);
    audit guardian.confirmed.
    """
    guardian = token.guardian
    if guardian is None:
        return
    link_guardian_login(guardian, user=by, by=by)
    record(
        actor=by,
        action="guardian.confirmed",
        obj=guardian,
        request=request,
        log_id=guardian.log_id,
    )
