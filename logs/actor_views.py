"""*Mine aktørbarn* (R-ACT-01): what an actor follows up, the concerns they are an actor on,
grouped by child. The page is logs:list in the actor role (logs.views.log_list)."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.template.loader import render_to_string

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from common.kept_html import kept
from common.splice import Part, pieces_of, render
from logs import list_cache
from logs.models import Concern, Log
from logs.queries import actor_concerns, logs_visible_to
from logs.services import record_log_views
from organisations.enums import Role

# Children per page: each brings its concerns, so a page is never a few hundred cards long.
CHILDREN_PER_PAGE = 25
CHILD_ORDER = ("child__last_name", "child__first_name", "pk")


@dataclass(frozen=True)
class ChildConcerns:
    """One child's log with the concerns the actor works on in it."""

    log: Log
    concerns: list[Concern]

    @property
    def has_overdue(self) -> bool:
        # `has_overdue` is actor_concerns' annotation.
        return any(getattr(concern, "has_overdue", False) for concern in self.concerns)


def actor_children(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The actor's children, by name, each with the concerns the actor is an actor on, open
    ones first, and on each the actor's measures with their deadlines (R-ACT-01, R-MEAS-02).

    The children come from one narrow query of the actor's logs (logs.list_cache), which
    also counts the pages; a page's groups are rendered once per change of those logs and
    kept (issue 9). The page shows the logs' data, so every view records their read."""
    logs = logs_visible_to(request.user, Role.ACTOR)
    versions = list_cache.log_versions(request.user, Role.ACTOR, order=CHILD_ORDER)
    page = Paginator(versions, CHILDREN_PER_PAGE).get_page(request.GET.get("side"))
    key = list_cache.kept_key("actor-children", request.user, Role.ACTOR, versions, page.number)
    ids = [row[0] for row in page.object_list]
    pieces = kept(key, lambda: pieces_of(_render_groups(request.user, logs, ids)))
    record_log_views(ids, by=request.user, page="logs:list")
    groups = Part(request, pieces)
    return render(request, "logs/actor_list.html", {"page": page, "groups": groups})


def _render_groups(user: User, logs: QuerySet[Log], ids: list[int]) -> str:
    """The children of `logs` with these `ids`, in that order, with their concerns: two
    queries for the concerns and measures of the page, however many."""
    shown = logs.filter(pk__in=ids).select_related("child", "unit").in_bulk()
    by_log: dict[int, list[Concern]] = {pk: [] for pk in ids}
    concerns = actor_concerns(user).filter(log__in=ids)
    for concern in concerns.order_by("created_at", "pk"):
        by_log[concern.log_id].append(concern)
    for listed in by_log.values():
        listed.sort(key=lambda concern: not concern.is_open)  # open first, each by age
    groups = [ChildConcerns(shown[pk], by_log[pk]) for pk in ids if pk in shown]
    return render_to_string("logs/_actor_children.html", {"groups": groups})
