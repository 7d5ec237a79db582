from django.apps import AppConfig


class ExportsConfig(AppConfig):
    """A log as a PDF (R-EXP-01/02), its archive hand-over (R-ARCH-01) and retention (R-SEC-06)."""

    name = "exports"
