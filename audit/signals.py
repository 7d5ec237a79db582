"""Log in, log out, failed log in and lockout go to the audit trail (R-SEC-01)."""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from audit.services import record

# The session key naming how the person signed in, set before `login()` by a way in other
# than the password form (oidc: "idporten", "employee_idp").
LOGIN_METHOD_SESSION_KEY = "login_method"


@receiver(user_logged_in)
def _logged_in(sender: object, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    method = session.get(LOGIN_METHOD_SESSION_KEY, "password") if session is not None else ""
    record(actor=user, action="auth.login", obj=user, request=request, data={"method": method})


@receiver(user_logged_out)
def _logged_out(
    sender: object, request: HttpRequest, user: AbstractBaseUser | None, **kwargs: Any
) -> None:
    if user is not None:
        record(actor=user, action="auth.logout", obj=user, request=request)


@receiver(user_login_failed)
def _login_failed(
    sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # The username typed is kept (it identifies the targeted account); never the password.
    record(
        action="auth.login_failed",
        request=request,
        data={"username": str(credentials.get("username", ""))[:150]},
    )


@receiver(user_locked_out)
def _locked_out(
    sender: object, request: HttpRequest, username: str | None, ip_address: str, **kwargs: Any
) -> None:
    record(action="auth.locked_out", request=request, data={"username": (username or "")[:150]})
