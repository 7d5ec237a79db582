from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from accounts import signals


class LogsConfig(AppConfig):
    name = "logs"
    verbose_name = _("Stafettlogger")

    def ready(self) -> None:
        # What using a guardian's invitation does to the log: accounts sends the signals and
        # imports nothing of logs (see accounts.signals).
        from logs import page_cache  # noqa: PLC0415 - needs the loaded apps (models)
        from logs.services import guardians  # noqa: PLC0415 - needs the loaded apps (models)

        page_cache.connect()

        signals.activated.connect(guardians.link_on_activation, dispatch_uid="logs.activated")
        signals.invitation_confirmed.connect(
            guardians.confirm_guardianship, dispatch_uid="logs.invitation_confirmed"
        )
