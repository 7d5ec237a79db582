"""Log in, log out, failed log in and lockout go to the audit trail (R-SEC-01)."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.services import record


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record(actor=user, action="auth.login", obj=user, request=request)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(actor=user, action="auth.logout", obj=user, request=request)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # The username typed is kept (it identifies the targeted account); never the password.
    record(
        action="auth.login_failed",
        request=request,
        data={"username": str(credentials.get("username", ""))[:150]},
    )


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    record(action="auth.locked_out", request=request, data={"username": (username or "")[:150]})
