from html import escape
from typing import Any, TypeVar

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.choices import BaseChoiceIterator
from django.utils.safestring import mark_safe

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


class PlainChoices(BaseChoiceIterator):
    """Choices as given, (value, label) pairs with no groups: Django leaves an iterator
    as it is, where it would walk a list to normalize each pair (0.6 ms for a city's 400
    units, on every page with the drop-down)."""

    def __init__(self, pairs: list[tuple[Any, Any]]) -> None:
        self.pairs = pairs

    def __iter__(self) -> Any:
        return iter(self.pairs)


class PlainSelect(forms.Select):
    """A drop-down whose options are joined in Python and placed by one template.

    Django's Select renders a template per option; for the 400 units of a city that is
    15-30 ms a page. Flat choices only (no option groups); the same HTML otherwise.
    """

    template_name = "forms/widgets/plain_select.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        # Widget's context, not ChoiceWidget's: its optgroups build a dict per option.
        context = forms.Widget.get_context(self, name, value, attrs)
        chosen = set(context["widget"]["value"])
        context["widget"]["options"] = mark_safe(  # noqa: S308 - every part escaped here
            "\n".join(
                f'<option value="{escape(str(key))}"'
                f"{' selected' if str(key) in chosen else ''}>{escape(str(label))}</option>"
                for key, label in self.choices
            )
        )
        return context
