"""The log page's concerns, glimpses and history, rendered once per change of the log.

The log page is the page people open most, and most of its cost is rendering the concerns
with their measures, the glimpses and the history. Between two changes of the log these are
the same for the same person, so they are rendered once per (log, its content version and
version, person, role, language, day) and kept in the cache: Redis when configured, otherwise
each process's own memory.

What makes this safe is `Log.content_version`: every save of a concern, measure, evaluation,
glimpse or history row of the log, and every change of a measure's actors, adds one to it in
the transaction of the change (the receivers below). A page rendered after a change therefore
never finds the sections of before, in whichever process or server it runs. Changes of the
log itself (holder, status, level: what the edit buttons depend on) add to `Log.version`,
which the key holds too. The key holds the person and the role because what one sees
depends on both (an actor sees only the concerns they are on), and the day because a
deadline passes at midnight. What it does not hold, a person's or a category's name changed
elsewhere, shows at most SECTIONS_TTL late. Nothing of a log is deleted but the whole log
(archive.retention), and a deleted log has no page.

The access check and the read audit are not cached: the view fetches the log through
logs.access and records the read on every request. The CSRF token is not cached either: the
sections are rendered with a mark in its place, and each request puts its own token there.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.cache import cache
from django.db.models import F, Model, QuerySet
from django.db.models.signals import m2m_changed, post_save
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from accounts.http import AuthenticatedHttpRequest
from logs import rules
from logs.models import Concern, Evaluation, Glimpse, Log, Measure, Revision
from logs.queries import concerns_with_measures, glimpses_visible_to, revisions_visible_to
from organisations.enums import Role

# The log page shows the latest changes; the history page has them all (R-LOG-08).
LOG_PAGE_HISTORY = 20
SECTIONS_TTL = 600
# A log with hundreds of concerns is rendered each time rather than filling the cache.
LARGEST_KEPT = 256 * 1024
# The rendered parts kept; the rest of what is kept are facts the page needs besides.
HTML_PARTS = ("concerns", "glimpses", "history")


@dataclass(frozen=True)
class Sections:
    concerns: SafeString
    glimpses: SafeString
    history: SafeString
    more_history: bool
    all_concerns_closed: bool


def log_sections(
    request: AuthenticatedHttpRequest, log: Log, role: Role | None, today: date, *, can_edit: bool
) -> Sections:
    """The concerns, glimpses and (for those who see it) history of `log` as the person
    sees them, rendered, from the cache when nothing has changed since."""
    user = request.user
    key = ":".join(
        str(part)
        for part in (
            "log-sections",
            log.pk,
            log.content_version,
            log.version,
            user.pk,
            role,
            get_language(),
            today.isoformat(),
        )
    )
    mark = _csrf_mark()
    kept = cache.get(key)
    if kept is None:
        kept = _render(request, log, role, today, can_edit=can_edit, csrf_mark=mark)
        if sum(len(kept[part]) for part in HTML_PARTS) < LARGEST_KEPT:
            cache.set(key, kept, SECTIONS_TTL)
    token = get_token(request)
    return Sections(
        **{
            part: mark_safe(kept[part].replace(mark, token))  # noqa: S308 - rendered by us
            for part in HTML_PARTS
        },
        more_history=kept["more_history"],
        all_concerns_closed=kept["all_concerns_closed"],
    )


def _csrf_mark() -> str:
    # The same in every process (a shared cache), and nothing a person could type.
    return salted_hmac("logs.page_cache.csrf", "mark").hexdigest()


def _render(
    request: AuthenticatedHttpRequest,
    log: Log,
    role: Role | None,
    today: date,
    *,
    can_edit: bool,
    csrf_mark: str,
) -> dict[str, Any]:
    user = request.user
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
    glimpses = list(glimpses_visible_to(user, role).filter(log=log).select_related("author"))
    for glimpse in glimpses:
        glimpse.log = log
        glimpse.can_publish = rules.can_publish_glimpse(user, role, glimpse)  # type: ignore[attr-defined]
    revisions: list[Revision] = []
    sensitive = rules.can_see_sensitive_details(role)
    if sensitive:
        # One more than shown, to know whether to link to the whole history.
        revisions = list(
            revisions_visible_to(user, role)
            .filter(log=log)
            .select_related("by")[: LOG_PAGE_HISTORY + 1]
        )
    context = {
        "log": log,
        "role": role,
        "today": today,
        "can_edit": can_edit,
        "concerns": concerns,
        "glimpses": glimpses,
        "revisions": revisions[:LOG_PAGE_HISTORY],
        "csrf_token": csrf_mark,
    }
    return {
        "concerns": render_to_string("logs/_concerns.html", context),
        "glimpses": render_to_string("logs/_glimpses.html", context),
        "history": render_to_string("logs/_history.html", context) if sensitive else "",
        "more_history": len(revisions) > LOG_PAGE_HISTORY,
        "all_concerns_closed": all(not c.is_open for c in concerns),
    }


def _bump(logs: QuerySet[Log]) -> None:
    logs.update(content_version=F("content_version") + 1)


def _saved(sender: type[Model], instance: Model, raw: bool = False, **kwargs: Any) -> None:
    if raw:  # loaddata: no page is open on a fixture
        return
    if isinstance(instance, Concern | Glimpse | Revision):
        _bump(Log.objects.filter(pk=instance.log_id))
    elif isinstance(instance, Measure):
        _bump(Log.objects.filter(concerns=instance.concern_id))
    elif isinstance(instance, Evaluation):
        _bump(Log.objects.filter(concerns__measures=instance.measure_id))


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
        _bump(Log.objects.filter(concerns__measures=instance.pk))
    elif pk_set:  # a person's measures changed from the person's side
        _bump(Log.objects.filter(concerns__measures__in=pk_set))
    elif action == "pre_clear":
        _bump(Log.objects.filter(concerns__measures__actors=instance.pk))


def connect() -> None:
    for model in (Concern, Measure, Evaluation, Glimpse, Revision):
        post_save.connect(_saved, sender=model, dispatch_uid=f"logs.page_cache.{model.__name__}")
    m2m_changed.connect(
        _actors_changed, sender=Measure.actors.through, dispatch_uid="logs.page_cache.actors"
    )
