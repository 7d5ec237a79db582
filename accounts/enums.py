from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    NB = "nb", _("Norsk bokmål")
    NN = "nn", _("Norsk nynorsk")
    EN = "en", _("English")
