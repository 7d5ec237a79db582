"""*Skriv ut invitasjon*: the printed letter for a guardian without e-mail (R-LOG-04, R-GUAR-02)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest
from logs.access import fetch_guardian
from logs.services import print_guardian_letter
from organisations.enums import Role


@require_POST
@login_required
def guardian_letter(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The holder prints a new invitation; the guardian's previous code stops working.

    The same access as the log's guardians for the holder; 404 for everyone else.
    """
    guardian = fetch_guardian(
        request,
        pk,
        select=("log__unit__municipality", "log__holder", "user"),
        roles=(Role.HOLDER,),
    )
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
