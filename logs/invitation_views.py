"""*Skriv ut invitasjon*: the printed letter for a guardian without e-mail (R-LOG-04, R-GUAR-02)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.services import ACTIVATION_VALID_FOR, issue_guardian_letter
from common.errors import ReadOnlyError
from logs import rules
from logs.queries import guardians_visible_to
from logs.views import record_read
from organisations.enums import Role
from organisations.queries import active_role


def render_letter(guardian, issued) -> bytes:
    """The A4 letter as PDF (WeasyPrint): where to go, the code, how long it is valid.

    Names the municipality and the unit; never the national ID number.
    """
    # Only the letter needs WeasyPrint, and loading it (with Pango) takes about half a second
    # that every process loading the URLs (server, worker, commands) would otherwise pay.
    from weasyprint import CSS, HTML  # noqa: PLC0415 - slow to load, used only here

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
