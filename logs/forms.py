from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from logs.enums import EVALUATION_OUTCOMES, ConsentGiver, Level, LogKind
from logs.models import Child, Concern, Glimpse, Guardian
from logs.queries import holders_in_unit
from organisations.forms import ActorPickerField, prepare_actor_picker
from organisations.models import ConcernCategory, MeasureCategory, Membership
from organisations.queries import actors_in_municipality

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXTAREA = forms.Textarea(attrs={"rows": 4})


class VersionMixin(forms.Form):
    """Carries the version the user started editing from (R-SEC-05)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ChildForm(forms.ModelForm):
    class Meta:
        model = Child
        fields = [
            "first_name",
            "last_name",
            "national_id",
            "birth_date",
            "address",
            "postcode",
            "place",
            "email",
        ]
        widgets = {
            "national_id": forms.TextInput(
                attrs={"autocomplete": "off", "inputmode": "numeric", "maxlength": 13}
            ),
            "birth_date": DATE_WIDGET,
            "postcode": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 4}),
        }
        help_texts = {
            "national_id": _("11 siffer. Har barnet ikke fødselsnummer, fyll inn fødselsdato."),
            "birth_date": _("Fylles ut når barnet ikke har fødselsnummer."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["national_id"].validators = []
        if self.instance.pk and self.instance.national_id:
            # The stored number is never sent back to the browser (R-SEC-03).
            self.initial["national_id"] = ""
            self.fields["national_id"].help_text = _(
                "Registrert: %(masked)s. La feltet stå tomt for å beholde det."
            ) % {"masked": self.instance.masked_national_id}

    def clean_national_id(self) -> str:
        value = (self.cleaned_data.get("national_id") or "").replace(" ", "")
        if not value and self.instance.pk:
            return self.instance.national_id
        return value

    def _post_clean(self):
        # The service validates the whole child (national ID with python-stdnum included).
        pass


class GuardianForm(forms.ModelForm):
    class Meta:
        model = Guardian
        fields = ["first_name", "last_name", "phone", "email", "address", "postcode", "place"]
        widgets = {
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
            "postcode": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 4}),
        }
        help_texts = {
            "email": _(
                "Med e-post får den foresatte invitasjonen tilsendt. Uten e-post kan du "
                "skrive ut invitasjonen."
            ),
        }


GuardianFormSet = forms.formset_factory(GuardianForm, extra=4, max_num=4, validate_max=True)


class LogSetupForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Virksomhet"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(
        label=_("Loggen gjelder"),
        choices=LogKind.choices,
        initial=LogKind.CHILD,
        widget=forms.RadioSelect,
    )
    level = forms.TypedChoiceField(
        label=_("Vurderingsnivå"),
        choices=Level.choices,
        coerce=int,
        initial=Level.ONE,
        widget=forms.RadioSelect,
        help_text=_("Skal aktører utenfor egen virksomhet knyttes til, må nivå 2 eller 3 velges."),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        if len(units) == 1:
            self.fields["unit"].widget = forms.HiddenInput()
            self.fields["unit"].initial = units.first().pk


class ConsentForm(forms.Form):
    file = forms.FileField(
        label=_("Samtykke (PDF)"),
        help_text=_("Samtykket underskrevet av foresatte, som PDF. Høyst 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    valid_until = forms.DateField(label=_("Gyldig til"), widget=DATE_WIDGET)
    given_by = forms.ChoiceField(
        label=_("Samtykket er gitt av"),
        choices=ConsentGiver.choices,
        initial=ConsentGiver.GUARDIANS,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not required:
            for field in self.fields.values():
                field.required = False
            self.fields["given_by"].required = True


class LevelForm(VersionMixin, forms.Form):
    level = forms.TypedChoiceField(
        label=_("Vurderingsnivå"),
        choices=Level.choices,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "ds-input"}),
    )


class MeasureFields(forms.Form):
    """Category, description, deadline and actors of a measure, optionally prefixed.

    Any actor of the municipality is a valid id here; whether the log's level lets them be
    attached the service says next to the field (R-LOG-03).
    """

    def __init__(self, *args, log, **kwargs):
        super().__init__(*args, **kwargs)
        municipality = log.unit.municipality_id
        self.fields["category"].queryset = MeasureCategory.objects.filter(
            municipality_id=municipality, is_active=True
        )
        from django.contrib.auth import get_user_model

        self.fields["actors"].queryset = get_user_model().objects.filter(
            pk__in=actors_in_municipality(municipality).values("user_id")
        )
        prepare_actor_picker(self, municipality_id=municipality)


def _deadline_not_past(value):
    if value and value < timezone.localdate():
        raise forms.ValidationError(_("Fristen kan ikke være tilbake i tid."))
    return value


class MeasureForm(MeasureFields):
    category = forms.ModelChoiceField(label=_("Tiltakskategori"), queryset=None)
    description = forms.CharField(label=_("Beskriv tiltaket"), widget=TEXTAREA)
    deadline = forms.DateField(label=_("Tiltaksfrist"), widget=DATE_WIDGET)
    actors = ActorPickerField(
        label=_("Aktører"),
        queryset=None,
        required=False,
        help_text=_("På nivå 1 kan bare aktører fra egen virksomhet velges."),
    )

    def clean_deadline(self):
        return _deadline_not_past(self.cleaned_data.get("deadline"))


class MeasureEditForm(VersionMixin, MeasureForm):
    def clean_deadline(self):
        value = self.cleaned_data.get("deadline")
        if self.initial.get("deadline") == value:
            return value
        return _deadline_not_past(value)


class ConcernForm(forms.ModelForm):
    class Meta:
        model = Concern
        fields = ["description", "category", "goal", "child_voice"]
        labels = {
            "description": _("Beskriv oppmerksomheten"),
            "goal": _("Beskriv målet"),
            "child_voice": _("Barnets stemme"),
        }
        help_texts = {
            "child_voice": _("Hva sier og ønsker barnet selv?"),
        }
        widgets = {"description": TEXTAREA, "goal": TEXTAREA, "child_voice": TEXTAREA}

    def __init__(self, *args, log, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ConcernCategory.objects.filter(
            municipality_id=log.unit.municipality_id, is_active=True
        )
        self.fields["category"].empty_label = _("Velg kategori")

    def _post_clean(self):
        pass  # the service validates the concern


class ConcernEditForm(VersionMixin, ConcernForm):
    pass


class EvaluationForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Resultat"), choices=EVALUATION_OUTCOMES, widget=forms.RadioSelect
    )
    text = forms.CharField(label=_("Evaluering"), widget=TEXTAREA)
    child_voice = forms.CharField(
        label=_("Barnets stemme"),
        required=False,
        widget=TEXTAREA,
        help_text=_("Hva sier barnet selv om tiltaket?"),
    )


class DeadlineForm(forms.Form):
    deadline = forms.DateField(label=_("Ny frist"), widget=DATE_WIDGET)


class DeadlinePassedForm(forms.Form):
    text = forms.CharField(
        label=_("Kommentar"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PassiveForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Jeg forstår at en passiv logg aldri kan åpnes igjen og ikke kan endres."),
        required=True,
        error_messages={"required": _("Bekreft for å sette loggen passiv.")},
    )


class GlimpseForm(forms.ModelForm):
    publish = forms.BooleanField(
        label=_("Publiser nå, slik at aktører og foresatte ser det"), required=False
    )

    class Meta:
        model = Glimpse
        fields = ["text", "happened_on"]
        labels = {"text": _("Hva skjedde?"), "happened_on": _("Dato")}
        widgets = {"text": TEXTAREA, "happened_on": DATE_WIDGET}

    def __init__(self, *args, can_publish: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_publish:
            del self.fields["publish"]
        self.fields["happened_on"].initial = timezone.localdate()

    def clean_happened_on(self):
        value = self.cleaned_data.get("happened_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("Datoen kan ikke være fram i tid."))
        return value

    def _post_clean(self):
        pass


# --- transfer (R-TRAN-01, R-TRAN-02) -----------------------------------------------------------


class TransferUnitForm(forms.Form):
    """Step one of a transfer, sent with GET so it works without JavaScript: the unit,
    and optionally a name to search for among its holders."""

    unit = forms.ModelChoiceField(
        label=_("Virksomhet"),
        queryset=None,
        empty_label=None,
        widget=forms.Select(),
        help_text=_("Velg virksomheten til den nye stafettholderen."),
    )
    q = forms.CharField(label=_("Søk etter person"), required=False, max_length=100)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class TransferForm(forms.Form):
    """Step two: the new holder in the chosen unit, the reason and, across units, the
    guardians' consent. The service checks every rule again."""

    to_unit = forms.ModelChoiceField(
        queryset=None,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Velg en virksomhet i kommunen."),
            "invalid_choice": _("Velg en virksomhet i kommunen."),
        },
    )
    to_user = forms.ModelChoiceField(
        label=_("Ny stafettholder"),
        queryset=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Velg den nye stafettholderen."),
            "invalid_choice": _("Velg en stafettholder fra listen."),
        },
    )
    reason = forms.CharField(
        label=_("Begrunnelse"),
        max_length=2000,
        widget=TEXTAREA,
        help_text=_("Hvorfor overføres loggen? Begrunnelsen blir stående i loggen."),
        error_messages={"required": _("Skriv hvorfor loggen overføres.")},
    )
    consent_confirmed = forms.BooleanField(
        label=_(
            "Jeg bekrefter at foresatte har samtykket til at loggen overføres til den nye tjenesten"
        ),
        required=False,
        error_messages={
            "required": _(
                "Bekreft at foresatte har samtykket til at loggen overføres til den nye tjenesten."
            )
        },
        help_text=_(
            "Samtykket gjelder tjenestene det er gitt til. Den nye stafettholderen blir bedt om "
            "å laste opp et nytt samtykke."
        ),
    )

    def __init__(self, *args, log, by, units, unit=None, search: str = "", **kwargs):
        """`unit` is the chosen unit; with posted data the posted one counts, if it is one
        of `units` (the municipality's). The holders of that unit are offered, except `by`,
        filtered by `search`."""
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        self.fields["to_unit"].queryset = units
        if self.is_bound:
            unit = units.filter(pk=_int_or_none(self.data.get("to_unit"))).first()
        self.unit = unit
        if unit is not None:
            self.fields["to_unit"].initial = unit.pk
        # Anyone with a role in the municipality is a valid id; whether they are a holder
        # of the chosen unit (and not oneself) the service says in words (R-TRAN-01).
        members = Membership.objects.filter(unit__in=units).values("user_id")
        field = self.fields["to_user"]
        field.queryset = get_user_model().objects.filter(pk__in=members)
        holders = holders_in_unit(unit, exclude=by, search=search) if unit is not None else []
        field.choices = [(u.pk, f"{u.get_full_name()} ({u.email})") for u in holders]
        if unit is None or unit.pk == log.unit_id:
            del self.fields["consent_confirmed"]
        else:
            # Required across units, so that its message shows with the others at once.
            self.fields["consent_confirmed"].required = True

    def add_error(self, field, error):
        # The unit is a hidden field: its errors go on top of the form, where they show.
        super().add_error(None if field == "to_unit" else field, error)


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
