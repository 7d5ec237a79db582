"""Concerns, their measures and the measures' evaluations (R-CONC-01…02, R-MEAS-01…04,
R-LOG-07, R-LOG-08)."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import ReadOnlyError
from common.submissions import claim_submission
from logs import notices
from logs.enums import ConcernStatus, MeasureStatus, Outcome
from logs.models import Concern, Evaluation, Log, Measure
from logs.rules import ALREADY_EVALUATED, CONCERN_CLOSED, MEASURE_DEADLINE, MEASURE_EVALUATED
from logs.services._common import (
    changes,
    check_actors,
    check_version,
    clean,
    lock,
    record_change,
    require_holder,
)
from organisations.services import register_actor

CONCERN_FIELDS = ["category", "description", "goal", "child_voice"]
MEASURE_FIELDS = ["category", "description", "deadline"]


def with_new_actor(by: User, measure: dict[str, Any], new_actor: dict | None) -> dict[str, Any]:
    """The measure's fields with the new actor, if one was typed, registered and attached.

    Called inside the transaction that saves the measure: a refused measure leaves no
    half-registered actor behind (R-CONC-01, R-MEAS-01, R-MEET-03).
    """
    measure = dict(measure)
    if new_actor:
        person = register_actor(by=by, **new_actor)
        measure["actors"] = [*measure.get("actors", []), person]
    return measure


def _clean_item(item: Concern | Measure, log: Log, *, new_deadline: bool = False) -> None:
    """Every error of a concern or a measure at once: the model's own rules, a category of
    the log's municipality, and for a measure a plausible deadline when it is new (R-GEN-04)."""
    errors = {}
    exclude = ["concern", "created_by", "based_on", "actors"]
    if isinstance(item, Concern):
        exclude = ["log", "created_by"]
    try:
        clean(item, exclude=exclude)
    except ValidationError as error:
        errors.update(error.message_dict)
    deadline = getattr(item, "deadline", None)
    if new_deadline and deadline and (implausible := MEASURE_DEADLINE.message_for(deadline)):
        errors["deadline"] = [implausible]
    if item.category_id and item.category.municipality_id != log.unit.municipality_id:
        errors["category"] = [_("Velg en kategori fra listen.")]
    if errors:
        raise ValidationError(errors)


def _new_measure(
    concern: Concern, by: User, data: dict[str, Any], based_on: Measure | None = None
) -> Measure:
    measure = Measure(
        concern=concern,
        category=data.get("category"),
        description=data.get("description", ""),
        deadline=data.get("deadline"),  # type: ignore[misc]  # None: full_clean says so
        based_on=based_on,
        created_by=by,
    )
    _clean_item(measure, concern.log, new_deadline=True)
    actors = list(data.get("actors") or [])
    check_actors(concern.log, actors)
    measure.save()
    measure.actors.set(actors)
    return measure


def _start_edit(
    item: Concern | Measure,
    log_id: int,
    *,
    by: User,
    version: int | None,
    values: dict[str, Any],
    closed: str,
) -> tuple[Log, Any, dict[str, Any], dict[str, Any]]:
    """The common start of editing an open concern or measure: the log locked, then the
    item; only the holder; nobody else's save since `version`; still open. Returns the log,
    the locked item with the changed `values` set, and the (before, after) of those."""
    log = lock(Log, log_id)
    require_holder(by, log)
    item = lock(type(item), item.pk)
    check_version(item, version)
    if not item.is_open:
        raise ReadOnlyError(closed)
    before, after = changes(item, values)
    for name, value in after.items():
        setattr(item, name, value)
    return log, item, before, after


def _save_edit(
    log: Log,
    item: Concern | Measure,
    *,
    by: User,
    action: str,
    before: dict[str, Any],
    after: dict[str, Any],
) -> None:
    """Save an edited concern or measure with a new version, if anything changed; the old
    values stay in the log's history (R-LOG-08)."""
    if after:
        item.version += 1
        item.save()
        record_change(
            log,
            by=by,
            action=action,
            obj=item,
            before=before,
            after=after,
            audit_data={"fields": list(after)},
        )


# --- concerns -------------------------------------------------------------------------------


@transaction.atomic
def create_concern(
    log: Log,
    *,
    by: User,
    measure: dict[str, Any],
    new_actor: dict | None = None,
    submission: str | None = None,
    **fields: Any,
) -> Concern:
    """A concern and its first measure, in one step (R-CONC-01).

    `measure` holds category, description, deadline and actors; actors follow the level
    rule (R-LOG-03). `new_actor` (register_actor's fields) registers a new actor and attaches
    them to the measure; a refused concern registers nobody (R-MEET-03). Side effects:
    history; audit; a notice to each actor (R-NOTIFY-01). Once per form (`submission`,
    R-GEN-08): the key is claimed before anyone is registered.
    """
    claim = claim_submission(submission, by=by, action="concern.created")
    measure = with_new_actor(by, measure, new_actor)
    log = lock(Log, log.pk)
    require_holder(by, log)
    concern = Concern(
        log=log,
        created_by=by,
        **{k: fields.get(k, None if k == "category" else "") for k in CONCERN_FIELDS},
    )
    errors = {}
    try:
        _clean_item(concern, log)
    except ValidationError as error:
        errors.update(error.message_dict)
    probe = Concern(log=log)
    try:
        _clean_item(
            Measure(
                concern=probe,
                category=measure.get("category"),
                description=measure.get("description", ""),
                deadline=measure.get("deadline"),  # type: ignore[misc]  # None: full_clean says so
            ),
            log,
            new_deadline=True,
        )
        check_actors(log, measure.get("actors") or [])
    except ValidationError as error:
        errors.update({f"measure_{k}": v for k, v in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    concern.save()
    first = _new_measure(concern, by, measure)
    record_change(
        log, by=by, action="concern.created", obj=concern, after={"category": concern.category}
    )
    record_change(
        log, by=by, action="measure.created", obj=first, after={"category": first.category}
    )
    notices.notify_measure_actors(first, first.actors.all(), by=by)
    claim.done(concern)
    return concern


@transaction.atomic
def update_concern(
    concern: Concern, *, by: User, version: int | None = None, **fields: Any
) -> Concern:
    """Edit an open concern; the old text stays in the log's history (R-LOG-08)."""
    log, concern, before, after = _start_edit(
        concern,
        concern.log_id,
        by=by,
        version=version,
        values={k: v for k, v in fields.items() if k in CONCERN_FIELDS},
        closed=str(CONCERN_CLOSED),
    )
    _clean_item(concern, log)
    _save_edit(log, concern, by=by, action="concern.edited", before=before, after=after)
    return concern


@transaction.atomic
def close_concern(concern: Concern, *, by: User) -> Concern:
    """Close a concern when every measure on it is evaluated (R-CONC-02)."""
    log = lock(Log, concern.log_id)
    require_holder(by, log)
    concern = lock(Concern, concern.pk)
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
    record_change(log, by=by, action="concern.closed", obj=concern)
    return concern


# --- measures -------------------------------------------------------------------------------


@transaction.atomic
def add_measure(
    concern: Concern,
    *,
    by: User,
    based_on: Measure | None = None,
    new_actor: dict | None = None,
    submission: str | None = None,
    **fields: Any,
) -> Measure:
    """A new measure on an open concern (R-MEAS-01); `based_on` links a follow-up
    (R-MEAS-03, R-MEAS-04); `new_actor` as in create_concern. Side effects: history; audit;
    a notice to each actor. Once per form (`submission`, R-GEN-08)."""
    claim = claim_submission(submission, by=by, action="measure.created")
    fields = with_new_actor(by, fields, new_actor)
    log = lock(Log, concern.log_id)
    require_holder(by, log)
    concern = lock(Concern, concern.pk)
    if not concern.is_open:
        raise ReadOnlyError(_("Oppmerksomheten er avsluttet. Opprett en ny oppmerksomhet."))
    if based_on is not None and based_on.concern_id != concern.pk:
        raise ValidationError(_("Tiltaket det bygger på, hører til en annen oppmerksomhet."))
    measure = _new_measure(concern, by, fields, based_on=based_on)
    record_change(
        log,
        by=by,
        action="measure.created",
        obj=measure,
        after={"category": measure.category, "based_on": based_on.pk if based_on else None},
    )
    notices.notify_measure_actors(measure, measure.actors.all(), by=by)
    claim.done(measure)
    return measure


@transaction.atomic
def update_measure(
    measure: Measure, *, by: User, version: int | None = None, **fields: Any
) -> Measure:
    """Edit a measure until it is evaluated (R-LOG-08); actors follow the level rule."""
    log, measure, before, after = _start_edit(
        measure,
        measure.concern.log_id,
        by=by,
        version=version,
        values={k: v for k, v in fields.items() if k in MEASURE_FIELDS},
        closed=str(MEASURE_EVALUATED),
    )
    _clean_item(measure, log, new_deadline="deadline" in after)
    added = []
    if "actors" in fields:
        new_actors = list(fields["actors"])
        check_actors(log, new_actors)
        old_ids = set(measure.actors.values_list("pk", flat=True))
        if old_ids != {a.pk for a in new_actors}:
            before["actors"] = sorted(old_ids)
            after["actors"] = sorted(a.pk for a in new_actors)
            measure.actors.set(new_actors)
            added = [a for a in new_actors if a.pk not in old_ids]
    _save_edit(log, measure, by=by, action="measure.edited", before=before, after=after)
    notices.notify_measure_actors(measure, added, by=by)
    return measure


@transaction.atomic
def extend_deadline(measure: Measure, *, by: User, deadline: date) -> Measure:
    """Give an open measure a new deadline, from today on (R-MEAS-04, R-GEN-04)."""
    require_holder(by, lock(Log, measure.concern.log_id))
    if deadline is None:
        raise ValidationError({"deadline": _("Fyll inn en ny frist.")})
    MEASURE_DEADLINE.validate(deadline, field="deadline")
    return update_measure(measure, by=by, deadline=deadline)


# --- evaluations ----------------------------------------------------------------------------


def _evaluate(measure: Measure, by: User, outcome: str, text: str, child_voice: str) -> Evaluation:
    log = lock(Log, measure.concern.log_id)
    require_holder(by, log)
    measure = lock(Measure, measure.pk)
    if not measure.is_open or Evaluation.objects.filter(measure=measure).exists():
        raise ValidationError(str(ALREADY_EVALUATED), code="evaluated")
    evaluation = Evaluation(
        measure=measure,
        outcome=outcome,
        text=(text or "").strip(),
        child_voice=(child_voice or "").strip(),
        evaluated_by=by,
    )
    clean(evaluation, exclude=["measure", "evaluated_by"])
    evaluation.save()
    measure.status = MeasureStatus.EVALUATED
    measure.version += 1
    measure.save(update_fields=["status", "version"])
    record_change(
        log,
        by=by,
        action="measure.evaluated",
        obj=measure,
        after={"outcome": outcome},
        audit_data={"outcome": outcome},
    )
    return evaluation


@transaction.atomic
def evaluate_measure(
    measure: Measure,
    *,
    by: User,
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
def mark_deadline_passed(measure: Measure, *, by: User, text: str = "") -> Evaluation:
    """Close an overdue measure without effect: status *deadline passed* (R-MEAS-04)."""
    require_holder(by, lock(Log, measure.concern.log_id))
    measure = lock(Measure, measure.pk)
    if not measure.is_overdue():
        raise ValidationError(_("Fristen for tiltaket er ikke passert."), code="not_overdue")
    return _evaluate(measure, by, Outcome.DEADLINE_PASSED, text or _("Fristen er passert."), "")
