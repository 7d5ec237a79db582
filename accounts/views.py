import base64
import math
import time
from io import BytesIO
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_otp import login as otp_login
from django_otp.models import Device

from accounts import services, signals
from accounts.enums import ACTIVE_ROLE_SESSION_KEY, END_SESSION_URL_SESSION_KEY, GUARDIAN_ROLE
from accounts.forms import (
    ActivationCodeForm,
    ActivationForm,
    LanguageForm,
    LoginForm,
    SettingsForm,
    TokenForm,
)
from accounts.http import AuthenticatedHttpRequest
from accounts.middleware import LAST_ACTIVITY, SIGNED_IN_AT
from accounts.models import ActivationToken, User
from common.views import apply_errors
from notifications.forms import NotificationPreferencesForm
from notifications.services import preferences_of, update_preferences

PENDING_USER = "pending_2fa_user"
PENDING_BACKEND = "pending_2fa_backend"
PENDING_NEXT = "pending_2fa_next"


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("home")


def _set_language_cookie(response: HttpResponse, language: str) -> HttpResponse:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 60 * 60,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        httponly=False,
    )
    return response


def complete_login(
    request: HttpRequest, user: User, backend: str, next_url: str, device: Device | None = None
) -> HttpResponse:
    """Sign in; with `device`, the session counts as having passed the second factor (a TOTP
    code here, or a provider that vouched for one: oidc)."""
    login(request, user, backend=backend)
    if device is not None:
        otp_login(request, device)
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_ACTIVITY] = now
    return _set_language_cookie(redirect(next_url), user.language)


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_safe_next(request, request.GET.get("next")))
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        target = _safe_next(request, next_url)
        if services.confirmed_totp_device(user) is not None:
            request.session[PENDING_USER] = user.pk
            request.session[PENDING_BACKEND] = user.backend
            request.session[PENDING_NEXT] = target
            return redirect("accounts:login_verify")
        return complete_login(request, user, user.backend, target)
    context = {"form": form, "next": next_url, "login_options": _login_options(request)}
    return render(request, "accounts/login.html", context)


def _login_options(request: HttpRequest) -> list[dict[str, Any]]:
    """The ways in through an identity provider (ID-porten first), from the apps that offer
    them (accounts.signals.login_options)."""
    options: list[dict[str, Any]] = []
    for _receiver, answer in signals.login_options.send(sender=None, request=request):
        options.extend(answer if isinstance(answer, list) else [])
    return options


def locked_out(
    request: HttpRequest,
    response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """Shown instead of the login page while the account is locked (django-axes)."""
    form = LoginForm(request, data=request.POST or None)
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60) or 1
    form.errors.clear()
    return render(
        request,
        "accounts/login.html",
        {"form": form, "locked_out": True, "cooloff_minutes": minutes},
        status=429,
    )


def login_verify(request: HttpRequest) -> HttpResponse:
    user_id = request.session.get(PENDING_USER)
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        messages.info(request, _("Logg inn med e-post og passord først."))
        return redirect("accounts:login")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, reason = services.verify_second_factor(
            user, token=form.cleaned_data["token"], request=request
        )
        if device is not None:
            backend = request.session.pop(PENDING_BACKEND)
            next_url = request.session.pop(PENDING_NEXT, reverse("home"))
            request.session.pop(PENDING_USER, None)
            return complete_login(request, user, backend, next_url, device)
        if reason == "throttled":
            form.add_error("token", _("For mange forsøk. Vent litt og prøv igjen."))
        else:
            form.add_error("token", _("Feil kode, eller koden er allerede brukt. Prøv igjen."))
    return render(request, "accounts/login_verify.html", {"form": form})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    # A session that came through an identity provider ends there too (single logout).
    end_session = request.session.get(END_SESSION_URL_SESSION_KEY, "")
    logout(request)
    messages.success(request, _("Du er logget ut."))
    return redirect(end_session or "accounts:login")


def _qr_data_uri(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=12)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@login_required
def totp_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Enrol an authenticator app: QR code, the key in text, and a code to confirm it."""
    if services.confirmed_totp_device(request.user) and not request.user.is_verified():
        # A session without the second factor must not replace the app that protects it.
        logout(request)
        messages.info(request, _("Logg inn med koden fra autentiseringsappen først."))
        return redirect("accounts:login")
    device = services.pending_totp_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.confirm_totp_device(
            request.user, device=device, token=form.cleaned_data["token"], request=request
        ):
            otp_login(request, device)
            messages.success(request, _("Tofaktorinnlogging er slått på."))
            return redirect("home")
        form.add_error("token", _("Feil kode. Sjekk klokka på telefonen og prøv igjen."))
    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr": _qr_data_uri(device.config_url),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "has_device": services.confirmed_totp_device(request.user) is not None,
    }
    return render(request, "accounts/totp_setup.html", context)


NOTIFY_PREFIX = "notify"


@login_required
def settings_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = SettingsForm(request.POST or None, instance=User.objects.get(pk=user.pk))
    # The e-mail choices are saved only when their fieldset was on the page that was sent
    # (unticked boxes are absent from a form post, like a missing fieldset).
    notify_sent = request.method == "POST" and f"{NOTIFY_PREFIX}-shown" in request.POST
    notify = NotificationPreferencesForm(
        request.POST if notify_sent else None, instance=preferences_of(user), prefix=NOTIFY_PREFIX
    )
    if request.method == "POST" and form.is_valid() and (not notify_sent or notify.is_valid()):
        services.update_settings(user, by=user, request=request, **form.cleaned_data)
        if notify_sent:
            update_preferences(user, request=request, **notify.cleaned_data)
        messages.success(request, _("Innstillingene er lagret."))
        return _set_language_cookie(redirect("accounts:settings"), user.language)
    context = {
        "form": form,
        "notify": notify,
        "notify_prefix": NOTIFY_PREFIX,
        "has_device": services.confirmed_totp_device(user) is not None,
    }
    return render(request, "accounts/settings.html", context)


@require_POST
def set_language_view(request: HttpRequest) -> HttpResponse:
    form = LanguageForm(request.POST)
    target = _safe_next(request, request.POST.get("next"))
    if not form.is_valid():
        return redirect(target)
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        services.set_language(request.user, language=language, request=request)
    return _set_language_cookie(redirect(target), language)


@require_POST
@login_required
def keepalive(request: AuthenticatedHttpRequest) -> HttpResponse:
    """«Forbli innlogget»: the middleware has already counted this request as activity."""
    request.session[LAST_ACTIVITY] = time.time()
    return HttpResponse(status=204)


@require_safe
def session_status(request: HttpRequest) -> JsonResponse:
    """Seconds left before the idle time-out; asking does not count as activity."""
    if not request.user.is_authenticated:
        return JsonResponse({"remaining": 0})
    last = request.session.get(LAST_ACTIVITY, time.time())
    # Rounded up: 0 means the deadline has really passed, so the page never reloads early.
    remaining = max(0, math.ceil(settings.STAFETT_IDLE_TIMEOUT - (time.time() - last)))
    return JsonResponse({"remaining": remaining})


# --- activation (R-GUAR-02, R-LEAD-01) --------------------------------------------------------

ACTIVATION_TOKEN = "activation_token"  # noqa: S105 - a session key, not a secret
# The password backend (the last one; axes, before it, only refuses).
MODEL_BACKEND = settings.AUTHENTICATION_BACKENDS[-1]


def _problem_message(reason: str) -> str:
    if reason == "expired":
        return _(
            "Lenken eller koden er utløpt. Den gjelder i 7 dager. Be stafettholderen om en ny "
            "invitasjon, eller be om nytt passord hvis du har en konto."
        )
    if reason == "used":
        return _(
            "Lenken eller koden er allerede brukt, eller en nyere invitasjon har erstattet den. "
            "Har du laget passord, kan du logge inn."
        )
    if reason == "inactive":
        return _("Denne brukeren er deaktivert.")
    return _(
        "Vi fant ikke denne lenken eller koden. Sjekk at du har skrevet den av riktig, eller be "
        "stafettholderen om en ny invitasjon."
    )


def _refused(
    request: HttpRequest, reason: str, channel: str, token: ActivationToken | None = None
) -> HttpResponse:
    services.record_activation_refused(reason=reason, channel=channel, request=request, token=token)
    request.session.pop(ACTIVATION_TOKEN, None)
    context = {"state": "invalid", "message": _problem_message(reason)}
    return render(request, "accounts/activate.html", context)


def _logged_in_after_activation(
    request: HttpRequest, user: User, token: ActivationToken
) -> HttpResponse:
    """Log the person in; a guardian lands on the child's log in the guardian role."""
    request.session.pop(ACTIVATION_TOKEN, None)
    target = reverse("home")
    if token.guardian is not None:
        target = reverse("logs:detail", args=[token.guardian.log_id])
    response = complete_login(request, user, MODEL_BACKEND, target)
    if token.guardian_id is not None:
        request.session[ACTIVE_ROLE_SESSION_KEY] = GUARDIAN_ROLE
    messages.success(request, _("Kontoen din er klar. Velkommen til Stafettlogg!"))
    return response


def _password_step(request: HttpRequest, token: ActivationToken, *, bound: bool) -> HttpResponse:
    ask_email = services.needs_email(token)
    form = ActivationForm(request.POST if bound else None, ask_email=ask_email)
    if bound and form.is_valid():
        try:
            user = services.activate(
                token,
                password=form.cleaned_data["password1"],
                email=form.cleaned_data.get("email", ""),
                request=request,
            )
        except ValidationError as error:
            reason = getattr(error, "code", None)
            if reason in ("used", "expired", "inactive"):
                return _refused(request, reason, token.channel, token)
            apply_errors(error, form)
        else:
            return _logged_in_after_activation(request, user, token)
    person = token.user or (token.guardian.user if token.guardian is not None else None)
    context = {
        "state": "password",
        "form": form,
        # Not asked for: the token's person has a login (services.needs_email).
        "login_email": person.email if person is not None and not ask_email else "",
        "by_code": token.channel == ActivationToken.Channel.LETTER,
    }
    return render(request, "accounts/activate.html", context)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def activate_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link in an activation or invitation e-mail: choose a password, and you are in.

    Opening the link changes nothing (mail scanners open links too); only the form does.
    """
    found, problem = services.find_activation(link=token)
    if problem or found is None:
        return _refused(request, problem, ActivationToken.Channel.EMAIL, found)
    if services.is_confirmation(found):
        return _confirm_guardianship(request, found)
    return _password_step(request, found, bound=request.method == "POST")


def _confirm_guardianship(request: HttpRequest, token: ActivationToken) -> HttpResponse:
    """A person with a login confirms, logged in as themself, that they are the guardian."""
    guardian = token.guardian
    if guardian is None:  # is_confirmation() let through only a guardian's token
        return _refused(request, "unknown", token.channel, token)
    if request.user != token.user:
        if request.user.is_authenticated:
            logout(request)
        messages.info(request, _("Logg inn for å bekrefte at du er foresatt."))
        return redirect_to_login(request.get_full_path())
    if request.method == "POST":
        try:
            token = services.confirm_invitation(token, by=request.user, request=request)
        except ValidationError as error:
            return _refused(request, error.code or "unknown", token.channel, token)
        request.session[ACTIVE_ROLE_SESSION_KEY] = GUARDIAN_ROLE
        messages.success(request, _("Du er nå registrert som foresatt i loggen."))
        return redirect("logs:detail", pk=guardian.log_id)
    return render(request, "accounts/activate.html", {"state": "confirm"})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def activate_code(request: HttpRequest) -> HttpResponse:
    """The code from a printed letter (R-GUAR-02): first the code, then e-mail and password.

    Between the two steps the token is remembered in the session, never in the page.
    """
    if request.method != "POST":
        request.session.pop(ACTIVATION_TOKEN, None)
        form = ActivationCodeForm()
    elif request.POST.get("step") != "password":
        form = ActivationCodeForm(request.POST)
        if form.is_valid():
            found, problem = services.find_activation(code=form.cleaned_data["code"])
            if not problem and found is not None:
                request.session[ACTIVATION_TOKEN] = found.pk
                return _password_step(request, found, bound=False)
            services.record_activation_refused(
                reason=problem, channel=ActivationToken.Channel.LETTER, request=request, token=found
            )
            form.add_error("code", _problem_message(problem))
    else:
        pk = request.session.get(ACTIVATION_TOKEN)
        found = ActivationToken.objects.filter(pk=pk).first() if pk is not None else None
        if found is None:
            messages.info(request, _("Skriv inn koden fra brevet først."))
            return redirect("accounts:activate_code")
        problem = found.problem()
        if problem:
            return _refused(request, problem, found.channel, found)
        return _password_step(request, found, bound=True)
    return render(request, "accounts/activate.html", {"state": "code", "form": form})
