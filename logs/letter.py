"""*Skriv ut invitasjon*: the printed letter for a guardian without e-mail, as PDF
(R-LOG-04, R-GUAR-02). logs.services.guardians.print_guardian_letter makes it in the
transaction that issues its code, so that a letter that cannot be made leaves no code."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.services import ACTIVATION_VALID_FOR, IssuedActivation
from logs.models import Guardian


def render_letter(guardian: Guardian, issued: IssuedActivation) -> bytes:
    """The A4 letter as PDF (WeasyPrint): where to go, the code, how long it is valid.

    Names the municipality and the unit; never the national ID number.
    """
    # WeasyPrint loads Pango and its fonts when imported: only where a letter is made.
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
