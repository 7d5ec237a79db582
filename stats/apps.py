from django.apps import AppConfig
from django.db.models.signals import post_save


class StatsConfig(AppConfig):
    """Statistics of a leader's units or a whole municipality, counts suppressed below five
    (R-LEAD-03, R-LEAD-05)."""

    name = "stats"

    def ready(self) -> None:
        # Each save of a counted row brings its statistics row up to date, in the same
        # transaction (stats.services). Logs knows nothing of the statistics above it.
        from stats import receivers  # noqa: PLC0415 - needs the loaded apps (models)

        for sender in receivers.WATCHED:
            post_save.connect(
                receivers.on_save, sender=sender, dispatch_uid=f"stats.{sender.__name__}"
            )
