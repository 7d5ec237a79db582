"""*Skriv ut invitasjon*: the printed letter for a guardian without e-mail (R-LOG-04, R-GUAR-02)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from common.errors import ReadOnlyError
from logs import rules
from logs.queries import guardians_visible_to
from logs.services import print_guardian_letter
from organisations.enums import Role
from organisations.queries import active_role


@require_POST
@login_required
def guardian_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The holder prints a new invitation; the guardian's previous code stops working.

    The same access as the log's guardians for the holder; 404 for everyone else.
    """
    role = active_role(request)
    if role != Role.HOLDER:
        raise Http404
    guardian = get_object_or_404(
        guardians_visible_to(request.user, role).select_related(
            "log__unit__municipality", "log__holder", "user"
        ),
        pk=pk,
    )
    reason = rules.read_only_reason(request.user, role, guardian.log)
    if reason:
        raise ReadOnlyError(reason)
    try:
        pdf = print_guardian_letter(
            guardian, by=request.user, page=request.resolver_match.view_name
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("logs:detail", pk=guardian.log_id)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="invitasjon-stafettlogg.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
