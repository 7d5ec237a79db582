from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Tverrfaglige møter")

    def ready(self) -> None:
        from meetings import log_page  # noqa: PLC0415 - needs the loaded apps (models)

        log_page.connect()
