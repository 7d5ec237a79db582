from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import SubmissionKeyMixin


class NoteFields(forms.Form):
    """A personal note: free text, the first line is its title (R-NOTE-01)."""

    text = forms.CharField(
        label=_("Notat"),
        help_text=_("Den første linjen blir overskriften. Bare du kan se notatene dine."),
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Notatet kan ikke være tomt.")},
    )


class NoteForm(SubmissionKeyMixin, NoteFields):
    """A new note: one note however often the form is sent (R-GEN-08)."""


class NoteEditForm(NoteFields):
    """The note as it was when the page was opened; a newer save wins over an older (R-SEC-05)."""

    # Not required: a form without it (an old tab, a script) saves without the check.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
