"""The *arkivmelding* of a passive log: Noark 5 metadata in the XML that KS Fiks Arkiv
takes, the message type no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett (its schema is
shipped in archive/schema/, MIT licence, and the tests validate against it), for the pupil's
file (R-ARCH-01).

One *saksmappe* (the log) with the child as its party, the unit and its organisation
number, the log's dates and the chain of holders; one *arkivnotat* in it holding the
archival PDF/A as its main document. The child's national ID number is written here in
full: this package goes to the archive only, never to a person (R-SEC-03).
"""

import hashlib
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.utils import timezone

from logs.enums import TransferStatus
from logs.models import Log

NS = "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/arkivmelding/opprett/v1"
# The types the schema takes from the Noark 5 metadata catalogue (a code, a key, a
# reference) have their elements in its namespace.
MDK = "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
# The schema (ks-no/fiks-arkiv-specification, Schema/V1, commit df8afce).
SCHEMA = (
    Path(__file__).parent / "schema" / "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett.xsd"
)
# Our own metadata inside virksomhetsspesifikkeMetadata (xs:anyType in the schema).
STAFETT_NS = "https://stafettlogg.no/arkiv/v1"
SYSTEM = "Stafettlogg"
# Stable ids: the same log always has the same systemID, in every attempt.
ID_NAMESPACE = uuid.UUID("6a1c1d0e-4b8e-4f4e-9a49-7f3c2b9d5e11")

# What an archivist must find in every package, beyond what the schema requires (the tests
# check each with missing_elements).
REQUIRED = (
    "system",
    "antallFiler",
    "mappe/systemID",
    "mappe/tittel",
    "mappe/opprettetDato",
    "mappe/avsluttetDato",
    "mappe/part/partNavn",
    "mappe/part/organisasjonID/identifikator",
    "mappe/virksomhetsspesifikkeMetadata",
    "registrering/referanseForelderMappe/systemID",
    "registrering/tittel",
    "registrering/referanseEksternNoekkel/fagsystem",
    "registrering/referanseEksternNoekkel/noekkel",
    "registrering/dokumentbeskrivelse/dokumenttype/kode",
    "registrering/dokumentbeskrivelse/dokumentstatus/kode",
    "registrering/dokumentbeskrivelse/tittel",
    "registrering/dokumentbeskrivelse/tilknyttetRegistreringSom/kode",
    "registrering/dokumentbeskrivelse/dokumentobjekt/versjonsnummer",
    "registrering/dokumentbeskrivelse/dokumentobjekt/variantformat/kode",
    "registrering/dokumentbeskrivelse/dokumentobjekt/format/kode",
    "registrering/dokumentbeskrivelse/dokumentobjekt/filnavn",
    "registrering/dokumentbeskrivelse/dokumentobjekt/referanseDokumentfil",
    "registrering/dokumentbeskrivelse/dokumentobjekt/sjekksum",
)


@dataclass(frozen=True)
class Holder:
    name: str
    unit: str
    org_number: str
    since: datetime


def holder_chain(log: Log) -> list[Holder]:
    """Every holder of the log in turn, from its creation: the accepted transfers."""
    transfers = list(
        log.transfers.filter(status=TransferStatus.ACCEPTED)
        .select_related("from_holder", "from_unit", "to_user", "to_unit")
        .order_by("decided_at", "id")
    )
    if not transfers:
        return [_holder(log.holder.get_full_name(), log.unit, log.created_at)]
    first = transfers[0]
    chain = [_holder(first.from_holder.get_full_name(), first.from_unit, log.created_at)]
    for transfer in transfers:
        since = transfer.decided_at or transfer.created_at
        chain.append(_holder(transfer.to_user.get_full_name(), transfer.to_unit, since))
    return chain


def _holder(name: str, unit: "object", since: datetime) -> Holder:
    return Holder(
        name=name,
        unit=str(getattr(unit, "name", "")),
        org_number=_org_number(unit),
        since=since,
    )


def _org_number(unit: object) -> str:
    """The unit's own organisation number, else its municipality's."""
    own = str(getattr(unit, "org_number", "") or "")
    if own:
        return own
    municipality = getattr(unit, "municipality", None)
    return str(getattr(municipality, "org_number", "") or "")


def system_id(log_number: int) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, f"log-{log_number}"))


def title(log: Log) -> str:
    """The document title an archivist files it under (names the child: archive only)."""
    return f"Stafettlogg – {log.child.full_name}"


def _sub(
    parent: ET.Element, tag: str, text: str | None = None, *, namespace: str = NS
) -> ET.Element:
    element = ET.SubElement(parent, f"{{{namespace}}}{tag}")
    if text is not None:
        element.text = text
    return element


def _code(parent: ET.Element, tag: str, code: str, description: str) -> None:
    element = _sub(parent, tag)
    _sub(element, "kode", code, namespace=MDK)
    _sub(element, "beskrivelse", description, namespace=MDK)


def _iso(moment: datetime | None) -> str:
    return timezone.localtime(moment or timezone.now()).isoformat(timespec="seconds")


def build(log: Log, *, pdf: bytes, pdf_name: str, now: datetime | None = None) -> bytes:
    """The arkivmelding.xml for `log`, whose archival PDF/A is `pdf` (named `pdf_name` in
    the package)."""
    ET.register_namespace("", NS)
    ET.register_namespace("xsi", XSI)
    ET.register_namespace("n5mdk", MDK)
    ET.register_namespace("stafett", STAFETT_NS)
    now = now or timezone.now()
    child, unit = log.child, log.unit
    chain = holder_chain(log)
    folder_id = system_id(log.pk)
    root = ET.Element(f"{{{NS}}}arkivmelding")
    _sub(root, "system", SYSTEM)
    _sub(root, "antallFiler", "1")

    folder = _sub(root, "mappe")
    folder.set(f"{{{XSI}}}type", "saksmappe")
    _sub(folder, "systemID", folder_id)
    _sub(folder, "tittel", title(log))
    _sub(folder, "offentligTittel", "Stafettlogg – *****")
    _sub(folder, "opprettetDato", _iso(log.created_at))
    _sub(folder, "opprettetAv", chain[0].name)
    _sub(folder, "avsluttetDato", _iso(log.passive_at))
    _sub(folder, "avsluttetAv", chain[-1].name)
    _metadata(_sub(folder, "virksomhetsspesifikkeMetadata"), log, chain)
    party = _sub(folder, "part")
    _sub(party, "partNavn", child.full_name)
    _code(party, "partRolle", "BARN", "Barnet loggen gjelder")
    if child.national_id:
        person = _sub(party, "personID")
        _sub(person, "landkode", "NO")
        _sub(person, "identifikator", child.national_id)
    _sub(party, "postadresse", child.address)
    _sub(party, "postnummer", child.postcode)
    _sub(party, "poststed", child.place)
    responsible = _sub(folder, "part")
    _sub(responsible, "partNavn", unit.name)
    _code(responsible, "partRolle", "ANSVARLIG", "Ansvarlig virksomhet")
    organisation = _sub(responsible, "organisasjonID")
    _sub(organisation, "identifikator", _org_number(unit))
    _sub(organisation, "landkode", "NO")
    _restricted(folder)
    _external_key(folder, f"stafettlogg-{log.pk}")
    _sub(folder, "saksdato", timezone.localdate(log.created_at).isoformat())
    _sub(_sub(folder, "administrativEnhet"), "navn", unit.name, namespace=MDK)
    _sub(_sub(folder, "saksansvarlig"), "navn", chain[-1].name, namespace=MDK)
    _code(folder, "saksstatus", "A", "Avsluttet")

    _registration(_sub(root, "registrering"), log, folder_id, pdf=pdf, pdf_name=pdf_name, now=now)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _restricted(parent: ET.Element) -> None:
    """Exempt from public access: the log is about a child's health and welfare."""
    restricted = _sub(parent, "skjerming")
    _code(restricted, "tilgangsrestriksjon", "13", "Taushetsplikt")
    _sub(restricted, "skjermingshjemmel", "Offl. § 13, jf. fvl. § 13 første ledd nr. 1")


def _external_key(parent: ET.Element, key: str) -> None:
    external = _sub(parent, "referanseEksternNoekkel")
    _sub(external, "fagsystem", SYSTEM, namespace=MDK)
    _sub(external, "noekkel", key, namespace=MDK)


def _metadata(parent: ET.Element, log: Log, chain: list[Holder]) -> None:
    def sub(element: ET.Element, tag: str, text: str | None = None) -> ET.Element:
        child = ET.SubElement(element, f"{{{STAFETT_NS}}}{tag}")
        if text is not None:
            child.text = text
        return child

    meta = sub(parent, "stafettlogg")
    sub(meta, "loggnummer", str(log.pk))
    sub(meta, "type", str(log.kind))
    sub(meta, "niva", str(log.level))
    sub(meta, "kommune", log.unit.municipality.name)
    sub(meta, "kommuneOrganisasjonsnummer", log.unit.municipality.org_number)
    sub(meta, "virksomhet", log.unit.name)
    sub(meta, "virksomhetOrganisasjonsnummer", _org_number(log.unit))
    sub(meta, "opprettet", _iso(log.created_at))
    sub(meta, "sattPassiv", _iso(log.passive_at))
    holders = sub(meta, "stafettholdere")
    for holder in chain:
        entry = sub(holders, "stafettholder")
        sub(entry, "navn", holder.name)
        sub(entry, "virksomhet", holder.unit)
        sub(entry, "organisasjonsnummer", holder.org_number)
        sub(entry, "fra", _iso(holder.since))


def _registration(
    registration: ET.Element,
    log: Log,
    folder_id: str,
    *,
    pdf: bytes,
    pdf_name: str,
    now: datetime,
) -> None:
    registration.set(f"{{{XSI}}}type", "arkivnotat")
    _sub(registration, "systemID", str(uuid.uuid5(ID_NAMESPACE, f"log-{log.pk}-document")))
    _sub(registration, "opprettetDato", _iso(now))
    _sub(registration, "opprettetAv", SYSTEM)
    _sub(_sub(registration, "referanseForelderMappe"), "systemID", folder_id, namespace=MDK)
    _restricted(registration)
    document = _sub(registration, "dokumentbeskrivelse")
    _code(document, "dokumenttype", "DOKUMENT", "Dokument")
    _code(document, "dokumentstatus", "F", "Dokumentet er ferdigstilt")
    _sub(document, "tittel", title(log))
    _sub(document, "opprettetDato", _iso(now))
    _code(document, "tilknyttetRegistreringSom", "H", "Hoveddokument")
    _sub(document, "dokumentnummer", "1")
    file = _sub(document, "dokumentobjekt")
    _sub(file, "versjonsnummer", "1")
    _code(file, "variantformat", "A", "Arkivformat")
    _code(file, "format", "RA-PDF", "PDF/A - ISO 19005-2:2011")
    _sub(file, "mimeType", "application/pdf")
    _sub(file, "filnavn", pdf_name)
    _sub(file, "referanseDokumentfil", pdf_name)
    _sub(file, "sjekksum", hashlib.sha256(pdf).hexdigest())
    _sub(file, "sjekksumAlgoritme", "SHA256")
    _sub(file, "filstoerrelse", str(len(pdf)))
    _sub(registration, "tittel", title(log))
    _external_key(registration, f"stafettlogg-{log.pk}-dokument")
    _sub(registration, "dokumentetsDato", timezone.localdate(log.passive_at or now).isoformat())


def missing_elements(xml: bytes) -> list[str]:
    """The REQUIRED paths absent or empty in an arkivmelding (empty: it is complete)."""
    root = ET.fromstring(xml)  # noqa: S314 - our own output, parsed back in the tests
    missing = []
    for path in REQUIRED:
        # Any namespace: a path crosses from the message's into the catalogue's.
        found = root.find("/".join("{*}" + part for part in path.split("/")))
        if found is None or (not (found.text or "").strip() and len(found) == 0):
            missing.append(path)
    return missing
