from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    """A passive log handed to the municipality's archive (R-ARCH-01), and retention: what
    the law no longer lets us keep is deleted (R-SEC-06)."""

    name = "archive"
