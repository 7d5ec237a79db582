"""People (accounts.User) in the Django admin (R-ROLE-02, R-SEC-07, R-SEC-03).

Registered here, not in accounts, because who administers whom is a matter of memberships
and municipalities: accounts sits below organisations and never imports it.

A municipality administrator manages the people of their municipality (`people_in`): names,
phone, language, and switching an account off and on. Nothing that leads to a login is
theirs to change: the login e-mail, the password, the national ID number (it decides who an
ID-porten login becomes, R-SEC-02), the second factor, operator rights. Those fields are left
out of their forms, so a posted value is ignored, and the services refuse them as well.
"""

import copy
from typing import Any, cast

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from accounts.forms import OperatorPasswordForm
from accounts.http import staff_user
from accounts.models import User
from common.forms import field_of
from organisations.enums import MEMBERSHIP_ROLES, Role
from organisations.models import Unit
from organisations.queries import people_in, people_only_in
from organisations.services import add_person, change_person


class NewPersonForm(forms.ModelForm[User]):
    """«Legg til bruker»: the person and their first role, and no password: nobody chooses
    it but the person, through the activation e-mail (R-SEC-07, R-LEAD-01)."""

    # Set per request by UserAdmin.get_form: the units the administrator may choose from.
    units = Unit.objects.none()
    role_required = True

    unit = forms.ModelChoiceField(label=_("Virksomhet"), queryset=Unit.objects.none())
    role = forms.ChoiceField(label=_("Rolle"), choices=[("", "---------"), *MEMBERSHIP_ROLES])

    class Meta:
        model = User
        fields = ["email", "first_name", "last_name", "phone"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "unit", forms.ModelChoiceField).queryset = self.units
        self.fields["unit"].required = self.fields["role"].required = self.role_required
        self.fields["unit"].help_text = _(
            "Personen får en e-post med lenke for å lage sitt eget passord."
        )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("Det finnes allerede en bruker med denne e-postadressen."), code="unique"
            )
        return email

    def clean(self) -> dict[str, Any]:
        # Django keeps cleaned_data when a clean() returns None.
        cleaned = super().clean() or self.cleaned_data
        if bool(cleaned.get("unit")) != bool(cleaned.get("role")):
            missing = "role" if cleaned.get("unit") else "unit"
            self.add_error(missing, _("Velg både virksomhet og rolle."))
        return cleaned


class OperatorPersonForm(UserChangeForm[User]):
    """An operator's form for a person: the national ID number is never sent back to the
    browser (R-SEC-03), only typed anew; left empty, the stored one stays."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "national_id" not in self.fields:
            return
        # Room for the number typed as printed, «DDMMYY NNNNN»; the model checks the digits.
        field = self.fields["national_id"] = forms.CharField(
            label=self.fields["national_id"].label,
            required=False,
            max_length=20,
            widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
        )
        if self.instance.national_id:
            self.initial["national_id"] = ""
            field.help_text = _("Registrert: %(masked)s. La feltet stå tomt for å beholde det.") % {
                "masked": self.instance.masked_national_id
            }

    def clean_national_id(self) -> str | None:
        typed = (self.cleaned_data.get("national_id") or "").replace(" ", "")
        return typed or self.instance.national_id


PERSON_FIELDS = ["first_name", "last_name", "phone", "language"]
READ_ONLY_ALWAYS = ("last_login", "date_joined")


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    ordering = ["last_name", "first_name"]
    list_display = ["email", "first_name", "last_name", "is_active", "last_login"]
    list_filter = ["is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    add_form = NewPersonForm
    form = OperatorPersonForm
    # Django's template for adding a user talks about choosing a password.
    add_form_template = None
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": (*PERSON_FIELDS, "national_id")}),
        (_("Tilgang"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Datoer"), {"fields": READ_ONLY_ALWAYS}),
    ]
    # A municipality administrator's view of a person: the way in shown, not changeable.
    administrator_fieldsets = [
        (None, {"fields": ["email", "login_status"]}),
        (_("Person"), {"fields": [*PERSON_FIELDS, "national_id_masked"]}),
        (_("Tilgang"), {"fields": ["is_active"]}),
        (_("Datoer"), {"fields": READ_ONLY_ALWAYS}),
    ]
    add_fieldsets = [
        (None, {"fields": ["email", "first_name", "last_name", "phone", "unit", "role"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        qs = super().get_queryset(request)
        staff = staff_user(request)
        if staff.is_superuser:
            return qs
        return people_in(staff.administered_municipalities.all(), qs)

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        staff = staff_user(request)
        if obj is None or staff.is_superuser:
            return super().has_change_permission(request, obj)
        # Someone who also works, or has a child, in another municipality is shown, not
        # changed: switching them off would lock them out there too (R-SEC-07).
        administered = staff.administered_municipalities.all()
        return (
            super().has_change_permission(request, obj)
            and people_only_in(administered).filter(pk=obj.pk).exists()
        )

    def get_fieldsets(self, request: HttpRequest, obj: User | None = None) -> Any:
        if obj is not None and not staff_user(request).is_superuser:
            return self.administrator_fieldsets
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(
        self, request: HttpRequest, obj: User | None = None
    ) -> list[str] | tuple[str, ...]:
        if obj is None:
            return []
        if staff_user(request).is_superuser:
            return READ_ONLY_ALWAYS
        return ["email", "login_status", "national_id_masked", *READ_ONLY_ALWAYS]

    def get_form(
        self, request: HttpRequest, obj: User | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[Any]]:
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            staff = staff_user(request)
            operator = staff.is_superuser
            units = Unit.objects.select_related("municipality")
            if not operator:
                units = units.filter(municipality__in=staff.administered_municipalities.all())
            # A subclass per request: the form class itself is shared between requests.
            attrs = {"units": units, "role_required": not operator}
            form = cast(type[forms.ModelForm[Any]], type(form.__name__, (form,), attrs))
        return form

    @admin.display(description=_("fødselsnummer"))
    def national_id_masked(self, obj: User) -> str:
        return obj.masked_national_id

    @admin.display(description=_("innlogging"))
    def login_status(self, obj: User) -> StrOrPromise:
        # Whether the person has chosen a password, never the password's hash.
        if obj.has_usable_password():
            return _("Har valgt passord")
        return _("Har ikke valgt passord ennå (aktiveringslenke eller «Glemt passord»)")

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if not change:
            data = form.cleaned_data
            person = add_person(
                by=staff_user(request),
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                phone=data.get("phone", ""),
                unit=data.get("unit"),
                role=Role(data["role"]) if data.get("role") else None,
            )
            obj.pk = person.pk
            return
        fields = {f.name for f in User._meta.concrete_fields}
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in fields}
        # Groups are saved with the form (save_related): only operators have them in it.
        change_person(obj, by=staff_user(request), changes=changes)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        # A password set by someone else is a way into the children's logs: operators only,
        # and the person is told (R-SEC-07).
        if not staff_user(request).is_superuser:
            raise PermissionDenied
        # Django's view builds the form itself, without the request: this request's copy of
        # the admin gets a form that knows who sets the password (change_password audits it).
        admin = copy.copy(self)
        admin.change_password_form = type(
            "OperatorPasswordForm", (OperatorPasswordForm,), {"by": staff_user(request)}
        )
        return DjangoUserAdmin.user_change_password(admin, request, id, form_url)
