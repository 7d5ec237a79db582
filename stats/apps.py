from django.apps import AppConfig


class StatsConfig(AppConfig):
    """Statistics of a leader's units or a whole municipality, counts suppressed below five
    (R-LEAD-03, R-LEAD-05)."""

    name = "stats"
