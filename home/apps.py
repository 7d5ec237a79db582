from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The top layer: *Min side* and the demo municipality, which draw on every other app."""

    name = "home"
