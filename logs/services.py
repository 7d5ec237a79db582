"""Every change of a log goes through here: the rule is checked, the change made, the log's
history and the audit trail written, all in one transaction.

Rules that concern who may change what raise ReadOnlyError (a 403 with a message);
rules about the data raise ValidationError, keyed by form field where there is one.
"""

import contextlib
import logging
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.services import invite_guardian
from accounts.validators import mask_national_id
from audit.services import record, record_each
from common.errors import ConflictError, ReadOnlyError
from common.submissions import claim_submission
from logs import notices
from logs.checks import (
    CHILD_FIELDS,
    GUARDIAN_FIELDS,
    MAX_GUARDIANS,
    complete_child,
    consent_errors,
    new_log_parts,
)
from logs.enums import (
    ConcernStatus,
    ConsentGiver,
    Level,
    LogKind,
    LogStatus,
    MeasureStatus,
    Outcome,
    TransferStatus,
)
from logs.models import (
    Child,
    Concern,
    Consent,
    Evaluation,
    Glimpse,
    Guardian,
    Log,
    Measure,
    Revision,
    Transfer,
)
from logs.queries import actors_allowed_for, logs_visible_to
from logs.rules import (
    GLIMPSE_DATE,
    MEASURE_DEADLINE,
    can_publish_glimpse,
    read_only_reason,
)
from notifications.enums import Kind
from notifications.services import queue_email
from organisations.enums import Role
from organisations.models import Membership, Unit

logger = logging.getLogger(__name__)

STORAGE_ERROR = gettext_lazy(
    "Filen kunne ikke lagres på grunn av en feil på serveren. Ingenting er lagret. Prøv igjen "
    "om litt, og kontakt brukerstøtten hvis feilen ikke går over."
)
CONCERN_FIELDS = ["category", "description", "goal", "child_voice"]
MEASURE_FIELDS = ["category", "description", "deadline"]


# --- helpers -------------------------------------------------------------------------------


def _lock(model, pk):
    return model.objects.select_for_update().get(pk=pk)


def require_holder(by, log: Log) -> None:
    """Only the holder changes an active log; the same rule, in the same words, as the pages
    show (logs.rules.read_only_reason)."""
    reason = read_only_reason(by, Role.HOLDER, log)
    if reason:
        raise ReadOnlyError(reason)


def _check_version(obj, version: int | None) -> None:
    if version is not None and obj.version != version:
        raise ConflictError()


def _plain(value):
    """A JSON-friendly copy of a field value for the log's history."""
    if hasattr(value, "pk"):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def revise(log: Log, by, action: str, obj=None, before=None, after=None) -> None:
    Revision.objects.create(
        log=log,
        action=action,
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=obj.pk if obj is not None else None,
        before={k: _plain(v) for k, v in (before or {}).items()},
        after={k: _plain(v) for k, v in (after or {}).items()},
        by=by,
    )


def _masked(values: dict) -> dict:
    """The history is shown on screen: national ID numbers only masked there (R-SEC-03)."""
    return {k: mask_national_id(v) if k == "national_id" else v for k, v in values.items()}


def _changes(obj, fields: dict) -> tuple[dict, dict]:
    before, after = {}, {}
    for name, value in fields.items():
        old = getattr(obj, name)
        if old != value:
            before[name], after[name] = old, value
    return before, after


def _clean(obj, exclude=None) -> None:
    obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


def _check_actors(log: Log, actors, *, level: int | None = None) -> None:
    """Actors must be in the municipality; outside the holder's unit only at level 2–3."""
    actors = list(actors)
    if not actors:
        return
    allowed = set(actors_allowed_for(log, level=level).values_list("pk", flat=True))
    refused = [a for a in actors if a.pk not in allowed]
    if refused:
        if (level or log.level) == Level.ONE and set(
            actors_allowed_for(log, level=Level.TWO).values_list("pk", flat=True)
        ).issuperset(a.pk for a in refused):
            message = _(
                "På nivå 1 kan bare aktører fra egen virksomhet velges. Endre nivå til 2 eller 3 "
                "for å knytte til aktører fra andre virksomheter."
            )
        else:
            message = _("Aktøren finnes ikke i kommunen.")
        raise ValidationError({"actors": message}, code="actor_not_allowed")


# --- the log and the child ------------------------------------------------------------------


@transaction.atomic
def create_log(
    *,
    by,
    unit: Unit,
    child: dict,
    guardians: list[dict],
    level: int = Level.ONE,
    kind: str = LogKind.CHILD,
    consent=None,
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
    revise(log, by, "log.created", log, after={"holder": str(by), "level": level})
    record(actor=by, action="log.created", obj=log, log_id=log.pk)
    for guardian in guardian_objects:
        invite_guardian(guardian, by=by)
    claim.done(log)
    if consent is not None:
        stored = _new_consent(
            log, by=by, file=consent, valid_until=consent_valid_until, given_by=consent_given_by
        )
        _write_consent_file(stored, consent)
    return log


@transaction.atomic
def update_child(log: Log, *, by, version: int | None = None, **fields) -> Child:
    """Edit the child's details. Side effects: history with the old values; audit."""
    log = _lock(Log, log.pk)
    require_holder(by, log)
    _check_version(log, version)
    child = log.child
    before, after = _changes(child, {k: v for k, v in fields.items() if k in CHILD_FIELDS})
    for name, value in after.items():
        setattr(child, name, value if value is not None or name == "birth_date" else "")
    if "national_id" in after and after["national_id"] and "birth_date" not in after:
        child.birth_date = None
    complete_child(child, kind=log.kind, typed_birth_date="birth_date" in after)
    if after:
        child.save()
        log.version += 1
        log.save(update_fields=["version"])
        revise(log, by, "child.edited", child, _masked(before), _masked(after))
        record(
            actor=by, action="child.edited", obj=child, log_id=log.pk, data={"fields": list(after)}
        )
    return child


@transaction.atomic
def set_level(log: Log, *, by, level: int, version: int | None = None) -> Log:
    """Change the assessment level (R-LOG-03).

    Lowering to level 1 is refused while open measures have actors from other units.
    """
    log = _lock(Log, log.pk)
    require_holder(by, log)
    _check_version(log, version)
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
    revise(log, by, "log.level_changed", log, before, {"level": level})
    record(actor=by, action="log.level_changed", obj=log, log_id=log.pk, data={"level": level})
    return log


# --- guardians ------------------------------------------------------------------------------


@transaction.atomic
def add_guardian(log: Log, *, by, submission: str | None = None, **fields) -> Guardian:
    """Add a guardian (at most four, R-LOG-04). Side effects: history; audit; with an
    e-mail address, a login and an invitation. Once per form (`submission`, R-GEN-08)."""
    claim = claim_submission(submission, by=by, action="guardian.added")
    log = _lock(Log, log.pk)
    require_holder(by, log)
    if log.guardians.count() >= MAX_GUARDIANS:
        raise ValidationError(_("En logg kan ha høyst fire foresatte."), code="guardian_count")
    guardian = Guardian(log=log, **{k: fields.get(k, "") for k in GUARDIAN_FIELDS})
    _clean(guardian, exclude=["user"])
    guardian.save()
    revise(log, by, "guardian.added", guardian, after={"name": str(guardian)})
    record(actor=by, action="guardian.added", obj=guardian, log_id=log.pk)
    invite_guardian(guardian, by=by)
    claim.done(guardian)
    return guardian


@transaction.atomic
def update_guardian(guardian: Guardian, *, by, **fields) -> Guardian:
    log = _lock(Log, guardian.log_id)
    require_holder(by, log)
    guardian = _lock(Guardian, guardian.pk)
    before, after = _changes(guardian, {k: v for k, v in fields.items() if k in GUARDIAN_FIELDS})
    for name, value in after.items():
        setattr(guardian, name, value)
    _clean(guardian, exclude=["user"])
    if after:
        guardian.save()
        revise(log, by, "guardian.edited", guardian, before, after)
        record(
            actor=by,
            action="guardian.edited",
            obj=guardian,
            log_id=log.pk,
            data={"fields": list(after)},
        )
    if "email" in after:
        invite_guardian(guardian, by=by)
    return guardian


@transaction.atomic
def remove_guardian(guardian: Guardian, *, by) -> None:
    """Remove a guardian; a child's log keeps at least one (R-LOG-05)."""
    log = _lock(Log, guardian.log_id)
    require_holder(by, log)
    if log.kind == LogKind.CHILD and log.guardians.count() <= 1:
        raise ValidationError(
            _("En logg for et barn må ha minst én foresatt."), code="guardian_count"
        )
    revise(log, by, "guardian.removed", guardian, before={"name": str(guardian)})
    record(actor=by, action="guardian.removed", obj=guardian, log_id=log.pk)
    guardian.delete()


# --- consent --------------------------------------------------------------------------------


def _new_consent(log: Log, *, by, file, valid_until: date, given_by: str) -> Consent:
    """The consent row under a new random file name, with its history and audit rows; the
    caller writes the file with _write_consent_file as the last step of its transaction."""
    consent = Consent(
        log=log,
        original_name=(getattr(file, "name", "") or "samtykke.pdf")[-200:],
        size=file.size,
        valid_until=valid_until,
        given_by=given_by,
        uploaded_by=by,
    )
    consent.file.name = consent.file.field.generate_filename(consent, "consent.pdf")
    consent.save()
    if log.consent_renewal_needed:
        # The renewed consent asked for after a transfer to another unit (R-LOG-02).
        log.consent_renewal_needed = False
        log.save(update_fields=["consent_renewal_needed"])
    revise(log, by, "consent.uploaded", consent, after={"valid_until": valid_until})
    record(actor=by, action="consent.uploaded", obj=consent, log_id=log.pk)
    return consent


def _write_consent_file(consent: Consent, file) -> None:
    """Write the consent's file, last (R-LOG-02).

    A failure before it leaves nothing on disk, and a disk that refuses it rolls the whole
    transaction back, so that no consent (and no new log) is saved without its file. A disk
    error is a message at the file field, never a 500; what was typed stays (R-GEN-04).
    """
    storage, name = consent.file.storage, consent.file.name
    try:
        stored = storage.save(name, file, max_length=consent.file.field.max_length)
    except OSError:
        logger.exception("A consent file could not be written to the upload folder.")
        with contextlib.suppress(OSError):
            storage.delete(name)  # a half-written file
        raise ValidationError({"file": STORAGE_ERROR}, code="storage") from None
    if stored != name:
        consent.file.name = stored
        consent.save(update_fields=["file"])


@transaction.atomic
def upload_consent(
    log: Log,
    *,
    by,
    file,
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
    log = _lock(Log, log.pk)
    require_holder(by, log)
    errors = consent_errors(
        {"file": file, "valid_until": valid_until, "given_by": given_by}, log.child
    )
    if errors:
        raise ValidationError(errors)
    consent = _new_consent(log, by=by, file=file, valid_until=valid_until, given_by=given_by)
    claim.done(consent)
    _write_consent_file(consent, file)
    return consent


def record_consent_download(consent: Consent, *, by) -> None:
    record(actor=by, action="consent.downloaded", obj=consent, log_id=consent.log_id)


# --- concerns and measures ------------------------------------------------------------------


def _new_measure(concern: Concern, by, data: dict, based_on: Measure | None = None) -> Measure:
    measure = Measure(
        concern=concern,
        category=data.get("category"),
        description=data.get("description", ""),
        deadline=data.get("deadline"),
        based_on=based_on,
        created_by=by,
    )
    _clean_measure(measure, concern.log, new_deadline=True)
    actors = list(data.get("actors") or [])
    _check_actors(concern.log, actors)
    measure.save()
    measure.actors.set(actors)
    return measure


def _clean_measure(measure: Measure, log: Log, *, new_deadline: bool) -> None:
    errors = {}
    try:
        _clean(measure, exclude=["concern", "created_by", "based_on", "actors"])
    except ValidationError as error:
        errors.update(error.message_dict)
    if new_deadline and measure.deadline and MEASURE_DEADLINE.message_for(measure.deadline):
        errors["deadline"] = [MEASURE_DEADLINE.message_for(measure.deadline)]
    if measure.category_id and measure.category.municipality_id != log.unit.municipality_id:
        errors["category"] = [_("Velg en kategori fra listen.")]
    if errors:
        raise ValidationError(errors)


def _clean_concern(concern: Concern, log: Log) -> None:
    errors = {}
    try:
        _clean(concern, exclude=["log", "created_by"])
    except ValidationError as error:
        errors.update(error.message_dict)
    if concern.category_id and concern.category.municipality_id != log.unit.municipality_id:
        errors["category"] = [_("Velg en kategori fra listen.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_concern(
    log: Log, *, by, measure: dict, submission: str | None = None, **fields
) -> Concern:
    """A concern and its first measure, in one step (R-CONC-01).

    `measure` holds category, description, deadline and actors; actors follow the level
    rule (R-LOG-03). Side effects: history; audit; a notice to each actor (R-NOTIFY-01).
    Once per form (`submission`, R-GEN-08).
    """
    claim = claim_submission(submission, by=by, action="concern.created")
    log = _lock(Log, log.pk)
    require_holder(by, log)
    concern = Concern(
        log=log,
        created_by=by,
        **{k: fields.get(k, None if k == "category" else "") for k in CONCERN_FIELDS},
    )
    errors = {}
    try:
        _clean_concern(concern, log)
    except ValidationError as error:
        errors.update(error.message_dict)
    probe = Concern(log=log)
    try:
        _clean_measure(
            Measure(
                concern=probe,
                category=measure.get("category"),
                description=measure.get("description", ""),
                deadline=measure.get("deadline"),
            ),
            log,
            new_deadline=True,
        )
        _check_actors(log, measure.get("actors") or [])
    except ValidationError as error:
        errors.update({f"measure_{k}": v for k, v in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    concern.save()
    first = _new_measure(concern, by, measure)
    revise(log, by, "concern.created", concern, after={"category": concern.category})
    revise(log, by, "measure.created", first, after={"category": first.category})
    record(actor=by, action="concern.created", obj=concern, log_id=log.pk)
    record(actor=by, action="measure.created", obj=first, log_id=log.pk)
    notices.notify_measure_actors(first, first.actors.all(), by=by)
    claim.done(concern)
    return concern


@transaction.atomic
def update_concern(concern: Concern, *, by, version: int | None = None, **fields) -> Concern:
    """Edit an open concern; the old text stays in the log's history (R-LOG-08)."""
    log = _lock(Log, concern.log_id)
    require_holder(by, log)
    concern = _lock(Concern, concern.pk)
    _check_version(concern, version)
    if not concern.is_open:
        raise ReadOnlyError(_("Oppmerksomheten er avsluttet og kan ikke endres."))
    before, after = _changes(concern, {k: v for k, v in fields.items() if k in CONCERN_FIELDS})
    for name, value in after.items():
        setattr(concern, name, value)
    _clean_concern(concern, log)
    if after:
        concern.version += 1
        concern.save()
        revise(log, by, "concern.edited", concern, before, after)
        record(
            actor=by,
            action="concern.edited",
            obj=concern,
            log_id=log.pk,
            data={"fields": list(after)},
        )
    return concern


@transaction.atomic
def close_concern(concern: Concern, *, by) -> Concern:
    """Close a concern when every measure on it is evaluated (R-CONC-02)."""
    log = _lock(Log, concern.log_id)
    require_holder(by, log)
    concern = _lock(Concern, concern.pk)
    if not concern.is_open:
        raise ValidationError(_("Oppmerksomheten er allerede avsluttet."), code="closed")
    if concern.measures.filter(status=MeasureStatus.OPEN).exists():
        raise ValidationError(
            _("Alle tiltak må være evaluert før oppmerksomheten kan avsluttes."),
            code="open_measures",
        )
    concern.status = ConcernStatus.CLOSED
    concern.closed_at = timezone.now()
    concern.version += 1
    concern.save(update_fields=["status", "closed_at", "version"])
    revise(log, by, "concern.closed", concern)
    record(actor=by, action="concern.closed", obj=concern, log_id=log.pk)
    return concern


@transaction.atomic
def add_measure(
    concern: Concern,
    *,
    by,
    based_on: Measure | None = None,
    submission: str | None = None,
    **fields,
) -> Measure:
    """A new measure on an open concern (R-MEAS-01); `based_on` links a follow-up
    (R-MEAS-03, R-MEAS-04). Side effects: history; audit; a notice to each actor.
    Once per form (`submission`, R-GEN-08)."""
    claim = claim_submission(submission, by=by, action="measure.created")
    log = _lock(Log, concern.log_id)
    require_holder(by, log)
    concern = _lock(Concern, concern.pk)
    if not concern.is_open:
        raise ReadOnlyError(_("Oppmerksomheten er avsluttet. Opprett en ny oppmerksomhet."))
    if based_on is not None and based_on.concern_id != concern.pk:
        raise ValidationError(_("Tiltaket det bygger på, hører til en annen oppmerksomhet."))
    measure = _new_measure(concern, by, fields, based_on=based_on)
    revise(
        log,
        by,
        "measure.created",
        measure,
        after={"category": measure.category, "based_on": based_on.pk if based_on else None},
    )
    record(actor=by, action="measure.created", obj=measure, log_id=log.pk)
    notices.notify_measure_actors(measure, measure.actors.all(), by=by)
    claim.done(measure)
    return measure


@transaction.atomic
def update_measure(measure: Measure, *, by, version: int | None = None, **fields) -> Measure:
    """Edit a measure until it is evaluated (R-LOG-08); actors follow the level rule."""
    log = _lock(Log, measure.concern.log_id)
    require_holder(by, log)
    measure = _lock(Measure, measure.pk)
    _check_version(measure, version)
    if not measure.is_open:
        raise ReadOnlyError(_("Tiltaket er evaluert og kan ikke endres."))
    before, after = _changes(measure, {k: v for k, v in fields.items() if k in MEASURE_FIELDS})
    for name, value in after.items():
        setattr(measure, name, value)
    _clean_measure(measure, log, new_deadline="deadline" in after)
    actors_changed, added = False, []
    if "actors" in fields:
        new_actors = list(fields["actors"])
        _check_actors(log, new_actors)
        old_ids = set(measure.actors.values_list("pk", flat=True))
        if old_ids != {a.pk for a in new_actors}:
            actors_changed = True
            before["actors"] = sorted(old_ids)
            after["actors"] = sorted(a.pk for a in new_actors)
            measure.actors.set(new_actors)
            added = [a for a in new_actors if a.pk not in old_ids]
    if after or actors_changed:
        measure.version += 1
        measure.save()
        revise(log, by, "measure.edited", measure, before, after)
        record(
            actor=by,
            action="measure.edited",
            obj=measure,
            log_id=log.pk,
            data={"fields": list(after)},
        )
    notices.notify_measure_actors(measure, added, by=by)
    return measure


def _evaluate(measure: Measure, by, outcome: str, text: str, child_voice: str) -> Evaluation:
    log = _lock(Log, measure.concern.log_id)
    require_holder(by, log)
    measure = _lock(Measure, measure.pk)
    if not measure.is_open or Evaluation.objects.filter(measure=measure).exists():
        raise ValidationError(_("Tiltaket er allerede evaluert."), code="evaluated")
    evaluation = Evaluation(
        measure=measure,
        outcome=outcome,
        text=(text or "").strip(),
        child_voice=(child_voice or "").strip(),
        evaluated_by=by,
    )
    _clean(evaluation, exclude=["measure", "evaluated_by"])
    evaluation.save()
    measure.status = MeasureStatus.EVALUATED
    measure.version += 1
    measure.save(update_fields=["status", "version"])
    revise(log, by, "measure.evaluated", measure, after={"outcome": outcome})
    record(
        actor=by,
        action="measure.evaluated",
        obj=measure,
        log_id=log.pk,
        data={"outcome": outcome},
    )
    return evaluation


@transaction.atomic
def evaluate_measure(
    measure: Measure,
    *,
    by,
    outcome: str,
    text: str,
    child_voice: str = "",
    submission: str | None = None,
) -> Evaluation:
    """Evaluate a measure, exactly once (R-MEAS-03, R-LOG-07).

    After *some effect* or *registered in error* the page offers a new measure prefilled
    from this one (see add_measure's `based_on`). A second sending of the same form
    (`submission`) raises AlreadySubmitted with the first one's evaluation (R-GEN-08).
    """
    claim = claim_submission(submission, by=by, action="measure.evaluated")
    if outcome not in Outcome.values or outcome == Outcome.DEADLINE_PASSED:
        raise ValidationError({"outcome": _("Velg et resultat.")})
    evaluation = _evaluate(measure, by, outcome, text, child_voice)
    claim.done(evaluation)
    return evaluation


@transaction.atomic
def mark_deadline_passed(measure: Measure, *, by, text: str = "") -> Evaluation:
    """Close an overdue measure without effect: status *deadline passed* (R-MEAS-04)."""
    require_holder(by, _lock(Log, measure.concern.log_id))
    measure = _lock(Measure, measure.pk)
    if not measure.is_overdue():
        raise ValidationError(_("Fristen for tiltaket er ikke passert."), code="not_overdue")
    return _evaluate(measure, by, Outcome.DEADLINE_PASSED, text or _("Fristen er passert."), "")


@transaction.atomic
def extend_deadline(measure: Measure, *, by, deadline: date) -> Measure:
    """Give an open measure a new deadline, from today on (R-MEAS-04, R-GEN-04)."""
    require_holder(by, _lock(Log, measure.concern.log_id))
    if deadline is None:
        raise ValidationError({"deadline": _("Fyll inn en ny frist.")})
    MEASURE_DEADLINE.validate(deadline, field="deadline")
    return update_measure(measure, by=by, deadline=deadline)


# --- the log as a whole ---------------------------------------------------------------------


@transaction.atomic
def set_log_passive(log: Log, *, by, confirmed: bool) -> Log:
    """Close the log for good (R-LOG-06): every concern closed, two confirmations.

    Side effects: the log is read-only for everyone from now on; history; audit.
    """
    log = _lock(Log, log.pk)
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
    revise(log, by, "log.passive", log)
    record(actor=by, action="log.passive", obj=log, log_id=log.pk)
    return log


# What counts as having opened a log, for its access list (R-SEC-01).
READ_ACTIONS = ("log.viewed", "consent.downloaded")


def record_log_view(log: Log, *, by, page: str = "logs:detail", about=None) -> None:
    """Every page that shows a log's data records a read of the log (R-SEC-01). The log is
    the object, so the log's access list shows it; `page` (a URL name) and `about` (the
    concern, measure, meeting… the page is about) say what was read."""
    record(actor=by, action="log.viewed", obj=log, log_id=log.pk, data=_read_data(page, about))


def record_log_views(logs, *, by, page: str) -> None:
    """One read per log shown on a page that shows several, in one query (R-SEC-01)."""
    objs = [(log, log.pk) for log in logs]
    if objs:
        record_each(actor=by, action="log.viewed", objs=objs, data=_read_data(page, None))


def _read_data(page: str, about) -> dict:
    data = {"page": page}
    if about is not None:
        data[about._meta.model_name] = about.pk
    return data


# --- glimpses -------------------------------------------------------------------------------


@transaction.atomic
def create_glimpse(
    log: Log,
    *,
    by,
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
    log = _lock(Log, log.pk)
    if log.status != LogStatus.ACTIVE:
        raise ReadOnlyError(_("Loggen kan ikke endres nå."))
    if role not in (Role.HOLDER, Role.ACTOR, Role.GUARDIAN):
        raise ReadOnlyError(_("Du kan ikke legge til lysglimt i denne loggen."))
    # Not only trusting the caller's fetch: an actor must be attached, a guardian the
    # child's own, a holder the log's holder (R-ROLE-05, R-ROLE-06).
    if not logs_visible_to(by, role).filter(pk=log.pk).exists():
        raise ReadOnlyError(_("Du kan ikke legge til lysglimt i denne loggen."))
    GLIMPSE_DATE.validate(happened_on, field="happened_on")
    glimpse = Glimpse(
        log=log,
        text=(text or "").strip(),
        happened_on=happened_on,
        author=by,
        author_role=role,
        published_at=timezone.now() if publish else None,
    )
    _clean(glimpse, exclude=["log", "author"])
    glimpse.save()
    revise(log, by, "glimpse.created", glimpse, after={"published": publish})
    record(actor=by, action="glimpse.created", obj=glimpse, log_id=log.pk)
    if publish:
        notices.notify_glimpse_published(glimpse, by=by)
    claim.done(glimpse)
    return glimpse


@transaction.atomic
def publish_glimpse(glimpse: Glimpse, *, by, role: Role) -> Glimpse:
    """Make a glimpse visible to the actors and guardians of the log (R-GLIM-01)."""
    glimpse = Glimpse.objects.select_for_update().select_related("log").get(pk=glimpse.pk)
    if not can_publish_glimpse(by, role, glimpse):
        raise ReadOnlyError(_("Du kan ikke publisere dette lysglimtet."))
    glimpse.published_at = timezone.now()
    glimpse.save(update_fields=["published_at"])
    revise(glimpse.log, by, "glimpse.published", glimpse)
    record(actor=by, action="glimpse.published", obj=glimpse, log_id=glimpse.log_id)
    notices.notify_glimpse_published(glimpse, by=by)
    return glimpse


@transaction.atomic
def link_guardian_login(guardian: Guardian, *, user, by=None) -> Guardian:
    """Connect a guardian record to the person's login, giving them the guardian role.

    Used by the activation flow (R-GUAR-02) and the demo data. Side effects: history; audit.
    """
    guardian = _lock(Guardian, guardian.pk)
    guardian.user = user
    guardian.save(update_fields=["user"])
    revise(guardian.log, by or user, "guardian.linked", guardian)
    record(actor=by or user, action="guardian.linked", obj=guardian, log_id=guardian.log_id)
    return guardian


# --- transfer (R-TRAN-01…05) ------------------------------------------------------------------


def _holds_unit(user, unit: Unit) -> bool:
    return (
        user.is_active
        and Membership.objects.filter(user=user, unit=unit, role=Role.HOLDER).exists()
    )


def _check_transfer(log: Log, *, by, to_user, to_unit, reason, consent_confirmed) -> str:
    """The rules of a new transfer; returns the cleaned reason. Errors are keyed by field.

    Within the municipality only (R-TRAN-01); to a holder of the chosen unit, not oneself;
    a reason; across units the consent confirmed (R-TRAN-02).
    """
    errors: dict[str, list[str]] = {}
    in_municipality = to_unit is not None and to_unit.municipality_id == log.unit.municipality_id
    if not in_municipality:
        errors["to_unit"] = [_("Velg en virksomhet i kommunen.")]
    if to_user is None:
        errors["to_user"] = [_("Velg den nye stafettholderen.")]
    elif to_user.pk == by.pk:
        errors["to_user"] = [_("Du kan ikke overføre loggen til deg selv.")]
    elif in_municipality and not _holds_unit(to_user, to_unit):
        errors["to_user"] = [_("Personen er ikke stafettholder i den valgte virksomheten.")]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Skriv hvorfor loggen overføres.")]
    if in_municipality and to_unit.pk != log.unit_id and not consent_confirmed:
        errors["consent_confirmed"] = [
            _("Bekreft at foresatte har samtykket til at loggen overføres til den nye tjenesten.")
        ]
    if in_municipality and to_unit.pk != log.unit_id and _level_one_with_actors(log):
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
    log: Log, *, by, to_user, to_unit, reason: str, consent_confirmed, previous=None
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
    revise(log, by, action, transfer, after={"holder": str(to_user), "unit": str(to_unit)})
    record(
        actor=by,
        action=action,
        obj=transfer,
        log_id=log.pk,
        data={
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
    log = _lock(Log, transfer.log_id)
    transfer = _lock(Transfer, transfer.pk)
    if not transfer.is_pending:
        raise ValidationError(
            _("Overføringen er allerede avgjort, og kan ikke endres."), code="not_pending"
        )
    return log, transfer


def _require_recipient(by, transfer: Transfer) -> None:
    if transfer.to_user_id != by.pk:
        raise ReadOnlyError(_("Bare mottakeren kan svare på overføringen."))


def _decide(transfer: Transfer, by, status: str) -> None:
    transfer.status = status
    transfer.decided_at = timezone.now()
    transfer.decided_by = by
    transfer.save(update_fields=["status", "decided_at", "decided_by"])


@transaction.atomic
def transfer_log(
    log: Log,
    *,
    by,
    to_user,
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
    log = _lock(Log, log.pk)
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
def accept_transfer(transfer: Transfer, *, by) -> Log:
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
    revise(
        log, by, "transfer.accepted", transfer, before, {"holder": str(by), "unit": str(log.unit)}
    )
    record(
        actor=by,
        action="transfer.accepted",
        obj=transfer,
        log_id=log.pk,
        data={"from_holder": previous_holder_id, "to_unit": log.unit_id},
    )
    return log


@transaction.atomic
def forward_transfer(
    transfer: Transfer,
    *,
    by,
    to_user,
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
def withdraw_transfer(transfer: Transfer, *, by) -> Log:
    """The holder takes a pending transfer back: the log is active again, same holder.

    The holder who sent it is still the log's holder while it waits, also after the
    recipient has passed it on, so they can withdraw the hand-over at any point.

    Side effects: the transfer withdrawn; log status active; history; audit
    transfer.withdrawn.
    """
    log, transfer = _lock_pending(transfer)
    if log.holder_id != by.pk:
        raise ReadOnlyError(_("Bare stafettholderen kan trekke tilbake overføringen."))
    _decide(transfer, by, TransferStatus.WITHDRAWN)
    log.status = LogStatus.ACTIVE
    log.version += 1
    log.save(update_fields=["status", "version"])
    revise(log, by, "transfer.withdrawn", transfer)
    record(actor=by, action="transfer.withdrawn", obj=transfer, log_id=log.pk)
    return log
