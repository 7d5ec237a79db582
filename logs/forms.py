from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.validators import normalise_national_id
from common.dates import PlausibleDateField, PlausibleDatesMixin
from common.forms import SubmissionKeyMixin, field_of
from logs.enums import EVALUATION_OUTCOMES, ConsentGiver, Level, LogKind
from logs.held_uploads import HeldUpload
from logs.models import Child, Concern, Glimpse, Guardian, Log
from logs.queries import holders_in_unit
from logs.rules import BIRTH_DATE, CONSENT_END, GLIMPSE_DATE, MEASURE_DEADLINE, birth_date_range
from organisations.forms import ActorPickerField, prepare_actor_picker
from organisations.models import ConcernCategory, MeasureCategory, Membership, Unit
from organisations.queries import actors_in_municipality

# Room for a national ID number typed with spaces or a dash, as on paper.
NATIONAL_ID_INPUT_LENGTH = 20
TEXTAREA = forms.Textarea(attrs={"rows": 4})


class VersionMixin(forms.Form):
    """Carries the version the user started editing from (R-SEC-05)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ChildForm(PlausibleDatesMixin, forms.ModelForm[Child]):
    birth_date = PlausibleDateField(
        plausible=BIRTH_DATE,
        label=_("Fødselsdato"),
        required=False,
        help_text=_("Fylles ut når barnet ikke har fødselsnummer."),
    )

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
            "national_id": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
            "postcode": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 4}),
        }
        help_texts = {
            "national_id": _("11 siffer. Har barnet ikke fødselsnummer, fyll inn fødselsdato."),
        }

    def __init__(self, *args: Any, kind: str = LogKind.CHILD, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A pregnancy log's person is the expectant mother: her birth date has its own range.
        field_of(self, "birth_date", PlausibleDateField).plausible = birth_date_range(kind)
        national_id = field_of(self, "national_id", forms.CharField)
        # Typed as printed, «DDMMYY NNNNN» too, like the actor form: the service keeps the
        # 11 digits. The model's max_length would make the browser cut the spaced form off.
        national_id.validators = []
        national_id.max_length = NATIONAL_ID_INPUT_LENGTH
        national_id.widget.attrs["maxlength"] = str(NATIONAL_ID_INPUT_LENGTH)
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

    def _post_clean(self) -> None:
        # The service validates the whole child (national ID with python-stdnum included).
        pass


class GuardianForm(forms.ModelForm[Guardian]):
    class Meta:
        model = Guardian
        fields = [
            "first_name",
            "last_name",
            "national_id",
            "phone",
            "email",
            "address",
            "postcode",
            "place",
        ]
        widgets = {
            "national_id": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
            "postcode": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 4}),
        }
        help_texts = {
            "national_id": _(
                "Valgfritt. 11 siffer. Med fødselsnummer kan den foresatte logge inn med ID-porten."
            ),
            "email": _(
                "Med e-post får den foresatte invitasjonen tilsendt. Uten e-post kan du "
                "skrive ut invitasjonen."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        national_id = field_of(self, "national_id", forms.CharField)
        # Typed as printed, «DDMMYY NNNNN» too, as the child's number (ChildForm).
        national_id.validators = []
        national_id.max_length = NATIONAL_ID_INPUT_LENGTH
        national_id.widget.attrs["maxlength"] = str(NATIONAL_ID_INPUT_LENGTH)
        if self.instance.pk and self.instance.national_id:
            # The stored number is never sent back to the browser (R-SEC-03).
            self.initial["national_id"] = ""
            national_id.help_text = _(
                "Registrert: %(masked)s. La feltet stå tomt for å beholde det."
            ) % {"masked": self.instance.masked_national_id}

    def clean_national_id(self) -> str:
        value = (self.cleaned_data.get("national_id") or "").replace(" ", "")
        if not value:
            return self.instance.national_id if self.instance.pk else ""
        # The same check as the child's number (python-stdnum), next to the field.
        return normalise_national_id(value)


class NewGuardianForm(SubmissionKeyMixin, GuardianForm):
    """*Legg til foresatt*: one guardian, one invitation, however often it is sent (R-GEN-08)."""


GuardianFormSet = forms.formset_factory(GuardianForm, extra=4, max_num=4, validate_max=True)


class LogSetupForm(SubmissionKeyMixin, forms.Form):
    """The new log's unit, kind and level; it carries the page's one-time key (R-GEN-08)."""

    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        label=_("Virksomhet"), queryset=None, empty_label=None
    )
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

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = field_of(self, "unit", forms.ModelChoiceField)
        unit.queryset = units
        only = units.first() if len(units) == 1 else None
        if only is not None:
            unit.widget = forms.HiddenInput()
            unit.initial = only.pk


class ConsentForm(PlausibleDatesMixin, forms.Form):
    file = forms.FileField(
        label=_("Samtykke (PDF)"),
        help_text=_("Samtykket underskrevet av foresatte, som PDF. Høyst 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    valid_until = PlausibleDateField(plausible=CONSENT_END, label=_("Gyldig til"))
    given_by = forms.ChoiceField(
        label=_("Samtykket er gitt av"),
        choices=ConsentGiver.choices,
        initial=ConsentGiver.GUARDIANS,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, required: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not required:
            for field in self.fields.values():
                field.required = False
            self.fields["given_by"].required = True


class ConsentUploadForm(SubmissionKeyMixin, ConsentForm):
    """*Last opp samtykke* on a log: one consent, however often it is sent (R-GEN-08)."""


HELD_CHOICES = [
    ("keep", _("Behold filen")),
    ("replace", _("Velg en annen fil")),
    ("drop", _("Ikke last opp samtykke nå")),
]


class NewLogConsentForm(ConsentForm):
    """The consent on the new-log page: optional. A file that passed the checks in an
    earlier round of errors is kept by the page (logs.held_uploads), so the person keeps it,
    chooses another, or leaves the consent for later, instead of choosing it again (R-GEN-04).
    """

    held = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    held_choice = forms.ChoiceField(
        choices=HELD_CHOICES,
        initial="keep",
        required=False,
        widget=forms.RadioSelect,
    )
    field_order = ["held", "held_choice", "file", "valid_until", "given_by"]

    def __init__(
        self,
        *args: Any,
        held_upload: HeldUpload | None = None,
        file_error: ValidationError | None = None,
        **kwargs: Any,
    ) -> None:
        """`held_upload` is the kept file, if any; `file_error` what the upload checks said
        about a file sent with this round."""
        super().__init__(*args, required=False, **kwargs)
        self.held_upload = held_upload
        self.file_error = file_error
        if held_upload is None:
            del self.fields["held_choice"]
            return
        choice = self.fields["held_choice"]
        choice.required = True
        choice.label = _("Valgt fil: %(name)s") % {"name": held_upload.original}
        self.fields["file"].label = _("Annen fil (PDF)")
        self.fields["file"].help_text = _(
            "Velger du en annen fil, erstatter den filen over. Som PDF, høyst 10 MB."
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.file_error is not None:
            self.add_error("file", self.file_error)
        elif (
            self.held_upload is not None
            and cleaned.get("held_choice") == "replace"
            and not cleaned.get("file")
        ):
            self.add_error("file", _("Velg den nye filen, eller behold den du valgte."))
        return cleaned

    @property
    def keeps_held(self) -> bool:
        """Whether the kept file is the consent to save (no new file, not left out)."""
        return (
            self.held_upload is not None
            and not self.cleaned_data.get("file")
            and self.cleaned_data.get("held_choice") in ("", "keep", None)
        )


class LevelForm(VersionMixin, forms.Form):
    level = forms.TypedChoiceField(
        label=_("Vurderingsnivå"),
        choices=Level.choices,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "ds-input"}),
    )


class MeasureFields(PlausibleDatesMixin, forms.Form):
    """Category, description, deadline and actors of a measure, optionally prefixed.

    Any actor of the municipality is a valid id here; whether the log's level lets them be
    attached the service says next to the field (R-LOG-03).
    """

    def __init__(self, *args: Any, log: Log, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        municipality = log.unit.municipality_id
        categories = MeasureCategory.objects.filter(municipality_id=municipality, is_active=True)
        field_of(self, "category", forms.ModelChoiceField).queryset = categories
        field_of(self, "actors", forms.ModelChoiceField).queryset = User.objects.filter(
            pk__in=actors_in_municipality(municipality).values("user_id")
        )
        prepare_actor_picker(self, municipality_id=municipality)


class MeasureForm(MeasureFields):
    category: forms.ModelChoiceField[MeasureCategory] = forms.ModelChoiceField(
        label=_("Tiltakskategori"), queryset=None
    )
    description = forms.CharField(label=_("Beskriv tiltaket"), widget=TEXTAREA)
    deadline = PlausibleDateField(plausible=MEASURE_DEADLINE, label=_("Tiltaksfrist"))
    actors = ActorPickerField(
        label=_("Aktører"),
        queryset=None,
        required=False,
        help_text=_("På nivå 1 kan bare aktører fra egen virksomhet velges."),
    )


class MeasureEditForm(VersionMixin, MeasureForm):
    pass


class ConcernForm(forms.ModelForm[Concern]):
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

    def __init__(self, *args: Any, log: Log, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = field_of(self, "category", forms.ModelChoiceField)
        category.queryset = ConcernCategory.objects.filter(
            municipality_id=log.unit.municipality_id, is_active=True
        )
        category.empty_label = _("Velg kategori")

    def _post_clean(self) -> None:
        pass  # the service validates the concern


class ConcernEditForm(VersionMixin, ConcernForm):
    pass


class NewConcernForm(SubmissionKeyMixin, ConcernForm):
    """*Ny oppmerksomhet*: one concern and one first measure per form (R-GEN-08)."""


class NewMeasureForm(SubmissionKeyMixin, MeasureForm):
    """*Nytt tiltak*: one measure and one notice to each actor per form (R-GEN-08)."""


class EvaluationForm(SubmissionKeyMixin, forms.Form):
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


class DeadlineForm(PlausibleDatesMixin, forms.Form):
    deadline = PlausibleDateField(plausible=MEASURE_DEADLINE, label=_("Ny frist"))


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


class GlimpseForm(SubmissionKeyMixin, PlausibleDatesMixin, forms.ModelForm[Glimpse]):
    happened_on = PlausibleDateField(plausible=GLIMPSE_DATE, label=_("Dato"))
    publish = forms.BooleanField(
        label=_("Publiser nå, slik at aktører og foresatte ser det"), required=False
    )

    class Meta:
        model = Glimpse
        fields = ["text", "happened_on"]
        labels = {"text": _("Hva skjedde?")}
        widgets = {"text": TEXTAREA}

    def __init__(self, *args: Any, can_publish: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not can_publish:
            del self.fields["publish"]
        self.fields["happened_on"].initial = timezone.localdate()

    def _post_clean(self) -> None:
        pass


# --- transfer (R-TRAN-01, R-TRAN-02) -----------------------------------------------------------


# The name of «Vis stafettholdere» in the transfer form (templates/logs/transfer_form.html):
# a POST with it shows the chosen unit's holders and saves nothing.
HOLDER_SEARCH = "holder_search"
SEARCH_LENGTH = 100


class TransferUnitForm(forms.Form):
    """A unit (and words to search its holders for) in the address, `?unit=…&q=…`: the
    transfer form opened with that unit's holders already shown."""

    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(queryset=None)
    q = forms.CharField(required=False, max_length=SEARCH_LENGTH)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "unit", forms.ModelChoiceField).queryset = units


class TransferForm(SubmissionKeyMixin, forms.Form):
    """The whole transfer in one form (R-TRAN-02): the unit, a search among its holders, the
    new holder, the reason and, across units, the guardians' consent.

    «Vis stafettholdere» (HOLDER_SEARCH) sends it all back to show the holders of the chosen
    unit that match the words, so that nothing typed is lost on the way (R-GEN-04); the view
    then keeps it as typed and saves nothing, and the submission key stays unused (R-GEN-08).
    The service checks every rule again.
    """

    to_unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        label=_("Virksomhet"),
        queryset=None,
        empty_label=None,
        help_text=_("Velg virksomheten til den nye stafettholderen."),
        error_messages={
            "required": _("Velg en virksomhet i kommunen."),
            "invalid_choice": _("Velg en virksomhet i kommunen."),
        },
    )
    q = forms.CharField(
        label=_("Søk etter person"),
        required=False,
        max_length=SEARCH_LENGTH,
        widget=forms.SearchInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    to_user: forms.ModelChoiceField[User] = forms.ModelChoiceField(
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

    def __init__(
        self,
        *args: Any,
        log: Log,
        by: User,
        units: QuerySet[Unit],
        unit: Unit | None = None,
        search: str = "",
        **kwargs: Any,
    ) -> None:
        """`units` are those of the log's municipality. Unbound, `unit` is the unit whose
        holders are shown (None: none yet, the unit comes first), filtered by `search`;
        bound, the posted unit and words count, the unit only if it is one of `units`.
        The holders of that unit are offered, except `by`, and the one already chosen stays
        among them whatever the words."""
        super().__init__(*args, **kwargs)
        field_of(self, "to_unit", forms.ModelChoiceField).queryset = units
        chosen = None
        if self.is_bound:
            unit_id = _int_or_none(self.data.get("to_unit"))
            unit = units.filter(pk=unit_id).first() if unit_id is not None else None
            search = (self.data.get("q") or "")[:SEARCH_LENGTH]
            chosen = _int_or_none(self.data.get("to_user"))
        else:
            self.fields["to_unit"].initial = unit.pk if unit is not None else log.unit_id
            self.fields["q"].initial = search
        self.unit = unit
        self.search = search.strip()
        # Anyone with a role in the municipality is a valid id; whether they are a holder
        # of the chosen unit (and not oneself) the service says in words (R-TRAN-01).
        members = Membership.objects.filter(unit__in=units).values("user_id")
        field = field_of(self, "to_user", forms.ModelChoiceField)
        field.queryset = User.objects.filter(pk__in=members)
        holders = (
            holders_in_unit(unit, exclude=by, search=self.search, keep=chosen)
            if unit is not None
            else []
        )
        field.choices = [(u.pk, f"{u.get_full_name()} ({u.email})") for u in holders]
        if unit is None or unit.pk == log.unit_id:
            del self.fields["consent_confirmed"]
        else:
            # Required across units, so that its message shows with the others at once.
            self.fields["consent_confirmed"].required = True
        if self.search_requested:
            # Back in the box that was searched, next to the holders it found.
            self.fields["q"].widget.attrs["autofocus"] = True

    @property
    def search_requested(self) -> bool:
        """Whether «Vis stafettholdere» sent the form: show the holders, save nothing."""
        return self.is_bound and HOLDER_SEARCH in self.data


def _int_or_none(value: str | None) -> int | None:
    """A posted id as a number, or None if it is none a database column could hold."""
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 0 < number < 2**63 else None
