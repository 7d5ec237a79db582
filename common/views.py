from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from common.submissions import AlreadySubmitted


def apply_errors(
    error: ValidationError,
    *forms: django_forms.BaseForm,
    prefixed: dict[str, django_forms.BaseForm] | None = None,
) -> None:
    """Put a service's ValidationError next to the fields it names (R-GEN-04).

    A key goes to the first of `forms` that has that field; `prefixed` maps a key prefix
    (e.g. "measure_") to the form holding those fields. Anything else is shown at the top
    of the first form.
    """
    main = forms[0]
    if not hasattr(error, "error_dict"):
        main.add_error(None, error)
        return
    for key, texts in error.message_dict.items():
        target = main
        field: str | None = None
        for prefix, other in (prefixed or {}).items():
            if key.startswith(prefix) and key[len(prefix) :] in other.fields:
                target, field = other, key[len(prefix) :]
        if field is None:
            for form in forms:
                if key in form.fields:
                    target, field = form, key
                    break
        for text in texts:
            target.add_error(field, text)


def already_submitted(
    request: HttpRequest, to: str, *args: Any, **kwargs: Any
) -> HttpResponseRedirect:
    """A form sent again after its first sending was saved: show what that one made, with
    a word that nothing was saved twice (R-GEN-08)."""
    messages.info(request, AlreadySubmitted.message)
    return redirect(to, *args, **kwargs)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403: seen but not allowed now; says why in words a user understands."""
    message = str(exception) if exception and str(exception) else ""
    return render(request, "403.html", {"message": message}, status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent from a page that has expired (e.g. after logging in again in another tab):
    explained in the user's language, with no inline style for the CSP to block."""
    message = _(
        "Skjemaet kunne ikke sendes fordi siden var for gammel. Gå tilbake, last siden på nytt "
        "og prøv igjen."
    )
    return render(request, "403.html", {"message": message}, status=403)
