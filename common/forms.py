from django.forms.renderers import TemplatesSetting


class DesignsystemetRenderer(TemplatesSetting):
    """Renders every form field with our Designsystemet field template."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
