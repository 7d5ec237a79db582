from collections.abc import Mapping
from typing import Any, cast

from django import forms
from django.forms.utils import ErrorDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.validators import validate_phone
from common.forms import PlainChoices, PlainSelect, SubmissionKeyMixin, field_of
from organisations.models import Unit
from organisations.queries import (
    ActorEntry,
    actor_entries,
    find_actor_ids,
    unit_choices_of_municipality,
    units_of_municipality,
)

# A picker shows at most this many hits; a narrower search finds the rest (R-MEET-04).
PICKER_LIMIT = 20
# The name of the «Søk» buttons inside forms: a POST with it searches and saves nothing.
SEARCH_BUTTON = "actor_search"
# Announced by static/js/actor-picker.js, which puts the actor's name in place of %(name)s.
CHOSEN_TEXT = _("%(name)s er lagt til blant de valgte aktørene.")
ALREADY_CHOSEN_TEXT = _("%(name)s er allerede valgt.")
SEARCH_HELP = _(
    "Skriv navn, e-post eller virksomhet. Bruk % eller * som jokertegn: «an*» finner "
    "alle navn som begynner på «an», og * alene viser alle aktørene i kommunen."
)


def _choose_unit_of(field: forms.ModelChoiceField, municipality_id: int) -> None:
    """The units of the municipality as the field's choices. The drop-down reads (id, name)
    pairs: a city's 400 units as model instances would cost more than the rest of the page."""
    field.queryset = units_of_municipality(municipality_id)  # what a choice is checked against
    units = unit_choices_of_municipality(municipality_id)
    field.widget.choices = PlainChoices([("", field.empty_label), *units])


class ActorSearchForm(forms.Form):
    """Search among the actors of the whole municipality (R-MEET-04)."""

    q = forms.CharField(
        label=_("Søk etter aktør"),
        required=False,
        max_length=100,
        help_text=SEARCH_HELP,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )
    unit = forms.ModelChoiceField(
        label=_("Virksomhet"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("Alle virksomheter"),
        widget=PlainSelect,
    )

    def __init__(self, *args: Any, municipality_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose_unit_of(field_of(self, "unit", forms.ModelChoiceField), municipality_id)

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
        widget=PlainSelect,
    )
    national_id = forms.CharField(
        label=_("Fødselsnummer"),
        max_length=20,
        help_text=_("11 siffer. Brukes til å kjenne igjen aktøren ved innlogging med ID-porten."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, municipality_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose_unit_of(field_of(self, "unit", forms.ModelChoiceField), municipality_id)


class RegisterActorForm(SubmissionKeyMixin, ActorFields):
    """*Registrer ny aktør*: one registration and one activation e-mail per form (R-GEN-08)."""


class OptionalActorForm(ActorFields):
    """*Register a new actor* inside another form (a concern, a meeting): left untouched it is
    skipped; once anything is typed, it is validated like the actor page, and its fields are
    labelled as required (they are, for registering someone)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("empty_permitted", True)
        kwargs.setdefault("use_required_attribute", False)
        super().__init__(*args, **kwargs)

    @property
    def has_data(self) -> bool:
        return self.is_bound and self.has_changed()


# --- choosing actors inside a form (R-MEET-03, R-MEET-04, R-LOG-03, R-GEN-04) -----------------


class ActorPickerWidget(forms.CheckboxSelectMultiple):
    """The chosen actors as ticked checkboxes, a search box with a «Søk» button and the hits.

    Only the chosen actors and the hits of a search are rendered, never the municipality's
    whole list. Without JavaScript «Søk» sends the whole form back (see `search_requested`),
    and the hits come as checkboxes to tick; with JavaScript (static/js/actor-picker.js) the
    box is a combobox whose hits come from `organisations:actor_search` through htmx.
    """

    template_name = "forms/widgets/actor_picker.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.entries: list[ActorEntry] = []
        self.result_ids: list[int] = []
        self.query = ""
        self.searched = False
        self.more = False
        self.focus = False

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        # The choice widgets' own context would walk every choice, i.e. every actor in the
        # municipality: that is the list this widget exists not to render.
        context = forms.Widget.get_context(self, name, value, attrs)
        chosen = {str(v) for v in value or ()}
        results = set(self.result_ids)
        context["widget"].update(
            {
                "chosen": [e for e in self.entries if str(e.pk) in chosen],
                "results": [e for e in self.entries if e.pk in results and str(e.pk) not in chosen],
                "query": self.query,
                "query_name": f"{name}_q",
                "search_button": SEARCH_BUTTON,
                "searched": self.searched,
                "hit_count": len(self.result_ids),
                "more": self.more,
                "limit": PICKER_LIMIT,
                "focus": self.focus,
                "search_url": reverse("organisations:actor_search"),
                "search_help": SEARCH_HELP,
                "chosen_text": CHOSEN_TEXT,
                "already_chosen_text": ALREADY_CHOSEN_TEXT,
            }
        )
        return context


class ActorPickerField(forms.ModelMultipleChoiceField):
    """Actors of the municipality, chosen with a search (see ActorPickerWidget).

    The queryset is the allowed set: any other posted id is refused with a message next to
    the field. Call `prepare_actor_picker` once the form is built.
    """

    widget = ActorPickerWidget
    default_error_messages = {
        "invalid_choice": _("Aktøren finnes ikke blant aktørene i kommunen."),
        "invalid_pk_value": _("Velg aktører fra søket."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("template_name", "forms/actor_picker_field.html")
        super().__init__(*args, **kwargs)


def search_requested(data: Mapping[str, Any] | None) -> bool:
    """Whether the form was sent with a «Søk» button: re-render it, save nothing."""
    return data is not None and SEARCH_BUTTON in data


def keep_as_typed(*forms_: forms.BaseForm) -> None:
    """Show bound forms as typed, without validating them: a search is not a save, so it
    must not greet the person with errors about fields they have not reached yet."""
    for form in forms_:
        if form.is_bound:
            # Django's own cache of the errors, which full_clean() would fill.
            form._errors = ErrorDict(renderer=form.renderer)  # type: ignore[attr-defined]
            form.cleaned_data = {}
            # The page holds typing not yet saved: leaving it asks first (R-GEN-05).
            form.kept_as_typed = True  # type: ignore[attr-defined]  # read by the template


def picker_query(form: forms.BaseForm, name: str = "actors") -> str:
    """What was typed in the search box of the picker `name` of a bound `form`."""
    if not form.is_bound:
        return ""
    return (form.data.get(f"{form.add_prefix(name)}_q") or "")[:100].strip()


def _ids(values: list[Any]) -> set[int]:
    ids = set()
    for value in values:
        value = str(getattr(value, "pk", value))
        if value.isascii() and value.isdecimal() and len(value) < 19:
            ids.add(int(value))
    return ids


def prepare_actor_picker(
    form: forms.BaseForm, name: str = "actors", *, municipality_id: int
) -> None:
    """Fetch what the picker shows: the chosen actors and, after «Søk», the hits.

    Two queries at most, whatever the number of actors in the municipality.
    """
    widget = cast(ActorPickerWidget, form.fields[name].widget)
    key = form.add_prefix(name)
    if form.is_bound:
        chosen = form.data.getlist(key) if hasattr(form.data, "getlist") else []
    else:
        chosen = form.initial.get(name) or form.fields[name].initial or []
    query = picker_query(form, name)
    widget.query = query
    result_ids: list[int] = []
    if form.is_bound and search_requested(form.data) and query:
        result_ids, widget.more = find_actor_ids(municipality_id, query, limit=PICKER_LIMIT)
        widget.searched = True
        # Back to the box that was searched, so keyboard and screen reader users find the
        # hits. Enter in any field presses the form's first «Søk», which may belong to
        # another, empty box: then the box with words in it is the one.
        pressed = form.data.get(SEARCH_BUTTON) or ""
        widget.focus = pressed == key or not (form.data.get(f"{pressed}_q") or "").strip()
    widget.result_ids = result_ids
    widget.entries = actor_entries(municipality_id, _ids(chosen) | set(result_ids))
