"""*Mine aktørbarn* (R-ACT-01): what an actor follows up, the concerns they are an actor on,
grouped by child. The page is logs:list in the actor role (logs.views.log_list)."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from accounts.http import AuthenticatedHttpRequest
from logs.models import Concern, Log
from logs.queries import actor_concerns, logs_visible_to
from logs.services import record_log_views
from organisations.enums import Role

# Children per page: each brings its concerns, so a page is never a few hundred cards long.
CHILDREN_PER_PAGE = 25


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

    A page of children, then their concerns: two queries for the concerns and measures of
    the page, however many. The page shows the logs' data, so it records their read."""
    logs = (
        logs_visible_to(request.user, Role.ACTOR)
        .select_related("child", "unit")
        .order_by("child__last_name", "child__first_name", "pk")
    )
    page = Paginator(logs, CHILDREN_PER_PAGE).get_page(request.GET.get("side"))
    shown = list(page.object_list)
    by_log: dict[int, list[Concern]] = {log.pk: [] for log in shown}
    concerns = actor_concerns(request.user).filter(log__in=[log.pk for log in shown])
    for concern in concerns.order_by("created_at", "pk"):
        by_log[concern.log_id].append(concern)
    for listed in by_log.values():
        listed.sort(key=lambda concern: not concern.is_open)  # open first, each by age
    groups = [ChildConcerns(log, by_log[log.pk]) for log in shown]
    record_log_views(shown, by=request.user, page="logs:list")
    return render(request, "logs/actor_list.html", {"page": page, "groups": groups})
