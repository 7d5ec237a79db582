from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.validators import validate_phone
from common.forms import SubmissionKeyMixin
from organisations.models import Unit


def _units_of_municipality(municipality_id: int):
    return Unit.objects.filter(municipality_id=municipality_id).order_by("name")


class ActorSearchForm(forms.Form):
    """Search among the actors of the whole municipality (R-MEET-04)."""

    q = forms.CharField(
        label=_("Søk etter aktør"),
        required=False,
        max_length=100,
        help_text=_(
            "Skriv navn, e-post eller virksomhet. Bruk % eller * som jokertegn: «an*» finner "
            "alle navn som begynner på «an», og * alene viser alle aktørene i kommunen."
        ),
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )
    unit = forms.ModelChoiceField(
        label=_("Virksomhet"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("Alle virksomheter"),
    )

    def __init__(self, *args, municipality_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units_of_municipality(municipality_id)

    @property
    def is_search(self) -> bool:
        """Whether the person has asked for something other than their own units' actors."""
        return (
            self.is_bound
            and self.is_valid()
            and bool(self.cleaned_data["q"].strip() or self.cleaned_data["unit"])
        )


class ActorFields(forms.Form):
    """A new actor in a unit of the holder's own municipality (R-MEET-03).

    The unit choices are limited to that municipality, so another municipality's unit id is
    an ordinary field error. The national ID number is checked by the service.
    """

    first_name = forms.CharField(
        label=_("Fornavn"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    last_name = forms.CharField(
        label=_("Etternavn"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    email = forms.EmailField(
        label=_("E-post"), widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    phone = forms.CharField(
        label=_("Telefon"),
        max_length=20,
        required=False,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    unit = forms.ModelChoiceField(
        label=_("Virksomhet"),
        queryset=Unit.objects.none(),
        empty_label=_("Velg virksomhet"),
    )
    national_id = forms.CharField(
        label=_("Fødselsnummer"),
        max_length=20,
        help_text=_("11 siffer. Brukes til å kjenne igjen aktøren ved innlogging med ID-porten."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def __init__(self, *args, municipality_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units_of_municipality(municipality_id)


class RegisterActorForm(SubmissionKeyMixin, ActorFields):
    """*Registrer ny aktør*: one registration and one activation e-mail per form (R-GEN-08)."""


class OptionalActorForm(ActorFields):
    """*Register a new actor* inside another form (a concern, a meeting): left untouched it is
    skipped; once anything is typed, it is validated like the actor page, and its fields are
    labelled as required (they are, for registering someone)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_permitted", True)
        kwargs.setdefault("use_required_attribute", False)
        super().__init__(*args, **kwargs)

    @property
    def has_data(self) -> bool:
        return self.is_bound and self.has_changed()
