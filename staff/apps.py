from django.apps import AppConfig


class StaffConfig(AppConfig):
    """The leader's workspace: the staff of their units, created and managed (R-LEAD-01),
    and the users overview (R-LEAD-04)."""

    name = "staff"
