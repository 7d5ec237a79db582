from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from organisations.enums import Role
from organisations.queries import active_role
from organisations.services import switch_role

HOME_TEMPLATES = {
    Role.LEADER: "organisations/home_leader.html",
    Role.HOLDER: "organisations/home_holder.html",
    Role.ACTOR: "organisations/home_actor.html",
    Role.GUARDIAN: "organisations/home_guardian.html",
}


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """*Min side* of the active role (R-ROLE-01)."""
    role = active_role(request)
    if role is None:
        return render(request, "organisations/home_no_role.html")
    return render(request, HOME_TEMPLATES[role], {"role": role})


@require_POST
@login_required
def switch_role_view(request: HttpRequest) -> HttpResponse:
    role = request.POST.get("role", "")
    if switch_role(request, role):
        messages.success(request, _("Du bruker nå rollen %(role)s.") % {"role": Role(role).label})
    else:
        messages.error(request, _("Du har ikke denne rollen."))
    return redirect("home")
