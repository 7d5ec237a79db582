from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    NB = "nb", _("Norsk bokmål")
    NN = "nn", _("Norsk nynorsk")
    EN = "en", _("English")


# The session key of the role a person works in, and the guardian role's value. The roles are
# organisations' (organisations.enums.Role reads both from here), but activation lands a
# guardian in theirs, and accounts sits below organisations in the import direction.
ACTIVE_ROLE_SESSION_KEY = "active_role"
GUARDIAN_ROLE = "guardian"

# Set by the login through an identity provider (oidc, above this app): the provider's
# end-session address, where logging out of Stafettlogg continues (single logout, R-SEC-08).
END_SESSION_URL_SESSION_KEY = "end_session_url"
