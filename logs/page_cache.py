"""The log page's content, rendered once per change of the log and kept.

The log page is the page people open most, and most of its cost is rendering: the child,
guardians and consent, the concerns with their measures, the meetings, the glimpses, the
chain of holders and the history. Between two changes of the log these are the same for the
same person, so they are rendered once per (log, its rows and content version, person, role,
language, day) and kept in the cache: Redis when configured, otherwise each process's own
memory.

What makes this safe:
- The key holds a digest of the log's and the child's rows as the view fetched them, so any
  change of the log (holder, status, level, version) or the child shows at once, however it
  was written. What the page may do (edit, transfer, add a glimpse) follows from the person,
  the role and those rows alone (logs.rules), so the key covers it too.
- `Log.content_version` covers the rest: every save of a guardian, consent, concern,
  measure, evaluation, glimpse, transfer or history row of the log, a guardian's removal and
  every change of a measure's actors add one to it in the transaction of the change (the
  receivers below; meetings.log_page adds its own). The view reads the log first, so what is
  kept under a version is never older than that version, in whichever process or server.
- The key holds the person and the role because what one sees depends on both (an actor
  sees only the concerns they are on), and the day because a deadline or a consent passes
  at midnight. What it does not hold, a person's or a category's name changed elsewhere,
  shows at most PAGE_TTL late. Nothing of a log is deleted but the whole log
  (archive.retention), and a deleted log has no page.

Not kept: the access check and the read audit (the view fetches the log through
logs.access and records the read on every request), who has opened the log (it changes
with every read), the archive status, and the CSRF token: the content is rendered with a
mark in its place, and each request puts its own token there.
"""

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.cache import cache
from django.db.models import F, Model, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.template.loader import render_to_string
from django.utils.translation import get_language

from accounts.http import AuthenticatedHttpRequest
from accounts.models import RequestUser
from common.kept_html import csrf_mark, version_key
from common.splice import Part, pieces_of, size
from logs import rules
from logs.forms import LevelForm
from logs.models import (
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
from logs.queries import (
    concerns_with_measures,
    consents_visible_to,
    glimpses_visible_to,
    guardians_visible_to,
    revisions_visible_to,
    transfers_visible_to,
)
from logs.signals import log_page_sections
from organisations.enums import Role

# The log page shows the latest changes; the history page has them all (R-LOG-08).
LOG_PAGE_HISTORY = 20
PAGE_TTL = 600
# A log with hundreds of concerns is rendered each time rather than filling the cache.
LARGEST_KEPT = 256 * 1024
# The rendered parts kept, above and below the archive status; the rest of what is kept
# are facts the page needs besides.
HTML_PARTS = ("top", "main")
# Models of a log whose every save changes what its page shows.
SHOWN_ON_THE_PAGE = (Concern, Consent, Glimpse, Guardian, Revision, Transfer)


@dataclass(frozen=True)
class LogPage:
    top: Part
    main: Part
    all_concerns_closed: bool


def log_page(
    request: AuthenticatedHttpRequest,
    log: Log,
    role: Role | None,
    today: date,
    *,
    level_form: LevelForm | None = None,
) -> LogPage:
    """The content of `log`'s page as the person sees it, rendered, from the cache when
    nothing has changed since. `log` as logs.access.fetch_log gives it (child, unit and
    holder fetched along). `level_form`: a refused level change, shown with its error."""
    mark = csrf_mark()
    if level_form is not None:
        # A refused level change shows the person's own choice and its error: for them alone.
        kept = _render(request.user, log, role, today, level_form=level_form, csrf_mark=mark)
    else:
        key = _key(log, request.user, role, today)
        kept = cache.get(key)
        if kept is None:
            # The form as the page offers it, built only when the page is (issue 9): its
            # level and version are in the key.
            unbound = LevelForm(initial={"level": log.level, "version": log.version})
            kept = _render(request.user, log, role, today, level_form=unbound, csrf_mark=mark)
            if sum(size(kept[part]) for part in HTML_PARTS) < LARGEST_KEPT:
                cache.set(key, kept, PAGE_TTL)
    return LogPage(
        **{part: Part(request, kept[part]) for part in HTML_PARTS},
        all_concerns_closed=kept["all_concerns_closed"],
    )


def _key(log: Log, user: RequestUser, role: Role | None, today: date) -> str:
    # The rows as fetched for this request: a change of any of their fields is a new key.
    rows = [
        [getattr(obj, field.attname) for field in obj._meta.concrete_fields]
        for obj in (log, log.child)
    ]
    rows.append([log.unit.name, log.holder.first_name, log.holder.last_name])
    digest = hashlib.blake2b(repr(rows).encode(), digest_size=16).hexdigest()
    # The marks and the release too: after a new SECRET_KEY or a deploy, nothing kept
    # before is used.
    parts = ("log-page", log.pk, digest, user.pk, role, get_language(), today, version_key())
    return ":".join(str(part) for part in parts)


def _render(
    user: RequestUser,
    log: Log,
    role: Role | None,
    today: date,
    *,
    level_form: LevelForm,
    csrf_mark: str,
) -> dict[str, Any]:
    sensitive = rules.can_see_sensitive_details(role)
    can_edit = rules.can_edit_log(user, role, log)
    concerns = _concerns(user, role, log, today)
    glimpses = list(glimpses_visible_to(user, role).filter(log=log).select_related("author"))
    for glimpse in glimpses:
        glimpse.log = log
        glimpse.can_publish = rules.can_publish_glimpse(user, role, glimpse)  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "log": log,
        "role": role,
        "today": today,
        "sensitive": sensitive,
        "can_edit": can_edit,
        "read_only_reason": rules.read_only_reason(user, role, log),
        "holds": rules.holds(user, role, log),
        "can_add_glimpse": rules.can_add_glimpse(user, role, log),
        "shows_access_log": rules.can_see_access_log(user, role, log),
        "level_form": level_form,
        "concerns": concerns,
        "glimpses": glimpses,
        "csrf_token": csrf_mark,
        **_transfer_facts(user, role, log),
    }
    if sensitive:
        consents = list(consents_visible_to(user, role).filter(log=log))
        # One more than shown, to know whether to link to the whole history.
        revisions = list(
            revisions_visible_to(user, role)
            .filter(log=log)
            .select_related("by")[: LOG_PAGE_HISTORY + 1]
        )
        context |= {
            "guardians": list(guardians_visible_to(user, role).filter(log=log)),
            "consent": consents[0] if consents else None,
            "old_consents": consents[1:],
            "revisions": revisions[:LOG_PAGE_HISTORY],
            "more_history": len(revisions) > LOG_PAGE_HISTORY,
        }
    # What apps above show in the page (the meetings: meetings.log_page).
    extra_sections: dict[str, str] = {}
    for _receiver, sections in log_page_sections.send(
        sender=Log, log=log, user=user, role=role, today=today
    ):
        if isinstance(sections, dict):
            extra_sections.update(sections)
    context["extra_sections"] = extra_sections
    return {
        "top": pieces_of(render_to_string("logs/_log_top.html", context)),
        "main": pieces_of(render_to_string("logs/_log_main.html", context)),
        "all_concerns_closed": all(not c.is_open for c in concerns),
    }


def _concerns(user: RequestUser, role: Role | None, log: Log, today: date) -> list[Concern]:
    concerns = list(concerns_with_measures(user, role, log))
    for concern in concerns:
        concern.log = log
        measures = list(concern.measures.all())
        for measure in measures:
            measure.actor_list = list(measure.actors.all())  # type: ignore[attr-defined]
        # What the template shows of each, worked out here (templates never query).
        concern.measure_list = measures  # type: ignore[attr-defined]
        concern.has_overdue = any(m.is_overdue(today) for m in measures)  # type: ignore[attr-defined]
        concern.can_edit = rules.can_edit_concern(user, role, concern)  # type: ignore[attr-defined]
        # Offer «close» only when it will work (R-CONC-02).
        concern.can_close = bool(measures) and not any(m.is_open for m in measures)  # type: ignore[attr-defined]
    return concerns


def _transfer_facts(user: RequestUser, role: Role | None, log: Log) -> dict[str, Any]:
    """The chain of holders (R-TRAN-05) and the pending transfer with what the person may
    do about it: the holder withdraws, the recipient accepts or passes it on (R-TRAN-04)."""
    transfers = list(transfers_visible_to(user, role).filter(log=log))
    pending = next((t for t in transfers if t.is_pending), None)
    if pending is not None:
        pending.log = log
    return {
        "transfers": transfers,
        "pending_transfer": pending,
        "can_transfer": rules.can_transfer_log(user, role, log),
        "can_withdraw_transfer": pending is not None
        and rules.can_withdraw_transfer(user, role, pending),
        "can_decide_transfer": pending is not None
        and rules.can_decide_transfer(user, role, pending),
    }


def content_changed(logs: QuerySet[Log]) -> None:
    """What the pages of `logs` show has changed: their kept content is not used again.
    Call it in the transaction of the change."""
    logs.update(content_version=F("content_version") + 1)


def _saved(sender: type[Model], instance: Model, raw: bool = False, **kwargs: Any) -> None:
    if raw:  # loaddata: no page is open on a fixture
        return
    if isinstance(instance, SHOWN_ON_THE_PAGE):
        content_changed(Log.objects.filter(pk=instance.log_id))
    elif isinstance(instance, Measure):
        content_changed(Log.objects.filter(concerns=instance.concern_id))
    elif isinstance(instance, Evaluation):
        content_changed(Log.objects.filter(concerns__measures=instance.measure_id))


def _actors_changed(
    sender: type[Model],
    instance: Model,
    action: str,
    reverse: bool,
    pk_set: set[int] | None,
    **kwargs: Any,
) -> None:
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if not reverse:
        content_changed(Log.objects.filter(concerns__measures=instance.pk))
    elif pk_set:  # a person's measures changed from the person's side
        content_changed(Log.objects.filter(concerns__measures__in=pk_set))
    elif action == "pre_clear":
        content_changed(Log.objects.filter(concerns__measures__actors=instance.pk))


def connect() -> None:
    for model in (*SHOWN_ON_THE_PAGE, Measure, Evaluation):
        post_save.connect(_saved, sender=model, dispatch_uid=f"logs.page_cache.{model.__name__}")
    # A guardian is removed on their own; everything else of a log goes with the whole log.
    post_delete.connect(_saved, sender=Guardian, dispatch_uid="logs.page_cache.guardian_removed")
    m2m_changed.connect(
        _actors_changed, sender=Measure.actors.through, dispatch_uid="logs.page_cache.actors"
    )
