"""The error summary every form page gets after a refused save (R-GEN-04, WCAG 3.3.1, 2.4.2).

base.html collects the errors of every bound form and formset the view gave the page: one
summary (role=alert) at the top of the page links to each field, and the title starts with
«Feil:». The browser side (focus, links, axe) is in tests/browser/test_form_errors.py.
"""

import re

from django import forms
from django.template import Context, Template

SUMMARY = Template(
    "{% load forms %}{% form_errors as errors %}{% if errors %}"
    '{% include "forms/error_summary.html" with errors=errors %}{% endif %}'
)


class PersonForm(forms.Form):
    name = forms.CharField(label="Navn")
    colour = forms.ChoiceField(
        label="Farge", choices=[("r", "Rød"), ("b", "Blå")], widget=forms.RadioSelect
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        if self.data.get("name") == "Ingen":
            raise forms.ValidationError("Ingen kan ikke hete Ingen.")
        return self.cleaned_data


class GuardianLikeForm(forms.Form):
    phone = forms.CharField(label="Telefon")


def _links(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<a class="ds-link" href="#([^"]+)"[^>]*>([^<]+)</a>', html)


def test_every_field_error_is_linked_to_its_input_R_GEN_04():
    form = PersonForm({"name": "", "version": "x"})
    required = form.fields["name"].error_messages["required"]

    html = SUMMARY.render(Context({"form": form}))

    assert 'role="alert"' in html
    assert "Skjemaet har 3 feil" in html
    # The hidden field's error has no input of its own: it goes to the first field.
    assert _links(html) == [
        ("id_name", form.errors["version"][0]),
        ("id_name", f"Navn: {required}"),
        # A choice group: the first choice, with the group's fieldset as the fallback.
        ("id_colour_0", f"Farge: {required}"),
    ]
    assert 'data-error-fallback="id_colour"' in html


def test_a_non_field_error_is_in_the_summary_R_GEN_04():
    form = PersonForm({"name": "Ingen", "colour": "r"})

    links = _links(SUMMARY.render(Context({"form": form})))

    assert links == [("id_name", "Ingen kan ikke hete Ingen.")]


def test_formset_errors_say_which_form_they_belong_to_R_GEN_04():
    formset_class = forms.formset_factory(GuardianLikeForm, extra=0, min_num=2, validate_min=True)
    data = {
        "g-TOTAL_FORMS": "2",
        "g-INITIAL_FORMS": "0",
        "g-MIN_NUM_FORMS": "2",
        "g-MAX_NUM_FORMS": "4",
        "g-0-phone": "1",
        "g-1-phone": "",
    }
    formset = formset_class(data, prefix="g")
    other = PersonForm({"name": "Ola", "colour": "r"})

    links = _links(SUMMARY.render(Context({"formset": formset, "form": other})))

    required = GuardianLikeForm.base_fields["phone"].error_messages["required"]
    assert links == [
        # The set's own error goes to the first field of its first form.
        ("id_g-0-phone", formset.non_form_errors()[0]),
        ("id_g-1-phone", f"Telefon (2): {required}"),
    ]


def test_unbound_and_valid_forms_give_no_summary_R_GEN_04():
    context = Context({"new": PersonForm(), "valid": PersonForm({"name": "Ola", "colour": "b"})})

    assert SUMMARY.render(context).strip() == ""


def test_a_refused_save_puts_the_summary_first_and_feil_in_the_title_R_GEN_04(client, holder):
    client.force_login(holder)
    data = {"first_name": "Hanne", "last_name": "Holder", "email": holder.email}

    response = client.post("/konto/innstillinger/", data | {"phone": "ring meg", "language": "nb"})

    html = response.content.decode()
    assert re.search(r"<title>Feil: Innstillinger – Stafettlogg</title>", html)
    summary = html.index("data-error-summary")
    assert summary < html.index("<h1")
    assert re.search(r'href="#id_phone"[^>]*>Telefon: Skriv et gyldig telefonnummer', html)
    # The same page without errors has the plain title and no summary.
    html = client.get("/konto/innstillinger/").content.decode()
    assert "<title>Innstillinger – Stafettlogg</title>" in html
    assert "data-error-summary" not in html
