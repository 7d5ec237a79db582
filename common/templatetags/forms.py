from typing import Any

from django import template
from django.forms import BaseForm, BoundField
from django.forms.formsets import BaseFormSet
from django.template.context import Context
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django_stubs_ext import StrOrPromise

register = template.Library()


@register.filter
def ds_widget(field: BoundField) -> SafeString:
    """The widget with Designsystemet's class and its help and error messages linked."""
    attrs: dict[str, str | bool] = {"class": "ds-input"}
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_helptext")
    if field.errors:
        described_by.append(f"{field.auto_id}_error")
        attrs["aria-invalid"] = "true"
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)


@register.filter
def ds_choices(field: BoundField) -> list[Any]:
    """The radio buttons or checkboxes of a choice field, each with Designsystemet's class."""
    attrs = field.field.widget.attrs
    attrs["class"] = "ds-input"
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.subwidgets


@register.simple_tag(takes_context=True)
def form_errors(context: Context) -> list[dict[str, str]]:
    """Every error of every bound form and formset the view gave the page, in its order.

    base.html shows them as one error summary at the top of the page and prefixes the title
    with «Feil:» (R-GEN-04, WCAG 3.3.1): collected here from the context, so that every form
    page has it, also those that render their fields one by one.
    """
    errors: list[dict[str, str]] = []
    seen: set[int] = set()
    for value in context.flatten().values():
        # type(), not isinstance(): isinstance would evaluate every lazy value in the
        # context (the CSRF token, the header's units…) on every page; a form is never lazy.
        kind = type(value)
        if not issubclass(kind, (BaseForm, BaseFormSet)) or id(value) in seen:
            continue
        seen.add(id(value))
        if issubclass(kind, BaseFormSet):
            errors += _formset_errors(value, seen)
        else:
            errors += _errors_of(value)
    return errors


def _formset_errors(formset: BaseFormSet[Any], seen: set[int]) -> list[dict[str, str]]:
    if not formset.is_bound or formset.total_error_count() == 0:
        return []
    forms = formset.forms
    model = getattr(getattr(formset.form, "_meta", None), "model", None)
    errors = [
        _error(_first_field(forms[0]) if forms else None, m) for m in formset.non_form_errors()
    ]
    for number, form in enumerate(forms, start=1):
        seen.add(id(form))
        # The same label in every form of the set: say which one, as its legend does.
        group = f"{capfirst(model._meta.verbose_name)} {number}" if model else f"{number}"
        errors += _errors_of(form, group)
    return errors


def _errors_of(form: BaseForm, group: str = "") -> list[dict[str, str]]:
    if not form.is_bound or not form.errors:
        return []
    first = _first_field(form)
    hidden = [message for field in form.hidden_fields() for message in field.errors]
    errors = [_error(first, m, group=group) for m in [*form.non_field_errors(), *hidden]]
    for field in form.visible_fields():
        errors += [_error(field, m, label=field.label, group=group) for m in field.errors]
    return errors


def _first_field(form: BaseForm) -> BoundField | None:
    visible = form.visible_fields()
    return visible[0] if visible else None


def _error(
    field: BoundField | None, message: object, *, label: StrOrPromise = "", group: str = ""
) -> dict[str, str]:
    """One line of the summary, linked to the field's input (the first one of a choice group,
    whose fieldset carries the field's own id: the link falls back to it)."""
    target = fallback = ""
    if field is not None and field.auto_id:
        fallback = field.auto_id
        target = field.id_for_label or f"{field.auto_id}_0"
    if group:
        label = f"{label} ({group})" if label else group
    text = f"{label}: {message}" if label else str(message)
    return {"text": text, "target": target, "fallback": fallback}
