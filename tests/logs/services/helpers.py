"""Helpers shared by the tests of the log services (tests/logs/services/)."""

import json
from datetime import timedelta
from io import BytesIO

from django.utils import timezone
from pypdf import PdfWriter

from audit.models import AuditEvent
from logs.enums import (
    Level,
    MeasureStatus,
    Outcome,
)
from logs.services import (
    add_guardian,
    add_measure,
    close_concern,
    create_concern,
    create_glimpse,
    evaluate_measure,
    extend_deadline,
    mark_deadline_passed,
    publish_glimpse,
    remove_guardian,
    set_level,
    set_log_passive,
    update_child,
    update_concern,
    update_guardian,
    update_measure,
    upload_consent,
)
from organisations.enums import Role
from tests.factories import (
    concern_category,
    guardian_data,
    measure_category,
    pdf_upload,
)

# --- helpers --------------------------------------------------------------------------------


def today():
    return timezone.localdate()


def in_days(days: int):
    return today() + timedelta(days=days)


def years_ago(years: int, *, plus_days: int = 0):
    """A birth date that makes the child exactly `years` old today (minus `plus_days`)."""
    now = today()
    try:
        born = now.replace(year=now.year - years)
    except ValueError:  # 29 February
        born = now.replace(year=now.year - years, day=28)
    return born + timedelta(days=plus_days)


def measure_fields(log, *, actors=(), deadline=None, description="Samtaler med helsesykepleier"):
    return {
        "category": measure_category(log.unit.municipality),
        "description": description,
        "deadline": deadline or in_days(30),
        "actors": list(actors),
    }


def new_concern(log, *, actors=(), **changes):
    """create_concern with valid data, changed by `changes`."""
    municipality = log.unit.municipality
    fields = {
        "category": concern_category(municipality),
        "description": "Trekker seg unna i friminuttene",
        "goal": "Trives sammen med andre",
        "child_voice": "Jeg vil ha en venn",
        "measure": measure_fields(log, actors=actors),
    }
    fields.update(changes)
    return create_concern(log, by=log.holder, **fields)


def evaluate(measure, *, outcome=Outcome.DESIRED_EFFECT, by=None):
    return evaluate_measure(
        measure,
        by=by or measure.concern.log.holder,
        outcome=outcome,
        text="Tiltaket virket",
        child_voice="Det hjalp",
    )


def finish(concern):
    """Evaluate every open measure of a concern and close it."""
    for measure in concern.measures.filter(status=MeasureStatus.OPEN):
        evaluate(measure)
    return close_concern(concern, by=concern.log.holder)


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt("hemmelig")
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def error_fields(excinfo) -> set[str]:
    return set(excinfo.value.message_dict)


def all_audit_text() -> str:
    return json.dumps([[e.action, e.object_id, e.data] for e in AuditEvent.objects.all()])


def reload(obj):
    obj.refresh_from_db()
    return obj


# Each holder-only service, called on the scene `s` by `by`.
HOLDER_SERVICES = {
    "update_child": lambda s, by: update_child(s.log, by=by, first_name="Endret"),
    "set_level": lambda s, by: set_level(s.log, by=by, level=Level.TWO),
    "add_guardian": lambda s, by: add_guardian(s.log, by=by, **guardian_data(first_name="Ny")),
    "update_guardian": lambda s, by: update_guardian(s.guardian, by=by, first_name="Endret"),
    "remove_guardian": lambda s, by: remove_guardian(s.guardian, by=by),
    "upload_consent": lambda s, by: upload_consent(
        s.log, by=by, file=pdf_upload(), valid_until=in_days(30)
    ),
    "create_concern": lambda s, by: create_concern(
        s.log,
        by=by,
        category=concern_category(s.log.unit.municipality),
        description="Ny",
        goal="Mål",
        measure=measure_fields(s.log),
    ),
    "update_concern": lambda s, by: update_concern(s.concern, by=by, description="Endret"),
    "close_concern": lambda s, by: close_concern(s.concern, by=by),
    "add_measure": lambda s, by: add_measure(s.concern, by=by, **measure_fields(s.log)),
    "update_measure": lambda s, by: update_measure(s.measure, by=by, description="Endret"),
    "evaluate_measure": lambda s, by: evaluate_measure(
        s.measure, by=by, outcome=Outcome.DESIRED_EFFECT, text="Bra"
    ),
    "mark_deadline_passed": lambda s, by: mark_deadline_passed(s.measure, by=by),
    "extend_deadline": lambda s, by: extend_deadline(s.measure, by=by, deadline=in_days(60)),
    "set_log_passive": lambda s, by: set_log_passive(s.log, by=by, confirmed=True),
    "create_glimpse": lambda s, by: create_glimpse(
        s.log, by=by, role=Role.HOLDER, text="Lysglimt", happened_on=today()
    ),
    "publish_glimpse": lambda s, by: publish_glimpse(s.glimpse, by=by, role=Role.HOLDER),
}
