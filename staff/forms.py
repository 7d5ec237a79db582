"""The staff pages' forms (R-LEAD-01). The unit choices are the leader's reach, so another
unit's id is an ordinary field error; the services check every rule again."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from accounts.validators import validate_phone
from common.forms import PlainSelect, SubmissionKeyMixin, field_of
from organisations.models import Unit
from staff.rules import MANAGED_ROLES

ROLE_CHOICES = [("", _("Velg rolle")), *((role.value, role.label) for role in MANAGED_ROLES)]


def _off(**attrs: str) -> dict[str, str]:
    return {"autocomplete": "off", **attrs}


class PersonFields(forms.Form):
    first_name = forms.CharField(
        label=_("Fornavn"), max_length=100, widget=forms.TextInput(attrs=_off())
    )
    last_name = forms.CharField(
        label=_("Etternavn"), max_length=100, widget=forms.TextInput(attrs=_off())
    )
    email = forms.EmailField(
        label=_("E-post"),
        max_length=254,
        help_text=_("Personen logger inn med denne adressen og får aktiveringslenken hit."),
        widget=forms.EmailInput(attrs=_off()),
    )
    phone = forms.CharField(
        label=_("Telefon"),
        max_length=20,
        required=False,
        validators=[validate_phone],
        widget=forms.TextInput(attrs=_off(inputmode="tel")),
    )


class UnitAndRole(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Virksomhet"),
        queryset=Unit.objects.none(),
        empty_label=_("Velg virksomhet"),
        widget=PlainSelect,
    )
    role = forms.ChoiceField(label=_("Rolle"), choices=ROLE_CHOICES)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = field_of(self, "unit", forms.ModelChoiceField)
        field.queryset = units
        field.widget.choices = [("", field.empty_label), *units.values_list("pk", "name")]


class NewStaffForm(SubmissionKeyMixin, PersonFields, UnitAndRole):
    """*Ny stafettholder / aktør*: one person and one activation e-mail per form (R-GEN-08)."""

    field_order = ["first_name", "last_name", "email", "phone", "unit", "role"]


class EditStaffForm(PersonFields):
    """Name, phone and, until the person has activated the account, the e-mail (R-SEC-07)."""

    def __init__(self, *args: Any, email_locked: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if email_locked:
            # Not a field at all: a posted value is never read, and the page shows the
            # address as text with the reason (staff.rules.email_change_refusal).
            del self.fields["email"]


class AddRoleForm(UnitAndRole):
    prefix = "role"


class HandOverForm(forms.Form):
    """For each unit where the person holds active logs: who gets them. Only the number of
    logs is shown, never which children (R-ROLE-03)."""

    def __init__(
        self,
        *args: Any,
        counts: list[tuple[Unit, int]],
        holders: dict[int, list[User]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.people: dict[str, User] = {}
        for unit, count in counts:
            choices: list[tuple[str, str]] = [("", str(_("Velg stafettholder")))]
            for holder in holders.get(unit.pk, []):
                self.people[str(holder.pk)] = holder
                choices.append((str(holder.pk), holder.get_full_name()))
            field = forms.ChoiceField(
                label=_("Ny stafettholder i %(unit)s") % {"unit": unit.name},
                choices=choices,
                required=False,
                widget=PlainSelect,
            )
            field.help_text = ngettext("%(count)s aktiv logg", "%(count)s aktive logger", count) % {
                "count": count
            }
            if len(choices) == 1:
                field.help_text = _(
                    "Det er ingen annen stafettholder i virksomheten. Gi noen rollen først."
                )
            self.fields[f"holder_{unit.pk}"] = field

    def hand_to(self) -> dict[int, User | None]:
        return {
            int(name.removeprefix("holder_")): self.people.get(value or "")
            for name, value in self.cleaned_data.items()
        }
