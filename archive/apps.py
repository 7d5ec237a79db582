from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from logs import signals


class ArchiveConfig(AppConfig):
    """A passive log handed to the municipality's archive (R-ARCH-01), and retention: what
    the law no longer lets us keep is deleted (R-SEC-06)."""

    name = "archive"
    verbose_name = _("Arkiv")

    def ready(self) -> None:
        # logs sends the signals and imports nothing of archive (see logs.signals).
        from archive import services  # noqa: PLC0415 - needs the loaded apps (models)

        signals.log_set_passive.connect(
            services.on_log_set_passive, dispatch_uid="archive.log_set_passive"
        )
        signals.log_page_context.connect(
            services.log_page_context, dispatch_uid="archive.log_page_context"
        )
