from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from exports.enums import Part


class ExportForm(forms.Form):
    """*Eksporter*: which parts of the log go into the PDF (R-EXP-01); all by default."""

    parts = forms.MultipleChoiceField(
        label=_("Hva skal være med i rapporten?"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Velg minst én del av loggen."),
            "invalid_choice": _("Velg deler fra listen."),
        },
    )

    def __init__(self, *args: Any, parts: Sequence[Part], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["parts"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(part.value, part.label) for part in parts]
        field.initial = [part.value for part in parts]
