from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from accounts import signals


class OidcConfig(AppConfig):
    """Sign-in over OpenID Connect: ID-porten and the municipality's own identity provider
    (R-SEC-08)."""

    name = "oidc"
    verbose_name = _("Innlogging med identitetsleverandør")

    def ready(self) -> None:
        # The login page asks for the ways in through a provider; accounts imports nothing
        # of this app (see accounts.signals).
        from oidc import services  # noqa: PLC0415 - needs the loaded apps (models)

        signals.login_options.connect(services.login_options, dispatch_uid="oidc.login_options")
