"""The log as a whole and its child: creating, editing the child, the level, closing the
log for good, and the reads of it (R-LOG-01…06, R-SEC-01)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import ReadOnlyError
from common.submissions import claim_submission
from logs.checks import CHILD_FIELDS, complete_child, new_log_parts
from logs.enums import ConcernStatus, ConsentGiver, Level, LogKind, LogStatus, MeasureStatus
from logs.models import Child, Log, Measure
from logs.services._common import (
    changes,
    check_version,
    lock,
    masked,
    record_change,
    require_holder,
)
from logs.services.consents import new_consent, write_consent_file
from logs.services.guardians import invite_guardian
from logs.signals import log_set_passive
from organisations.enums import Role
from organisations.models import Membership, Unit


@transaction.atomic
def create_log(
    *,
    by: User,
    unit: Unit,
    child: dict,
    guardians: list[dict],
    level: int = Level.ONE,
    kind: str = LogKind.CHILD,
    consent: UploadedFile | None = None,
    consent_valid_until: date | None = None,
    consent_given_by: str = ConsentGiver.GUARDIANS,
    submission: str | None = None,
) -> Log:
    """Create a child's log with its guardians and, optionally, the signed consent.

    Every error in the data is reported at once, keyed by field ("guardians" for their
    number). `submission` is the form's one-time key: a second sending of the same form
    raises AlreadySubmitted with the first one's log (R-GEN-08).
    Side effects: the log's first history entry; audit event log.created; the consent's
    own events and file; each guardian with e-mail gets a login and an invitation (R-LOG-04).
    """
    claim = claim_submission(submission, by=by, action="log.created")
    if not Membership.objects.filter(user=by, unit=unit, role=Role.HOLDER).exists():
        raise ReadOnlyError(_("Du er ikke stafettholder i denne virksomheten."))
    consent_data = (
        {"file": consent, "valid_until": consent_valid_until, "given_by": consent_given_by}
        if consent is not None
        else {}
    )
    new_child, guardian_objects, errors = new_log_parts(
        municipality=unit.municipality,
        kind=kind,
        child=child,
        guardians=guardians,
        consent=consent_data,
        partial=False,
    )
    if level not in Level.values:
        errors["level"] = [_("Velg et gyldig nivå.")]
    if errors:
        raise ValidationError(errors)
    new_child.save()
    log = Log.objects.create(child=new_child, unit=unit, holder=by, level=level, kind=kind)
    for guardian in guardian_objects:
        guardian.log = log
        guardian.save()
    record_change(
        log, by=by, action="log.created", obj=log, after={"holder": str(by), "level": level}
    )
    for guardian in guardian_objects:
        invite_guardian(guardian, by=by)
    claim.done(log)
    if consent is not None:
        stored = new_consent(
            log, by=by, file=consent, valid_until=consent_valid_until, given_by=consent_given_by
        )
        write_consent_file(stored, consent)
    return log


@transaction.atomic
def update_child(log: Log, *, by: User, version: int | None = None, **fields: object) -> Child:
    """Edit the child's details. Side effects: history with the old values; audit."""
    log = lock(Log, log.pk)
    require_holder(by, log)
    check_version(log, version)
    child = log.child
    before, after = changes(child, {k: v for k, v in fields.items() if k in CHILD_FIELDS})
    for name, value in after.items():
        setattr(child, name, value if value is not None or name == "birth_date" else "")
    if "national_id" in after and after["national_id"] and "birth_date" not in after:
        child.birth_date = None
    complete_child(child, kind=log.kind, typed_birth_date="birth_date" in after)
    if after:
        child.save()
        log.version += 1
        log.save(update_fields=["version"])
        record_change(
            log,
            by=by,
            action="child.edited",
            obj=child,
            before=masked(before),
            after=masked(after),
            audit_data={"fields": list(after)},
        )
    return child


@transaction.atomic
def set_level(log: Log, *, by: User, level: int, version: int | None = None) -> Log:
    """Change the assessment level (R-LOG-03).

    Lowering to level 1 is refused while open measures have actors from other units.
    """
    log = lock(Log, log.pk)
    require_holder(by, log)
    check_version(log, version)
    if level not in Level.values:
        raise ValidationError({"level": _("Velg et gyldig nivå.")})
    if level == log.level:
        return log
    if level == Level.ONE:
        # Per attached actor (the through rows), not per measure: one outside actor among
        # several from the own unit must still block the change.
        own_unit = Membership.objects.filter(unit=log.unit, role=Role.ACTOR).values("user_id")
        outside = Measure.actors.through.objects.filter(
            measure__concern__log=log, measure__status=MeasureStatus.OPEN
        ).exclude(user_id__in=own_unit)
        if outside.exists():
            raise ValidationError(
                {
                    "level": _(
                        "Loggen har åpne tiltak med aktører fra andre virksomheter, og kan ikke "
                        "settes til nivå 1 før de er evaluert."
                    )
                }
            )
    before = {"level": log.level}
    log.level = level
    log.version += 1
    log.save(update_fields=["level", "version"])
    record_change(
        log,
        by=by,
        action="log.level_changed",
        obj=log,
        before=before,
        after={"level": level},
        audit_data={"level": level},
    )
    return log


@transaction.atomic
def set_log_passive(log: Log, *, by: User, confirmed: bool) -> Log:
    """Close the log for good (R-LOG-06): every concern closed, two confirmations.

    Side effects: the log is read-only for everyone from now on; history; audit; the
    log_set_passive signal, on which the archive queues the hand-over (R-ARCH-01).
    """
    log = lock(Log, log.pk)
    require_holder(by, log)
    if not confirmed:
        raise ValidationError(
            {"confirm": _("Bekreft at loggen skal settes passiv. Dette kan ikke angres.")}
        )
    if log.concerns.filter(status=ConcernStatus.OPEN).exists():
        raise ValidationError(
            _("Alle oppmerksomheter må være avsluttet før loggen kan settes passiv."),
            code="open_concerns",
        )
    if Measure.objects.filter(concern__log=log, status=MeasureStatus.OPEN).exists():
        raise ValidationError(
            _("Alle tiltak må være evaluert før loggen kan settes passiv."), code="open_measures"
        )
    log.status = LogStatus.PASSIVE
    log.passive_at = timezone.now()
    log.version += 1
    log.save(update_fields=["status", "passive_at", "version"])
    record_change(log, by=by, action="log.passive", obj=log)
    log_set_passive.send(sender=Log, log=log, by=by)
    return log
