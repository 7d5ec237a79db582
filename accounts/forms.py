from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.enums import Language


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-post"),
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Passord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _("Feil e-post eller passord. Prøv igjen."),
        "inactive": _("Denne brukeren er deaktivert."),
    }


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Engangskode"),
        regex=r"^\s*[0-9]{6}\s*$",
        help_text=_("Den sekssifrede koden fra autentiseringsappen din."),
        error_messages={"invalid": _("Koden består av 6 siffer.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].strip()


class SettingsForm(forms.ModelForm):
    """Own contact information and language (R-GEN-01)."""

    class Meta:
        model = get_user_model()
        fields = ["first_name", "last_name", "email", "phone", "language"]
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
        }

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        others = get_user_model().objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("Denne e-postadressen er allerede i bruk."))
        return email


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Språk"), choices=Language.choices)
