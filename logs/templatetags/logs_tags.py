from django import template
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

register = template.Library()

FIELD_LABELS = {
    "description": _("Beskrivelse"),
    "goal": _("Mål"),
    "child_voice": _("Barnets stemme"),
    "category": _("Kategori"),
    "deadline": _("Frist"),
    "actors": _("Aktører"),
    "level": _("Nivå"),
    "first_name": _("Fornavn"),
    "last_name": _("Etternavn"),
    "national_id": _("Fødselsnummer"),
    "birth_date": _("Fødselsdato"),
    "address": _("Adresse"),
    "postcode": _("Postnummer"),
    "place": _("Poststed"),
    "email": _("E-post"),
    "phone": _("Telefon"),
    "name": _("Navn"),
    # Meetings (meetings.services).
    "starts_at": _("Starter"),
    "ends_at": _("Slutter"),
    "meeting_place": _("Sted"),
    "agenda": _("Agenda"),
    "minutes": _("Referat"),
    "invitees": _("Inviterte"),
    "holder": _("Stafettholder"),
    "unit": _("Virksomhet"),
}


@register.filter
def field_label(name: str) -> StrOrPromise:
    """The words for a field name in the log's history."""
    return FIELD_LABELS.get(name, name)
