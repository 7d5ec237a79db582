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


# What each change in a log's history was. A dict and a filter, not a template with one
# {% elif %} per action included once per row: the history is the log page's longest list.
REVISION_ACTIONS = {
    "log.created": _("Loggen ble opprettet"),
    "log.level_changed": _("Vurderingsnivået ble endret"),
    "log.passive": _("Loggen ble satt passiv"),
    "child.edited": _("Barnets opplysninger ble endret"),
    "guardian.added": _("Foresatt lagt til"),
    "guardian.edited": _("Foresatt endret"),
    "guardian.removed": _("Foresatt fjernet"),
    "consent.uploaded": _("Samtykke lastet opp"),
    "concern.created": _("Ny oppmerksomhet"),
    "concern.edited": _("Oppmerksomhet endret"),
    "concern.closed": _("Oppmerksomhet avsluttet"),
    "measure.created": _("Nytt tiltak"),
    "measure.edited": _("Tiltak endret"),
    "measure.evaluated": _("Tiltak evaluert"),
    "glimpse.created": _("Nytt lysglimt"),
    "glimpse.published": _("Lysglimt publisert"),
    "guardian.linked": _("Foresatt fikk innlogging"),
    "transfer.created": _("Loggen ble sendt til en ny stafettholder"),
    "transfer.forwarded": _("Overføringen ble sendt videre"),
    "transfer.accepted": _("Overføringen ble godtatt"),
    "transfer.withdrawn": _("Overføringen ble trukket tilbake"),
    "transfer.handed_over": _("Lederen ga loggen til en ny stafettholder"),
    "meeting.created": _("Nytt tverrfaglig møte"),
    "meeting.edited": _("Møtet ble endret"),
    "meeting.cancelled": _("Møtet ble avlyst"),
    "meeting.minutes": _("Referat fra møtet ble lagret"),
}


@register.filter
def revision_action(action: str) -> str:
    """The words for an action in the log's history; an unknown action as it is."""
    label = REVISION_ACTIONS.get(action)
    return str(label) if label is not None else action
