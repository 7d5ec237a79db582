from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Revisjonsspor")

    def ready(self) -> None:
        # Connects the login signal receivers. At module top it would import audit's models
        # while Django is still loading the apps.
        from audit import signals  # noqa: F401, PLC0415 - needs the loaded apps
