"""Helpers shared by the tests of the log pages (tests/logs/views/)."""

import re
from datetime import timedelta

from django.utils import timezone

from logs.enums import MeasureStatus, Outcome
from logs.services import (
    close_concern,
    evaluate_measure,
    upload_consent,
)
from tests.factories import (
    VALID_NATIONAL_ID,
    concern_category,
    measure_category,
    pdf_upload,
)

INVALID_NATIONAL_ID = "12345678901"
CONFLICT = "Noen andre har endret dette"
INVALID_CHOICE = "Velg et gyldig valg"


def today():
    return timezone.localdate()


def in_days(days: int):
    return today() + timedelta(days=days)


def login(client, user, role: str | None = None):
    client.force_login(user)
    if role:
        session = client.session
        session["active_role"] = role
        session.save()


def page(response) -> str:
    return response.content.decode()


def field_error(html: str, field_id: str) -> str:
    """The error text rendered next to one field (templates/forms/field.html)."""
    match = re.search(rf'<div id="{re.escape(field_id)}_error">(.*?)</div>', html, re.S)
    return match.group(1) if match else ""


def textarea(html: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{re.escape(name)}"[^>]*>(.*?)</textarea>', html, re.S)
    assert match, f"no textarea {name}"
    return match.group(1).strip()


def section(html: str, section_id: str) -> str:
    match = re.search(rf'<section id="{re.escape(section_id)}".*?</section>', html, re.S)
    return match.group(0) if match else ""


def reload(obj):
    obj.refresh_from_db()
    return obj


def detail_url(log) -> str:
    return f"/logger/{log.pk}/"


CREATE = "/logger/ny/"


def new_log_data(unit, *, guardians: int = 2, consent=True, **changes) -> dict:
    data = {
        "unit": str(unit.pk),
        "kind": "child",
        "level": "1",
        "child-first_name": "Sara",
        "child-last_name": "Stafett",
        "child-national_id": VALID_NATIONAL_ID,
        "child-birth_date": "",
        "child-address": "Skoleveien 1",
        "child-postcode": "0150",
        "child-place": "Oslo",
        "child-email": "",
        "guardian-TOTAL_FORMS": "4",
        "guardian-INITIAL_FORMS": "0",
        "guardian-MIN_NUM_FORMS": "0",
        "guardian-MAX_NUM_FORMS": "4",
        "consent-given_by": "guardians",
    }
    names = [("Gunn", "912 34 567"), ("Geir", "913 45 678")]
    for i, (first_name, phone) in enumerate(names[:guardians]):
        data |= {
            f"guardian-{i}-first_name": first_name,
            f"guardian-{i}-last_name": "Foresatt",
            f"guardian-{i}-phone": phone,
            f"guardian-{i}-email": f"{first_name.lower()}@example.no",
            f"guardian-{i}-address": "Skoleveien 1",
            f"guardian-{i}-postcode": "0150",
            f"guardian-{i}-place": "Oslo",
        }
    if consent:
        data["consent-file"] = pdf_upload()
        data["consent-valid_until"] = in_days(365).isoformat()
    data.update(changes)
    return data


SPACED_NATIONAL_ID = f"{VALID_NATIONAL_ID[:6]} {VALID_NATIONAL_ID[6:]}"


def national_id_maxlength(html: str, name: str) -> int:
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html)
    assert tag is not None, f"no input {name}"
    maxlength = re.search(r'maxlength="(\d+)"', tag.group(0))
    assert maxlength is not None, f"input {name} has no maxlength"
    return int(maxlength.group(1))


def concern_url(log) -> str:
    return f"/logger/{log.pk}/oppmerksomheter/ny/"


def concern_data(log, *, actors=(), **changes) -> dict:
    municipality = log.unit.municipality
    data = {
        "description": "Trekker seg unna i friminuttene",
        "category": str(concern_category(municipality).pk),
        "goal": "Trives sammen med andre",
        "child_voice": "Jeg vil ha en venn",
        "measure-category": str(measure_category(municipality).pk),
        "measure-description": "Samtaler med helsesykepleier",
        "measure-deadline": in_days(30).isoformat(),
        "measure-actors": [str(a.pk) for a in actors],
    }
    data.update(changes)
    return data


def new_actor_data(unit, **changes) -> dict:
    data = {
        "new_actor-first_name": "Nina",
        "new_actor-last_name": "Ny",
        "new_actor-email": "nina.ny@example.no",
        "new_actor-phone": "",
        "new_actor-unit": str(unit.pk),
        "new_actor-national_id": VALID_NATIONAL_ID,
    }
    data.update(changes)
    return data


def search_data(log, query: str, **changes) -> dict:
    """The concern form sent with the «Søk» button of its actor picker, as without
    JavaScript (R-MEET-04, R-GEN-04)."""
    return concern_data(log, **changes) | {"measure-actors_q": query, "actor_search": "x"}


def measure_url(concern) -> str:
    return f"/logger/oppmerksomheter/{concern.pk}/tiltak/ny/"


def measure_data(log, *, actors=(), **changes) -> dict:
    municipality = log.unit.municipality
    data = {
        "category": str(measure_category(municipality).pk),
        "description": "Lesegruppe",
        "deadline": in_days(30).isoformat(),
        "actors": [str(a.pk) for a in actors],
    }
    data.update(changes)
    return data


def child_form_data(version, **changes) -> dict:
    data = {
        "version": str(version),
        "child-first_name": "Sara",
        "child-last_name": "Stafett",
        "child-national_id": "",
        "child-birth_date": "",
        "child-address": "Skoleveien 1",
        "child-postcode": "0150",
        "child-place": "Oslo",
        "child-email": "",
    }
    data.update(changes)
    return data


def evaluate_url(measure) -> str:
    return f"/logger/tiltak/{measure.pk}/evaluer/"


def passive_url(log) -> str:
    return f"/logger/{log.pk}/passiv/"


def finish(concern, holder):
    for measure in concern.measures.filter(status=MeasureStatus.OPEN):
        evaluate_measure(measure, by=holder, outcome=Outcome.DESIRED_EFFECT, text="Ok")
    close_concern(concern, by=holder)


def glimpse_url(log) -> str:
    return f"/logger/{log.pk}/lysglimt/ny/"


def consent_for(log):
    return upload_consent(log, by=log.holder, file=pdf_upload(), valid_until=in_days(100))
