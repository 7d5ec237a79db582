import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from common.submissions import AlreadySubmitted
from common.views import already_submitted, apply_errors
from organisations.enums import Role
from organisations.forms import PICKER_LIMIT, ActorSearchForm, RegisterActorForm
from organisations.queries import (
    active_role,
    actor_entries,
    actor_rows,
    actor_rows_of_own_units,
    find_actor_ids,
    municipality_id_of,
    search_actors,
    units_of,
)
from organisations.services import register_actor, switch_role

ACTORS_PAGE_SIZE = 50
# Who may see the municipality's actors and register new ones (R-HOLD-03, R-MEET-03).
ACTOR_PAGE_ROLES = (Role.HOLDER, Role.LEADER)


@require_POST
@login_required
def switch_role_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    role = request.POST.get("role", "")
    if switch_role(request, role):
        messages.success(request, _("Du bruker nå rollen %(role)s.") % {"role": Role(role).label})
    else:
        messages.error(request, _("Du har ikke denne rollen."))
    return redirect("home")


def _actor_page_scope(request: AuthenticatedHttpRequest) -> tuple[Role, int]:
    """The active role and its municipality; any other role gets a 404, never a 403."""
    role = active_role(request)
    municipality_id = municipality_id_of(request.user, role) if role in ACTOR_PAGE_ROLES else None
    if role is None or municipality_id is None:
        raise Http404
    return role, municipality_id


@require_safe
@login_required
def actors(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The actors of one's own units (R-HOLD-03), or a search in the municipality (R-MEET-04)."""
    role, municipality_id = _actor_page_scope(request)
    form = ActorSearchForm(request.GET or None, municipality_id=municipality_id)
    pages: Paginator
    if form.is_search:
        unit = form.cleaned_data["unit"]
        results = search_actors(
            municipality_id, form.cleaned_data["q"], unit_id=unit.pk if unit else None
        )
        # One pass over the matches gives their order and their number, and the page's
        # rows are then read by id: a Paginator over the query itself reads them twice (its
        # count), which for a short word is every actor of the municipality twice (issue 9).
        pages = Paginator(list(results.values_list("pk", flat=True)), ACTORS_PAGE_SIZE)
        page = pages.get_page(request.GET.get("side"))
        shown = {row.pk: row for row in actor_rows(results.filter(pk__in=page.object_list))}
        rows = [shown[pk] for pk in page.object_list if pk in shown]
    else:
        pages = Paginator(actor_rows_of_own_units(request.user, role), ACTORS_PAGE_SIZE)
        page = pages.get_page(request.GET.get("side"))
        rows = list(page.object_list)
    context = {
        "form": form,
        "page_obj": page,
        "actors": rows,
        "is_search": form.is_search,
    }
    return render(request, "organisations/actors.html", context)


@require_safe
@login_required
def actor_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The hits of an actor picker's live search, as listbox options (R-MEET-04).

    Only actors of the person's own municipality, at most PICKER_LIMIT, each with name and
    units: nothing more about them (no e-mail, phone or national ID) and nothing about
    anyone else. `picker` names the picker on the page, so that option ids are unique and
    the count lands in its live region.
    """
    _role, municipality_id = _actor_page_scope(request)
    query = request.GET.get("q", "")[:100].strip()
    picker = request.GET.get("picker", "")
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,80}", picker):
        picker = "actor"
    ids, more = find_actor_ids(municipality_id, query, limit=PICKER_LIMIT)
    context = {
        "entries": actor_entries(municipality_id, ids),
        "picker": picker,
        "searched": bool(query),
        "more": more,
        "limit": PICKER_LIMIT,
    }
    return render(request, "organisations/_actor_options.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def register_actor_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Register a new actor in a unit of one's municipality (R-MEET-03).

    The national ID number travels only in the POST body and is never echoed in a message.
    """
    role, municipality_id = _actor_page_scope(request)
    if request.method != "POST":
        own_unit = units_of(request.user, role).order_by("name").first()
        form = RegisterActorForm(municipality_id=municipality_id, initial={"unit": own_unit})
    else:
        form = RegisterActorForm(request.POST, municipality_id=municipality_id)
    if form.is_bound and form.is_valid():
        try:
            register_actor(by=request.user, **form.cleaned_data)
        except AlreadySubmitted:
            return already_submitted(request, "organisations:actors")
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(request, _("Aktøren er registrert."))
            return redirect("organisations:actors")
    return render(request, "organisations/register_actor.html", {"form": form})
