"""Session rules that apply to every signed-in request."""

import functools
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import Resolver404, get_script_prefix, get_urlconf, resolve, reverse
from django.utils.functional import LazyObject, SimpleLazyObject, empty
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.backends import HAS_MEMBERSHIP, TOTP_DEVICE_ID
from accounts.models import User
from audit.services import record

LAST_ACTIVITY = "last_activity"
SIGNED_IN_AT = "signed_in_at"
# Activity is written at most this often, so that a page full of requests costs one write.
_ACTIVITY_RESOLUTION = 10


def _status_path() -> str:
    return _status_path_for(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


# Reversing the session status's address was a fortieth of a signed-in request (issue 9).
# The script prefix comes from the request (a proxy's SCRIPT_NAME): a few are kept.
@functools.lru_cache(maxsize=16)
def _status_path_for(prefix: str, urlconf: str) -> str:
    return reverse("accounts:session_status", urlconf=urlconf)


class SessionTimeoutMiddleware:
    """Idle time-out and absolute session lifetime (R-GEN-03).

    An expired session is ended and the user sent to log in, with the page they were on as
    `next`, so that logging in again brings them back.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = time.time()
            session = request.session
            last = session.get(LAST_ACTIVITY, now)
            started = session.get(SIGNED_IN_AT, now)
            idle_expired = now - last > settings.STAFETT_IDLE_TIMEOUT
            if idle_expired or now - started > settings.STAFETT_SESSION_MAX_AGE:
                return self._expire(request, idle_expired)
            session.setdefault(SIGNED_IN_AT, now)
            if request.path != _status_path() and now - last >= _ACTIVITY_RESOLUTION:
                session[LAST_ACTIVITY] = now
            session.setdefault(LAST_ACTIVITY, now)
        return self.get_response(request)

    def _expire(self, request: HttpRequest, idle: bool) -> HttpResponseRedirect:
        user = request.user
        back_to = request.get_full_path() if request.method in ("GET", "HEAD") else request.path
        if request.headers.get("HX-Request") or request.path == _status_path():
            back_to = request.headers.get("HX-Current-URL", "") or reverse("home")
        record(actor=user, action="auth.session_expired", request=request, data={"idle": idle})
        logout(request)
        messages.info(
            request,
            _("Du ble logget ut fordi du ikke har vært aktiv på en stund. Logg inn igjen.")
            if idle
            else _("Økten din er utløpt. Logg inn igjen."),
        )
        url = f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': back_to})}"
        if request.headers.get("HX-Request"):
            response = redirect(url)
            response["HX-Redirect"] = url
            return response
        return redirect(url)


def needs_second_factor(user: User | AnonymousUser) -> bool:
    """Staff roles (leader, holder, actor) and operators need TOTP when 2FA is required."""
    if not settings.STAFETT_REQUIRE_2FA or not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    # Read with the person's roles when the backend gives them (organisations.backends).
    known = getattr(user, HAS_MEMBERSHIP, None)
    return known if known is not None else user.memberships.exists()


class SecondFactorMiddleware:
    """Until a staff user has verified a second factor, only enrolment and logout are open."""

    OPEN_URL_NAMES = {
        "accounts:totp_setup",
        "accounts:logout",
        "accounts:session_status",
        "accounts:keepalive",
        "set_language",
    }

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(settings.STATIC_URL)
            and self._name(request) not in self.OPEN_URL_NAMES
            and needs_second_factor(user)
        ):
            return redirect("accounts:totp_setup")
        return self.get_response(request)

    @staticmethod
    def _name(request: HttpRequest) -> str:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return ""
        return match.view_name


class SecondFactorDeviceMiddleware(OTPMiddleware):
    """django-otp's OTPMiddleware, without its query when the session's device is the
    confirmed TOTP device that accounts.backends read with the person in the same request.

    Any other case (another device, none read, an unconfirmed or deleted one) goes the
    library's way, so a device removed or replaced stops verifying on the next request.
    """

    def _install_lazy_accessors(self, request: HttpRequest) -> None:
        super()._install_lazy_accessors(request)
        user = getattr(request, "user", None)
        if user is not None and not self._is_async:
            # The person itself, not a lazy object around Django's lazy object: a page
            # reads request.user some hundreds of times, each read through both (issue 9).
            # Every middleware after this one reads it anyway.
            request.user = _unwrapped(user)

    def _verify_user_sync(
        self, request: HttpRequest, user: User | AnonymousUser
    ) -> User | AnonymousUser:
        known = getattr(user, TOTP_DEVICE_ID, None) if user.is_authenticated else None
        if known is None:
            return super()._verify_user_sync(request, user)
        if request.session.get(DEVICE_ID_SESSION_KEY) != f"{TOTPDevice.model_label()}/{known}":
            return super()._verify_user_sync(request, user)
        self._init_user_fields(user)
        # Confirmed and the person's, as the query said: only a page that uses the device
        # itself (none does on every request) loads it.
        # django-otp's attribute on the request's user, signed in here (it has a device).
        user.otp_device = SimpleLazyObject(  # type: ignore[union-attr]
            lambda: TOTPDevice.objects.get(pk=known)
        )
        return user


def _unwrapped(value: Any) -> Any:
    """What a (possibly nested) lazy object stands for, worked out now."""
    while isinstance(value, LazyObject):
        if value._wrapped is empty:
            value._setup()
        value = value._wrapped
    return value
