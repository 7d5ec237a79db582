from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.contrib.auth.password_validation import password_validators_help_texts
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.enums import Language
from accounts.models import User
from accounts.services import change_password
from notifications.enums import Kind
from notifications.services import queue_email


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


class ActivationCodeForm(forms.Form):
    """The code from the printed invitation letter (R-GUAR-02)."""

    code = forms.CharField(
        label=_("Aktiveringskode"),
        max_length=80,
        help_text=_(
            "Koden står i brevet du har fått. Store eller små bokstaver og mellomrom spiller "
            "ingen rolle."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )


class ActivationForm(forms.Form):
    """Choose a password (and, for a guardian without a login, the e-mail address)."""

    email = forms.EmailField(
        label=_("E-post"),
        help_text=_("Du logger inn med denne adressen, og varsler blir sendt hit."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=_("Nytt passord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Gjenta passordet"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, ask_email: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not ask_email:
            del self.fields["email"]
        self.fields["password1"].help_text = " ".join(password_validators_help_texts())

    def clean(self) -> dict[str, Any]:
        # Django keeps cleaned_data when a clean() returns None.
        cleaned = super().clean() or self.cleaned_data
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("Passordene er ikke like."))
        return cleaned


class ResetOrActivatePasswordForm(PasswordResetForm):
    """«Glemt passord» also for a person whose activation link has expired.

    Django leaves out users without a usable password (meant for logins managed elsewhere);
    here such a user is one who has not activated yet, and the reset link is how they get in
    after the 7 days (R-LEAD-01, R-GUAR-02).
    """

    def get_users(self, email: str) -> QuerySet[User]:
        return User.objects.filter(email__iexact=email, is_active=True)

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        *args: Any,
        **kwargs: Any,
    ) -> None:
        """Through the outbox like every other e-mail: retried while the mail server is down,
        in the person's language, with the link built on STAFETT_SITE_URL (R-SEC-04)."""
        user = context["user"]
        queue_email(
            kind=Kind.PASSWORD_RESET,
            to=user.email,
            template="accounts/email/password_reset",
            context={"uid": context["uid"], "token": context["token"]},
            user=user,
        )


class RevokingSetPasswordForm(SetPasswordForm):
    """Setting a password through «Glemt passord»: one audited change that also closes open
    activation links and codes (accounts.services.change_password)."""

    def save(self, commit: bool = True) -> User:
        if not commit:
            return super().save(commit=False)
        password = self.cleaned_data["new_password1"]
        change_password(self.user, by=self.user, password=password, reason="password_reset")
        return self.user


class RevokingPasswordChangeForm(PasswordChangeForm):
    """A person changing their own password: the same one audited change."""

    def save(self, commit: bool = True) -> User:
        if not commit:
            return super().save(commit=False)
        password = self.cleaned_data["new_password1"]
        change_password(self.user, by=self.user, password=password, reason="password_changed")
        return self.user


class OperatorPasswordForm(AdminPasswordChangeForm):
    """An operator sets or removes someone's password in the admin (R-SEC-07). `by`, the
    operator, is set per request by organisations.people_admin.UserAdmin.user_change_password."""

    by: User

    def save(self, commit: bool = True) -> User:
        if not commit:
            return super().save(commit=False)
        usable = self.cleaned_data["set_usable_password"]
        password = self.cleaned_data["password1"] if usable else None
        change_password(self.user, by=self.by, password=password, reason="password_set")
        return self.user
