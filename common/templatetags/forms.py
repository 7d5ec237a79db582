from django import template

register = template.Library()


@register.filter
def ds_widget(field):
    """The widget with Designsystemet's class and its help and error messages linked."""
    attrs = {"class": "ds-input"}
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
def ds_choices(field):
    """The radio buttons or checkboxes of a choice field, each with Designsystemet's class."""
    attrs = field.field.widget.attrs
    attrs["class"] = "ds-input"
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.subwidgets
