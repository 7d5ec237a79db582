"""Handing a log over to another holder: transfer, accept, forward, withdraw
(R-TRAN-01…05), and a leader's hand-over of a leaving holder's logs (R-LEAD-01). While a
transfer waits, the log is read-only for everyone."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import ReadOnlyError, require_editable
from common.submissions import claim_submission
from logs.enums import Level, LogStatus, MeasureStatus, TransferStatus
from logs.models import Log, Measure, Transfer
from logs.rules import decide_refusal, withdraw_refusal
from logs.services._common import lock, record_change, require_holder
from notifications.enums import Kind
from notifications.services import queue_email
from organisations.enums import Role
from organisations.models import Membership, Unit
from organisations.queries import units_led_by


def _holds_unit(user: User, unit: Unit) -> bool:
    return (
        user.is_active
        and Membership.objects.filter(user=user, unit=unit, role=Role.HOLDER).exists()
    )


def _check_transfer(
    log: Log,
    *,
    by: User,
    to_user: User | None,
    to_unit: Unit | None,
    reason: str,
    consent_confirmed: bool,
) -> str:
    """The rules of a new transfer; returns the cleaned reason. Errors are keyed by field.

    Within the municipality only (R-TRAN-01); to a holder of the chosen unit, not oneself;
    a reason; across units the consent confirmed (R-TRAN-02).
    """
    errors: dict[str, list[str]] = {}
    # The chosen unit if it is one of the log's municipality, else None.
    same = to_unit is not None and to_unit.municipality_id == log.unit.municipality_id
    unit = to_unit if same else None
    if unit is None:
        errors["to_unit"] = [_("Velg en virksomhet i kommunen.")]
    if to_user is None:
        errors["to_user"] = [_("Velg den nye stafettholderen.")]
    elif to_user.pk == by.pk:
        errors["to_user"] = [_("Du kan ikke overføre loggen til deg selv.")]
    elif unit is not None and not _holds_unit(to_user, unit):
        errors["to_user"] = [_("Personen er ikke stafettholder i den valgte virksomheten.")]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Skriv hvorfor loggen overføres.")]
    other_unit = unit is not None and unit.pk != log.unit_id
    if other_unit and not consent_confirmed:
        errors["consent_confirmed"] = [
            _("Bekreft at foresatte har samtykket til at loggen overføres til den nye tjenesten.")
        ]
    if other_unit and _level_one_with_actors(log):
        # In the new unit today's actors would be outside actors, which level 1 forbids.
        errors["to_unit"] = [
            _(
                "Loggen er på nivå 1 og har aktører på åpne tiltak. Sett nivå 2 eller 3 før "
                "loggen overføres til en annen virksomhet."
            )
        ]
    if errors:
        raise ValidationError(errors)
    return reason


def _level_one_with_actors(log: Log) -> bool:
    return (
        log.level == Level.ONE
        and Measure.objects.filter(
            concern__log=log, status=MeasureStatus.OPEN, actors__isnull=False
        ).exists()
    )


def _open_transfer(
    log: Log,
    *,
    by: User,
    to_user: User,
    to_unit: Unit,
    reason: str,
    consent_confirmed: bool,
    previous: Transfer | None = None,
) -> Transfer:
    """A new pending transfer, its history and audit rows, and the recipient's e-mail."""
    transfer = Transfer.objects.create(
        log=log,
        from_holder=by,
        from_unit=log.unit,
        to_user=to_user,
        to_unit=to_unit,
        reason=reason,
        consent_confirmed=bool(consent_confirmed),
        previous=previous,
    )
    action = "transfer.forwarded" if previous is not None else "transfer.created"
    record_change(
        log,
        by=by,
        action=action,
        obj=transfer,
        after={"holder": str(to_user), "unit": str(to_unit)},
        audit_data={
            "to_user": to_user.pk,
            "to_unit": to_unit.pk,
            "crosses_units": transfer.crosses_units,
        },
    )
    # A notice and a link only: no child name, national ID or case text (R-NOTIFY-01).
    queue_email(
        kind=Kind.TRANSFER,
        to=to_user.email,
        user=to_user,
        template="notifications/email/transfer_waiting",
        context={"log_url": reverse("logs:detail", args=[log.pk])},
    )
    return transfer


def _lock_pending(transfer: Transfer) -> tuple[Log, Transfer]:
    """Lock the log, then the transfer (always in this order: no deadlocks), and make sure
    it is still pending; of two people deciding at once, the second gets this error."""
    log = lock(Log, transfer.log_id)
    transfer = lock(Transfer, transfer.pk)
    if not transfer.is_pending:
        raise ValidationError(
            _("Overføringen er allerede avgjort, og kan ikke endres."), code="not_pending"
        )
    return log, transfer


def _require_recipient(by: User, transfer: Transfer) -> None:
    require_editable(decide_refusal(by, Role.HOLDER, transfer))


def _decide(transfer: Transfer, by: User, status: str) -> None:
    transfer.status = status
    transfer.decided_at = timezone.now()
    transfer.decided_by = by
    transfer.save(update_fields=["status", "decided_at", "decided_by"])


@transaction.atomic
def transfer_log(
    log: Log,
    *,
    by: User,
    to_user: User,
    to_unit: Unit,
    reason: str,
    consent_confirmed: bool = False,
    submission: str | None = None,
) -> Transfer:
    """Hand an active log over to a holder in the same or another unit of the municipality.

    Only the holder; never outside the municipality (R-TRAN-01); a reason, and across units
    the guardians' consent confirmed (R-TRAN-02). The log waits, read-only for everyone,
    until the recipient decides (R-TRAN-03).

    Side effects: log status transfer_pending; a pending Transfer; history; audit
    transfer.created; an e-mail to the recipient (a notice and a link only). Once per form
    (`submission`, R-GEN-08).
    """
    claim = claim_submission(submission, by=by, action="transfer.created")
    log = lock(Log, log.pk)
    require_holder(by, log)
    reason = _check_transfer(
        log,
        by=by,
        to_user=to_user,
        to_unit=to_unit,
        reason=reason,
        consent_confirmed=consent_confirmed,
    )
    transfer = _open_transfer(
        log,
        by=by,
        to_user=to_user,
        to_unit=to_unit,
        reason=reason,
        consent_confirmed=consent_confirmed,
    )
    log.status = LogStatus.TRANSFER_PENDING
    log.version += 1
    log.save(update_fields=["status", "version"])
    claim.done(transfer)
    return transfer


@transaction.atomic
def accept_transfer(transfer: Transfer, *, by: User) -> Log:
    """The recipient takes the log over (R-TRAN-04).

    The recipient becomes holder, in the transfer's unit, and the log is active again; the
    previous holder loses holder access. A log that moved to another unit is flagged for a
    renewed consent (R-LOG-02), cleared by the next upload.

    Side effects: the transfer accepted; history; audit transfer.accepted.
    """
    log, transfer = _lock_pending(transfer)
    _require_recipient(by, transfer)
    if not _holds_unit(by, transfer.to_unit):
        raise ReadOnlyError(
            _("Du er ikke lenger stafettholder i virksomheten loggen ble sendt til.")
        )
    before = {"holder": str(log.holder), "unit": str(log.unit)}
    previous_holder_id = log.holder_id
    if transfer.to_unit_id != log.unit_id:
        log.consent_renewal_needed = True
    log.holder = by
    log.unit = transfer.to_unit
    log.status = LogStatus.ACTIVE
    log.version += 1
    log.save(update_fields=["holder", "unit", "status", "version", "consent_renewal_needed"])
    _decide(transfer, by, TransferStatus.ACCEPTED)
    record_change(
        log,
        by=by,
        action="transfer.accepted",
        obj=transfer,
        before=before,
        after={"holder": str(by), "unit": str(log.unit)},
        audit_data={"from_holder": previous_holder_id, "to_unit": log.unit_id},
    )
    return log


@transaction.atomic
def forward_transfer(
    transfer: Transfer,
    *,
    by: User,
    to_user: User,
    to_unit: Unit,
    reason: str,
    consent_confirmed: bool = False,
    submission: str | None = None,
) -> Transfer:
    """*Not accept*: the recipient passes the log on to another person (R-TRAN-04).

    The same rules as transfer_log, seen from the recipient; "across units" is measured
    from the log's unit, which does not change until someone accepts. The log stays
    pending and read-only, with the same holder until then.

    Side effects: the transfer forwarded; a new pending Transfer linked to it; history;
    audit transfer.forwarded; an e-mail to the new recipient. Once per form (`submission`,
    R-GEN-08).
    """
    claim = claim_submission(submission, by=by, action="transfer.forwarded")
    log, transfer = _lock_pending(transfer)
    _require_recipient(by, transfer)
    reason = _check_transfer(
        log,
        by=by,
        to_user=to_user,
        to_unit=to_unit,
        reason=reason,
        consent_confirmed=consent_confirmed,
    )
    # Close the old one first: at most one pending transfer per log, also in the database.
    _decide(transfer, by, TransferStatus.FORWARDED)
    forwarded = _open_transfer(
        log,
        by=by,
        to_user=to_user,
        to_unit=to_unit,
        reason=reason,
        consent_confirmed=consent_confirmed,
        previous=transfer,
    )
    claim.done(forwarded)
    return forwarded


@transaction.atomic
def withdraw_transfer(transfer: Transfer, *, by: User) -> Log:
    """The holder takes a pending transfer back: the log is active again, same holder.

    The holder who sent it is still the log's holder while it waits, also after the
    recipient has passed it on, so they can withdraw the hand-over at any point.

    Side effects: the transfer withdrawn; log status active; history; audit
    transfer.withdrawn.
    """
    log, transfer = _lock_pending(transfer)
    transfer.log = log
    require_editable(withdraw_refusal(by, Role.HOLDER, transfer))
    _decide(transfer, by, TransferStatus.WITHDRAWN)
    log.status = LogStatus.ACTIVE
    log.version += 1
    log.save(update_fields=["status", "version"])
    record_change(log, by=by, action="transfer.withdrawn", obj=transfer)
    return log


@transaction.atomic
def hand_over_logs(from_holder: User, *, to_holder: User, unit: Unit, by: User, reason: str) -> int:
    """A leader hands every active log `from_holder` holds in `unit` to another holder of
    the same unit (R-LEAD-01), e.g. before deactivating them: a transfer in the leader's
    name, accepted at once, since the holder who would send it is leaving and the log must
    never be left without someone who can work in it.

    Refused (ReadOnlyError) for a unit outside the leader's reach (organisations.queries.
    units_led_by); a ValidationError keyed "to_holder" for the same person, a deactivated
    person or one who is not holder of the unit. Same unit, so no new consent is needed
    (R-TRAN-02). Returns how many logs moved.

    Side effects, per log: holder changed; an accepted Transfer (from the old holder, decided
    by the leader); history and audit transfer.handed_over (no child data). One e-mail to
    the new holder: how many logs, and a link to their list (no child data, R-NOTIFY-01).
    """
    if not units_led_by(by).filter(pk=unit.pk).exists():
        raise ReadOnlyError(_("Du er ikke leder for denne virksomheten."))
    if to_holder.pk == from_holder.pk:
        raise ValidationError(
            {"to_holder": [_("Velg en annen stafettholder enn den som har loggene nå.")]}
        )
    if not _holds_unit(to_holder, unit):
        raise ValidationError(
            {"to_holder": [_("Personen er ikke aktiv stafettholder i virksomheten.")]}
        )
    reason = (reason or "").strip()
    pks = list(
        Log.objects.filter(holder=from_holder, unit=unit, status=LogStatus.ACTIVE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    now = timezone.now()
    moved = 0
    for pk in pks:
        log = lock(Log, pk)
        if log.holder_id != from_holder.pk or log.status != LogStatus.ACTIVE:
            continue  # changed by someone else meanwhile
        transfer = Transfer.objects.create(
            log=log,
            from_holder=from_holder,
            from_unit=unit,
            to_user=to_holder,
            to_unit=unit,
            reason=reason,
            status=TransferStatus.ACCEPTED,
            decided_at=now,
            decided_by=by,
        )
        log.holder = to_holder
        log.version += 1
        log.save(update_fields=["holder", "version"])
        record_change(
            log,
            by=by,
            action="transfer.handed_over",
            obj=transfer,
            before={"holder": str(from_holder)},
            after={"holder": str(to_holder)},
            audit_data={"from_holder": from_holder.pk, "to_user": to_holder.pk, "unit": unit.pk},
        )
        moved += 1
    if moved:
        queue_email(
            kind=Kind.TRANSFER,
            to=to_holder.email,
            user=to_holder,
            template="notifications/email/logs_handed_over",
            context={"count": moved, "logs_url": reverse("logs:list")},
        )
    return moved
