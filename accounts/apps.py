from django.apps import AppConfig
from django.core.signals import request_finished
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Brukere")

    def ready(self) -> None:
        # The person read with a request's session is for that request alone.
        from accounts.backends import drop_hand_over  # noqa: PLC0415 - needs the loaded apps (models)

        request_finished.connect(drop_hand_over, dispatch_uid="accounts.drop_hand_over")
