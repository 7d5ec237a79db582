"""*Eksporter*: choose the parts, wait while the report is made, open or save the PDF
(R-EXP-01, R-EXP-02). Each page fetches through a visibility query: the log through
logs.access, the export through exports.queries (someone else's export is a 404)."""

import logging
from contextlib import suppress

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from common.views import apply_errors
from exports import services
from exports.enums import ExportStatus, Part
from exports.forms import ExportForm
from exports.models import Export
from exports.queries import exports_visible_to, parts_for
from logs.access import fetch_log, record_read
from organisations.queries import active_role

logger = logging.getLogger(__name__)


@login_required
def choose(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The parts to export; the log as the person sees it, else a 404 (a leader too)."""
    log = fetch_log(request, pk)
    role = active_role(request)
    parts = parts_for(request.user, role, log)
    if role is None or not parts:
        raise Http404
    # Bound on every POST: no box ticked leaves the body empty, and that is an error.
    form = ExportForm(request.POST if request.method == "POST" else None, parts=parts)
    if request.method == "POST" and form.is_valid():
        try:
            export = services.request_export(
                log, by=request.user, role=role, parts=form.cleaned_data["parts"]
            )
        except ValidationError as error:
            apply_errors(error, form)
        else:
            return redirect("exports:status", export.pk)
    record_read(request, log)
    return render(request, "exports/choose.html", {"log": log, "form": form})


def _fetch_export(request: AuthenticatedHttpRequest, pk: int) -> Export:
    queryset = exports_visible_to(request.user, active_role(request)).select_related(
        "log__child", "log__unit"
    )
    return get_object_or_404(queryset, pk=pk)


@require_safe
@login_required
def status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """«Rapporten lages», then *Åpne* / *Lagre*; «Prøv igjen» if it failed. Works without
    JavaScript (an «Oppdater» link); htmx asks again every two seconds while it is made."""
    export = _fetch_export(request, pk)
    context = {
        "export": export,
        "log": export.log,
        "ExportStatus": ExportStatus,
        "part_names": [Part(part).label for part in export.parts if part in Part.values],
    }
    if request.headers.get("HX-Request"):
        # The status alone, every two seconds: it names no child, so it is no read.
        return render(request, "exports/_status.html", context)
    record_read(request, export.log, about=export)
    return render(request, "exports/status.html", context)


@require_POST
@login_required
def retry(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """«Prøv igjen»: the same parts, made again."""
    export = _fetch_export(request, pk)
    # Made meanwhile, or being made: the status page says which.
    with suppress(ValidationError):
        services.retry_export(export, by=request.user)
    return redirect("exports:status", export.pk)


@require_safe
@login_required
def download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """The PDF, to its owner only: inline (*Åpne*) or as an attachment (*Lagre*, ?lagre=1).
    Expired or not made yet: the status page, which says so."""
    export = _fetch_export(request, pk)
    if export.status != ExportStatus.READY or not export.file:
        return redirect("exports:status", export.pk)
    try:
        stored = export.file.open("rb")
    except FileNotFoundError:
        logger.error("The file of export %s is missing.", export.pk)
        raise Http404 from None
    as_attachment = request.GET.get("lagre") == "1"
    services.record_download(export, by=request.user, inline=not as_attachment)
    made = timezone.localtime(export.finished_at or export.created_at)
    response = FileResponse(
        stored,
        as_attachment=as_attachment,
        filename=f"stafettlogg-{made:%Y-%m-%d-%H%M}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
