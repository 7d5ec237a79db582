"""Pages of a transfer (R-TRAN-01…05): hand a log over, accept it, pass it on, withdraw it.

The log page shows the chain of holders and the pending transfer; *Min side* lists the
transfers waiting for the person (home.views.home).
"""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from common.errors import require_editable
from common.submissions import AlreadySubmitted, was_submitted
from common.views import already_submitted, apply_errors
from logs import rules, services
from logs.access import (
    fetch_incoming_transfer,
    fetch_log,
    fetch_transfer,
    record_read,
)
from logs.forms import TransferForm, TransferUnitForm
from logs.models import Log, Transfer
from logs.queries import units_a_log_can_go_to
from organisations.forms import keep_as_typed
from organisations.queries import active_role


def _transfer_page(
    request: AuthenticatedHttpRequest,
    *,
    log: Log,
    send: Callable[[dict], Transfer],
    done: Callable[[Transfer], HttpResponse],
    again: Callable[[], HttpResponse],
    incoming: Transfer | None = None,
) -> HttpResponse:
    """The form shared by a new transfer and *not accept* (R-TRAN-02).

    One form: the unit, a search among its holders, the holder, the reason and, across
    units, the consent confirmation. «Vis stafettholdere» sends it back to show the chosen
    unit's holders, everything kept as typed and nothing saved (R-GEN-04); without it, a
    GET shows no holders until a unit is chosen, unless the address names one. A second
    sending of the form answers `again()` (R-GEN-08).
    """
    units = units_a_log_can_go_to(log)
    if request.method == "POST":
        form = TransferForm(request.POST, log=log, by=request.user, units=units)
        if form.search_requested:
            keep_as_typed(form)
        elif form.is_valid():
            data = form.cleaned_data
            try:
                transfer = send(
                    {
                        "to_user": data["to_user"],
                        "to_unit": data["to_unit"],
                        "reason": data["reason"],
                        "consent_confirmed": data.get("consent_confirmed", False),
                        "submission": data["submission"],
                    }
                )
            except AlreadySubmitted:
                return again()
            except ValidationError as error:
                apply_errors(error, form)
            else:
                return done(transfer)
    else:
        chosen = TransferUnitForm(request.GET or None, units=units)
        unit = chosen.cleaned_data["unit"] if chosen.is_bound and chosen.is_valid() else None
        search = chosen.cleaned_data["q"] if unit is not None else ""
        form = TransferForm(log=log, by=request.user, units=units, unit=unit, search=search)
    context = {
        "log": log,
        "form": form,
        "unit": form.unit,
        "search": form.search,
        "incoming": incoming,
    }
    record_read(request, log, about=incoming)
    return render(request, "logs/transfer_form.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def transfer_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """*Overfør logg*: only the holder of an active log (R-TRAN-01, R-TRAN-02)."""
    if request.method == "POST" and was_submitted(
        request.POST.get("submission"), by=request.user, action="transfer.created"
    ):
        # Sent again after the first sending made the log read-only: show it, not a 403.
        return already_submitted(request, "logs:detail", pk=pk)
    log = fetch_log(request, pk, for_edit=True)

    def send(data: dict) -> Transfer:
        return services.transfer_log(log, by=request.user, **data)

    def done(transfer: Transfer) -> HttpResponse:
        messages.success(
            request,
            _(
                "Loggen er sendt til %(name)s. Den kan ikke endres før overføringen er godtatt "
                "eller trukket tilbake."
            )
            % {"name": transfer.to_user.get_full_name()},
        )
        return redirect("logs:detail", pk=log.pk)

    def again() -> HttpResponse:
        return already_submitted(request, "logs:detail", pk=log.pk)

    return _transfer_page(request, log=log, send=send, done=done, again=again)


def _incoming(request: AuthenticatedHttpRequest, pk: int) -> Transfer | None:
    """A transfer sent to this person, working as holder; anyone else gets a 404.

    None (with a message) if it has been decided already, e.g. a second click.
    """
    transfer = fetch_incoming_transfer(request, pk)
    if not transfer.is_pending:
        messages.info(request, _("Overføringen er allerede avgjort."))
        return None
    return transfer


@require_POST
@login_required
def transfer_accept(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """*Godta*: the recipient becomes the log's holder (R-TRAN-04)."""
    transfer = _incoming(request, pk)
    if transfer is None:
        return redirect("home")
    try:
        services.accept_transfer(transfer, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("home")
    messages.success(request, _("Du er nå stafettholder for loggen."))
    return redirect("logs:detail", pk=transfer.log_id)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def transfer_forward(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """*Ikke godta*: the recipient passes the log on to another person (R-TRAN-04)."""
    transfer = _incoming(request, pk)
    if transfer is None:
        return redirect("home")

    def send(data: dict) -> Transfer:
        return services.forward_transfer(transfer, by=request.user, **data)

    def done(forwarded: Transfer) -> HttpResponse:
        messages.success(
            request,
            _("Loggen er sendt videre til %(name)s.") % {"name": forwarded.to_user.get_full_name()},
        )
        return redirect("home")

    def again() -> HttpResponse:
        return already_submitted(request, "home")

    return _transfer_page(
        request, log=transfer.log, send=send, done=done, again=again, incoming=transfer
    )


@require_POST
@login_required
def transfer_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The holder takes a pending transfer back; the log is active again."""
    transfer = fetch_transfer(request, pk)
    if not transfer.is_pending:
        messages.info(request, _("Overføringen er allerede avgjort."))
        return redirect("logs:detail", pk=transfer.log_id)
    require_editable(rules.withdraw_refusal(request.user, active_role(request), transfer))
    try:
        services.withdraw_transfer(transfer, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Overføringen er trukket tilbake. Loggen er aktiv igjen."))
    return redirect("logs:detail", pk=transfer.log_id)
