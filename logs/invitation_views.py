"""*Skriv ut invitasjon*: the printed letter for a guardian without e-mail (R-LOG-04, R-GUAR-02)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.services import ACTIVATION_VALID_FOR, issue_guardian_letter
from logs.access import fetch_guardian, record_read
from organisations.enums import Role


def render_letter(guardian, issued) -> bytes:
    """The A4 letter as PDF (WeasyPrint): where to go, the code, how long it is valid.

    Names the municipality and the unit; never the national ID number.
    """
    from weasyprint import CSS, HTML

    log = guardian.log
    context = {
        "guardian": guardian,
        "unit": log.unit,
        "municipality": log.unit.municipality,
        "holder": log.holder,
        "code": issued.printable_code,
        "activate_url": settings.STAFETT_SITE_URL + reverse("accounts:activate_code"),
        "site_url": settings.STAFETT_SITE_URL,
        "expires": timezone.localtime(issued.token.expires_at),
        "valid_days": ACTIVATION_VALID_FOR.days,
        "today": timezone.localdate(),
    }
    html = render_to_string("logs/invitation_letter.html", context)
    css = render_to_string("logs/invitation_letter.css")
    return HTML(string=html).write_pdf(stylesheets=[CSS(string=css)])


@require_POST
@login_required
def guardian_letter(request: HttpRequest, pk: int) -> HttpResponse:
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
        # One transaction: a letter that cannot be made leaves no code behind.
        with transaction.atomic():
            issued = issue_guardian_letter(guardian, by=request.user)
            pdf = render_letter(guardian, issued)
            record_read(request, guardian.log, about=guardian)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("logs:detail", pk=guardian.log_id)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="invitasjon-stafettlogg.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
