from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.no import fodselsnummer


def normalise_national_id(value: str) -> str:
    """The 11 digits of a fødselsnummer/D-nummer, or a ValidationError (R-SEC-03)."""
    try:
        return fodselsnummer.validate(value)
    except StdnumError:
        raise ValidationError(
            _("Ugyldig fødselsnummer. Sjekk at alle 11 sifrene er riktige."),
            code="invalid_national_id",
        ) from None


def validate_national_id(value: str) -> None:
    normalise_national_id(value)


def mask_national_id(value: str) -> str:
    """Shows the date part only, never the personal number (R-SEC-03)."""
    if not value:
        return ""
    return f"{value[:6]} *****"


validate_phone = RegexValidator(
    regex=r"^\+?[0-9 ]{8,20}$",
    message=_("Skriv et gyldig telefonnummer, for eksempel 912 34 567 eller +47 912 34 567."),
    code="invalid_phone",
)
