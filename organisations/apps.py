from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from organisations.enums import Role


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = _("Organisasjon")

    def ready(self) -> None:
        # The audit trail's role filter offers the roles; audit sits below this app and may
        # not import them.
        from audit.admin import RoleFilter  # noqa: PLC0415 - needs the loaded apps (models)

        RoleFilter.roles = {role.value: role.label for role in Role}
