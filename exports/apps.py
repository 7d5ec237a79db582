from django.apps import AppConfig


class ExportsConfig(AppConfig):
    """A log as a PDF: an export for the people who may see it (R-EXP-01/02), and the archival
    PDF/A the archive app hands over (R-ARCH-01)."""

    name = "exports"
