from typing import TypeVar

from django import forms
from django.forms.renderers import TemplatesSetting

from common.submissions import new_submission_key

_Field = TypeVar("_Field", bound=forms.Field)


def field_of(form: forms.BaseForm, name: str, kind: type[_Field]) -> _Field:
    """`form.fields[name]` as the kind of field it is (its queryset, its choices): a form's
    fields are typed as plain Fields."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{name!r} is a {type(field).__name__}, not a {kind.__name__}")
    return field


class DesignsystemetRenderer(TemplatesSetting):
    """Renders every form field with our Designsystemet field template."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class SubmissionKeyMixin(forms.Form):
    """A create form's one-time key, claimed by the service that saves it (R-GEN-08).

    A new key for each blank form; a form shown again with errors keeps the posted key, so
    that fixing the errors and sending again still creates only one object.
    """

    submission = forms.CharField(
        widget=forms.HiddenInput,
        required=False,
        max_length=64,
        initial=new_submission_key,
    )
