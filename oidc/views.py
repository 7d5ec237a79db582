"""The way in through an identity provider: out to it, and back (R-SEC-02, R-SEC-08).

Every way this can fail ends on a page in the person's language with the password form one
link away; nothing about the person is shown, and nothing is linked.
"""

import time

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.enums import END_SESSION_URL_SESSION_KEY
from accounts.middleware import needs_second_factor
from accounts.services import confirmed_totp_device
from accounts.views import PENDING_BACKEND, PENDING_NEXT, PENDING_USER, complete_login
from audit.signals import LOGIN_METHOD_SESSION_KEY
from oidc import protocol, services
from oidc.protocol import Pending, Provider, ProviderError, TokenRefused

PENDING_SESSION_KEY = "oidc_pending"
# A login left at the provider longer than this must start again.
PENDING_MAX_AGE = 15 * 60
PENDING_KEPT = 5


def _backend() -> str:
    # The signed-in person is read by the last backend (organisations.backends.RoleBackend),
    # which refuses a deactivated person on their very next request.
    return settings.AUTHENTICATION_BACKENDS[-1]


def _safe_next(request: HttpRequest, candidate: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("home")


def _callback_uri(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("oidc:callback"))


def _problem(request: HttpRequest, kind: str, status: int) -> HttpResponse:
    titles = {
        "unavailable": _("Innloggingstjenesten svarer ikke"),
        "failed": _("Innloggingen ble ikke fullført"),
        "cancelled": _("Innloggingen ble avbrutt"),
        "unknown": _("Vi fant deg ikke i Stafettlogg"),
        "unknown_employee": _("Du er ikke lagt til i Stafettlogg"),
        "inactive": _("Kontoen er slått av"),
        "ambiguous": _("Vi kunne ikke vite hvem du er"),
    }
    texts = {
        "unavailable": _(
            "Vi får ikke kontakt med innloggingstjenesten nå. Prøv igjen om litt, eller logg "
            "inn med e-post og passord."
        ),
        "failed": _(
            "Noe gikk galt underveis, eller lenken er allerede brukt. Start innloggingen på nytt."
        ),
        "cancelled": _("Du avbrøt innloggingen, eller tjenesten kunne ikke logge deg inn."),
        "unknown": _(
            "Vi fant ingen konto i Stafettlogg som hører til deg. Den som har registrert deg "
            "(for eksempel stafettholderen) må legge inn fødselsnummeret ditt før du kan logge "
            "inn med ID-porten. Har du e-post og passord, kan du logge inn med dem."
        ),
        "unknown_employee": _(
            "Du er logget inn hos kommunen, men har ingen konto i Stafettlogg. Lederen din må "
            "legge deg til før du kan logge inn."
        ),
        "inactive": _("Kontoen din i Stafettlogg er slått av. Kontakt kommunen hvis det er feil."),
        "ambiguous": _(
            "Innloggingen passer med mer enn én konto, så vi logget ikke inn. Kontakt "
            "kommuneadministratoren."
        ),
    }
    context = {"title": titles[kind], "text": texts[kind]}
    return render(request, "oidc/problem.html", context, status=status)


@require_safe
@never_cache
def start(request: HttpRequest, provider: str) -> HttpResponse:
    """Send the person to the provider, remembering state, nonce and PKCE verifier."""
    config = services.provider_by_key(provider)
    if config is None:
        raise Http404
    if request.user.is_authenticated:
        return redirect(_safe_next(request, request.GET.get("next", "")))
    language = (get_language() or "nb")[:2]
    try:
        url, pending = protocol.begin(
            config, redirect_uri=_callback_uri(request), language=language
        )
    except ProviderError:
        services.refuse(config, "unavailable", request=request)
        return _problem(request, "unavailable", 503)
    waiting = request.session.get(PENDING_SESSION_KEY, {})
    now = time.time()
    waiting = {
        state: entry
        for state, entry in sorted(waiting.items(), key=lambda item: item[1]["at"])[
            -(PENDING_KEPT - 1) :
        ]
        if now - entry["at"] < PENDING_MAX_AGE
    }
    waiting[pending.state] = {
        "provider": config.key,
        "nonce": pending.nonce,
        "verifier": pending.code_verifier,
        "next": _safe_next(request, request.GET.get("next", "")),
        "at": now,
    }
    request.session[PENDING_SESSION_KEY] = waiting
    return redirect(url)


@require_safe
@never_cache
def callback(request: HttpRequest) -> HttpResponse:
    """The provider's answer: every check, then the login (or a page saying why not)."""
    params = request.GET
    waiting = request.session.get(PENDING_SESSION_KEY, {})
    state = params.get("state", "")
    # Single use: a second callback for the same login (a replay, a double click) finds
    # nothing and is refused.
    entry = waiting.pop(state, None) if state and len(params.getlist("state")) == 1 else None
    if entry is not None:
        request.session[PENDING_SESSION_KEY] = waiting
    if entry is None or time.time() - entry["at"] >= PENDING_MAX_AGE:
        services.refuse(None, "state", request=request)
        return _problem(request, "failed", 400)
    config = services.provider_by_key(entry["provider"])
    if config is None:
        services.refuse(None, "provider_gone", request=request)
        return _problem(request, "failed", 400)
    if "error" in params:
        services.refuse(config, "provider_error", request=request)
        return _problem(request, "cancelled", 400)
    code = params.get("code", "")
    # RFC 9207: when the provider names itself in the answer, it must be the one we asked.
    issuer = params.get("iss")
    if not code or len(params.getlist("code")) != 1 or (issuer and issuer != config.issuer):
        services.refuse(config, "callback_parameters", request=request)
        return _problem(request, "failed", 400)
    pending = Pending(state=state, nonce=entry["nonce"], code_verifier=entry["verifier"])
    return _sign_in(request, config, pending, code=code, next_url=entry["next"])


def _sign_in(
    request: HttpRequest, config: Provider, pending: Pending, *, code: str, next_url: str
) -> HttpResponse:
    try:
        claims = protocol.finish(config, pending, code=code, redirect_uri=_callback_uri(request))
    except ProviderError:
        services.refuse(config, "unavailable", request=request)
        return _problem(request, "unavailable", 503)
    except TokenRefused as refusal:
        services.refuse(config, refusal.reason, request=request)
        return _problem(request, "failed", 400)
    try:
        person, device = services.accept_login(config, claims, request=request)
    except services.NotMatched as refusal:
        kind = refusal.reason if refusal.reason in ("inactive", "ambiguous") else "unknown"
        if refusal.reason == "conflict":
            # The number's guardian records belong to another login: the same page, so that
            # nothing about the person or the other login is revealed.
            kind = "ambiguous"
        if kind == "unknown" and config.key != services.IDPORTEN:
            kind = "unknown_employee"
        return _problem(request, kind, 403)
    end_session = protocol.end_session_url(
        config, post_logout_redirect_uri=request.build_absolute_uri(reverse("accounts:login"))
    )
    request.session[LOGIN_METHOD_SESSION_KEY] = config.method
    if device is None and needs_second_factor(person) and confirmed_totp_device(person):
        # The provider did not vouch for a second factor: the TOTP code, as after a password.
        request.session[PENDING_USER] = person.pk
        request.session[PENDING_BACKEND] = _backend()
        request.session[PENDING_NEXT] = next_url
        request.session[END_SESSION_URL_SESSION_KEY] = end_session
        return redirect("accounts:login_verify")
    response = complete_login(request, person, _backend(), next_url, device)
    request.session[END_SESSION_URL_SESSION_KEY] = end_session
    return response
