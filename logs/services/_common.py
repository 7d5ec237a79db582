"""What every change of a log shares: the locks, the holder rule, the version check, and
the one helper that writes the log's history and the audit trail together (record_change).

meetings.services uses these too, so that a meeting is changed the same way as the log.
"""

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, Protocol, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.validators import mask_national_id
from audit.services import record
from common.errors import ConflictError, require_editable
from logs.enums import Level
from logs.models import Log, Revision
from logs.queries import actors_allowed_for
from logs.rules import read_only_reason
from organisations.enums import Role

M = TypeVar("M", bound=models.Model)


def lock(model: type[M], pk: int, *related: str) -> M:
    """The row, locked until the transaction ends (R-SEC-05). Lock the log before anything
    in it, always in that order, so that two changes never wait on each other."""
    query = model._default_manager.select_for_update()
    if related:
        query = query.select_related(*related)
    return query.get(pk=pk)


def require_holder(by: User, log: Log) -> None:
    """Only the holder changes an active log; the same rule, in the same words, as the pages
    show (logs.rules.read_only_reason)."""
    require_editable(read_only_reason(by, Role.HOLDER, log))


class Versioned(Protocol):
    """A record edited with optimistic locking (R-SEC-05)."""

    version: int


def check_version(obj: Versioned, version: int | None) -> None:
    """Someone else's save since the form was shown is a conflict, not an overwrite."""
    if version is not None and obj.version != version:
        raise ConflictError()


def _plain(value: Any) -> Any:
    """A JSON-friendly copy of a field value for the log's history."""
    if hasattr(value, "pk"):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def revise(
    log: Log,
    by: User,
    action: str,
    obj: models.Model | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> None:
    """One row of the log's history (R-LOG-08); see record_change for a change."""
    Revision.objects.create(
        log=log,
        action=action,
        object_type=(obj._meta.model_name or "") if obj is not None else "",
        object_id=obj.pk if obj is not None else None,
        before={k: _plain(v) for k, v in (before or {}).items()},
        after={k: _plain(v) for k, v in (after or {}).items()},
        by=by,
    )


def record_change(
    log: Log,
    *,
    by: User,
    action: str,
    obj: models.Model | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    audit_action: str | None = None,
    audit_data: dict[str, Any] | None = None,
) -> None:
    """A change of a log, written where people look for it: the log's history (what changed,
    shown on screen) and the audit trail (who did it; `audit_data` never holds case text or
    national ID numbers). `audit_action` when the audit names it otherwise than the history.
    Callers run it inside the transaction of the change."""
    revise(log, by, action, obj, before, after)
    record(actor=by, action=audit_action or action, obj=obj, log_id=log.pk, data=audit_data)


def masked(values: dict[str, Any]) -> dict[str, Any]:
    """The history is shown on screen: national ID numbers only masked there (R-SEC-03)."""
    return {k: mask_national_id(v) if k == "national_id" else v for k, v in values.items()}


def changes(obj: models.Model, fields: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The (before, after) values of the fields that differ from `obj`'s."""
    before, after = {}, {}
    for name, value in fields.items():
        old = getattr(obj, name)
        if old != value:
            before[name], after[name] = old, value
    return before, after


def clean(obj: models.Model, exclude: list[str] | None = None) -> None:
    obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


def check_actors(log: Log, actors: Iterable[User], *, level: int | None = None) -> None:
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
