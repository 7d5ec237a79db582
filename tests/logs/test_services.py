"""The domain rules of a log, proved through its services: every rule and every refusal."""

import json
import re
from datetime import timedelta
from io import BytesIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from audit.models import AuditEvent
from common.errors import ConflictError, ReadOnlyError
from logs.enums import (
    ConcernStatus,
    ConsentGiver,
    Level,
    LogKind,
    LogStatus,
    MeasureStatus,
    Outcome,
)
from logs.models import Child, Consent, Evaluation, Glimpse, Guardian, Log, Revision
from logs.queries import glimpses_visible_to
from logs.services import (
    add_guardian,
    add_measure,
    close_concern,
    create_concern,
    create_glimpse,
    create_log,
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
from organisations.models import ConcernCategory, MeasureCategory, Municipality
from tests.factories import (
    VALID_NATIONAL_ID,
    child_data,
    concern_category,
    guardian_data,
    make_concern,
    make_log,
    make_pdf,
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


# --- create_log -----------------------------------------------------------------------------


def test_create_log_with_all_child_fields_opens_an_active_log_held_by_its_creator_R_LOG_01(
    holder, unit
):
    log = create_log(by=holder, unit=unit, child=child_data(), guardians=[guardian_data()])

    assert log.holder == holder
    assert log.unit == unit
    assert log.status == LogStatus.ACTIVE
    assert log.level == Level.ONE
    assert log.kind == LogKind.CHILD
    assert log.child.full_name == "Sara Stafett"
    assert log.child.municipality == unit.municipality
    assert log.guardians.count() == 1


@pytest.mark.parametrize("field", ["first_name", "last_name", "address", "postcode", "place"])
def test_create_log_without_a_mandatory_child_field_is_refused_R_LOG_01(holder, unit, field):
    with pytest.raises(ValidationError) as excinfo:
        create_log(
            by=holder, unit=unit, child=child_data(**{field: ""}), guardians=[guardian_data()]
        )

    assert field in error_fields(excinfo)
    assert not Log.objects.exists()
    assert not Child.objects.exists()


def test_create_log_without_national_id_or_birth_date_is_refused_on_national_id_R_LOG_01(
    holder, unit
):
    with pytest.raises(ValidationError) as excinfo:
        create_log(
            by=holder,
            unit=unit,
            child=child_data(national_id="", birth_date=None),
            guardians=[guardian_data()],
        )

    assert "national_id" in error_fields(excinfo)


def test_create_log_without_the_childs_email_is_accepted_R_LOG_01(holder, unit):
    log = create_log(by=holder, unit=unit, child=child_data(email=""), guardians=[guardian_data()])

    assert log.child.email == ""


def test_create_log_with_a_postcode_of_three_digits_is_refused_R_LOG_01(holder, unit):
    with pytest.raises(ValidationError) as excinfo:
        create_log(
            by=holder, unit=unit, child=child_data(postcode="150"), guardians=[guardian_data()]
        )

    assert "postcode" in error_fields(excinfo)


@pytest.mark.parametrize(
    "national_id",
    ["15108695089", "1510869508", "151086950888", "abcdefghijk", "31028695088"],
    ids=["wrong-check-digit", "too-short", "too-long", "letters", "impossible-date"],
)
def test_create_log_with_an_invalid_national_id_is_refused_on_national_id_R_SEC_03(
    holder, unit, national_id
):
    with pytest.raises(ValidationError) as excinfo:
        create_log(
            by=holder,
            unit=unit,
            child=child_data(national_id=national_id),
            guardians=[guardian_data()],
        )

    assert "national_id" in error_fields(excinfo)
    assert national_id not in " ".join(excinfo.value.messages)
    assert not Log.objects.exists()


def test_create_log_validates_the_national_id_with_stdnum_and_accepts_separators_R_SEC_03(
    holder, unit
):
    log = create_log(
        by=holder,
        unit=unit,
        child=child_data(national_id="151086 95088"),
        guardians=[guardian_data()],
    )

    assert log.child.national_id == VALID_NATIONAL_ID


def test_create_log_derives_the_birth_date_from_the_national_id_R_LOG_01(holder, unit):
    log = create_log(by=holder, unit=unit, child=child_data(), guardians=[guardian_data()])

    assert log.child.birth_date.isoformat() == "1986-10-15"


def test_create_log_with_a_date_of_birth_instead_of_a_national_id_is_accepted_R_LOG_01(
    holder, unit
):
    born = years_ago(7)

    log = create_log(
        by=holder,
        unit=unit,
        child=child_data(national_id="", birth_date=born),
        guardians=[guardian_data()],
    )

    assert log.child.national_id == ""
    assert log.child.birth_date == born


def test_create_log_for_a_child_without_guardians_is_refused_R_LOG_05(holder, unit):
    with pytest.raises(ValidationError):
        create_log(by=holder, unit=unit, child=child_data(), guardians=[])

    assert not Log.objects.exists()


def test_create_log_with_five_guardians_is_refused_R_LOG_04(holder, unit):
    guardians = [guardian_data(first_name=f"Foresatt{i}") for i in range(5)]

    with pytest.raises(ValidationError):
        create_log(by=holder, unit=unit, child=child_data(), guardians=guardians)

    assert not Guardian.objects.exists()


def test_create_log_with_four_guardians_is_accepted_R_LOG_04(holder, unit):
    guardians = [guardian_data(first_name=f"Foresatt{i}") for i in range(4)]

    log = create_log(by=holder, unit=unit, child=child_data(), guardians=guardians)

    assert log.guardians.count() == 4


def test_create_log_for_a_pregnancy_without_guardians_is_accepted_R_LOG_05(holder, unit):
    log = create_log(
        by=holder,
        unit=unit,
        child=child_data(first_name="Mari", last_name="Mor"),
        guardians=[],
        kind=LogKind.PREGNANCY,
    )

    assert log.kind == LogKind.PREGNANCY
    assert log.guardians.count() == 0


def test_create_log_for_a_pregnancy_with_five_guardians_is_still_refused_R_LOG_04(holder, unit):
    guardians = [guardian_data(first_name=f"Foresatt{i}") for i in range(5)]

    with pytest.raises(ValidationError):
        create_log(
            by=holder, unit=unit, child=child_data(), guardians=guardians, kind=LogKind.PREGNANCY
        )


@pytest.mark.parametrize(
    "field", ["first_name", "last_name", "phone", "address", "postcode", "place"]
)
def test_create_log_with_a_guardian_missing_a_mandatory_field_is_refused_R_LOG_04(
    holder, unit, field
):
    with pytest.raises(ValidationError) as excinfo:
        create_log(
            by=holder, unit=unit, child=child_data(), guardians=[guardian_data(**{field: ""})]
        )

    assert field in error_fields(excinfo)
    assert not Log.objects.exists()


def test_create_log_with_a_guardian_without_email_is_accepted_R_LOG_04(holder, unit):
    log = create_log(by=holder, unit=unit, child=child_data(), guardians=[guardian_data(email="")])

    assert log.guardians.get().email == ""


def test_create_log_with_an_unknown_level_is_refused_R_LOG_03(holder, unit):
    with pytest.raises(ValidationError) as excinfo:
        create_log(by=holder, unit=unit, child=child_data(), guardians=[guardian_data()], level=4)

    assert "level" in error_fields(excinfo)


@pytest.mark.parametrize(
    "persona", ["holder_other_unit", "leader", "actor", "outsider", "actor_other_unit"]
)
def test_create_log_by_someone_who_is_not_holder_in_the_unit_is_refused_R_ROLE_04(
    request, unit, persona
):
    user = request.getfixturevalue(persona)

    with pytest.raises(ReadOnlyError):
        create_log(by=user, unit=unit, child=child_data(), guardians=[guardian_data()])

    assert not Log.objects.exists()
    assert not Child.objects.exists()


def test_create_log_writes_the_audit_event_log_created_with_the_log_id_R_SEC_01(holder, unit):
    log = create_log(by=holder, unit=unit, child=child_data(), guardians=[guardian_data()])

    event = AuditEvent.objects.get(action="log.created")
    assert event.actor == holder
    assert event.log_id == log.pk
    assert event.object_id == str(log.pk)


def test_create_log_never_writes_the_national_id_into_the_audit_trail_R_SEC_01_R_SEC_03(
    holder, unit
):
    create_log(
        by=holder,
        unit=unit,
        child=child_data(),
        guardians=[guardian_data()],
        consent=pdf_upload(),
        consent_valid_until=in_days(365),
    )

    assert AuditEvent.objects.filter(action="log.created").exists()
    assert VALID_NATIONAL_ID not in all_audit_text()
    assert VALID_NATIONAL_ID[:6] not in all_audit_text()


def test_create_log_starts_the_logs_history_R_LOG_08(holder, unit):
    log = create_log(by=holder, unit=unit, child=child_data(), guardians=[guardian_data()])

    assert list(log.revisions.values_list("action", flat=True)) == ["log.created"]


def test_create_log_with_a_consent_stores_it_as_the_current_consent_R_LOG_02(holder, unit):
    log = create_log(
        by=holder,
        unit=unit,
        child=child_data(),
        guardians=[guardian_data()],
        consent=pdf_upload(),
        consent_valid_until=in_days(365),
    )

    assert log.consents.get().valid_until == in_days(365)


def test_create_log_with_a_consent_that_is_not_a_pdf_creates_nothing_R_LOG_02(holder, unit):
    with pytest.raises(ValidationError) as excinfo:
        create_log(
            by=holder,
            unit=unit,
            child=child_data(),
            guardians=[guardian_data()],
            consent=pdf_upload(content=b"bare tekst"),
            consent_valid_until=in_days(365),
        )

    assert "file" in error_fields(excinfo)
    assert not Log.objects.exists()
    assert not Consent.objects.exists()


# --- the child ------------------------------------------------------------------------------


def test_update_child_keeps_the_old_values_in_the_logs_history_R_LOG_08(log, holder):
    update_child(log, by=holder, address="Nyveien 2", version=log.version)

    revision = log.revisions.get(action="child.edited")
    assert revision.before == {"address": "Skoleveien 1"}
    assert revision.after == {"address": "Nyveien 2"}
    assert reload(log.child).address == "Nyveien 2"


def test_update_child_with_an_invalid_national_id_is_refused_on_national_id_R_SEC_03(log, holder):
    with pytest.raises(ValidationError) as excinfo:
        update_child(log, by=holder, national_id="15108695089")

    assert "national_id" in error_fields(excinfo)
    assert reload(log.child).national_id == VALID_NATIONAL_ID


def test_update_child_masks_the_national_id_in_the_logs_history_R_SEC_03(holder, unit):
    log = make_log(holder, unit, national_id="", birth_date=years_ago(7))

    update_child(log, by=holder, national_id=VALID_NATIONAL_ID)

    revision = log.revisions.get(action="child.edited")
    assert VALID_NATIONAL_ID not in json.dumps([revision.before, revision.after])
    assert VALID_NATIONAL_ID not in all_audit_text()


def test_update_child_with_a_new_national_id_takes_the_birth_date_from_it_R_LOG_01(holder, unit):
    log = make_log(holder, unit, national_id="", birth_date=years_ago(7))

    update_child(log, by=holder, national_id=VALID_NATIONAL_ID)

    assert reload(log.child).birth_date.isoformat() == "1986-10-15"


def test_update_child_without_an_address_is_refused_R_LOG_01(log, holder):
    with pytest.raises(ValidationError) as excinfo:
        update_child(log, by=holder, address="")

    assert "address" in error_fields(excinfo)


def test_update_child_with_no_change_writes_no_history_R_LOG_08(log, holder):
    update_child(log, by=holder, first_name="Sara")

    assert not log.revisions.filter(action="child.edited").exists()
    assert reload(log).version == 1


# --- guardians ------------------------------------------------------------------------------


def test_add_guardian_adds_one_with_history_and_audit_R_LOG_04(log, holder):
    guardian = add_guardian(log, by=holder, **guardian_data(first_name="Per"))

    assert log.guardians.count() == 2
    assert log.revisions.filter(action="guardian.added", object_id=guardian.pk).exists()
    assert AuditEvent.objects.filter(action="guardian.added", log_id=log.pk).exists()


def test_add_a_fifth_guardian_is_refused_R_LOG_04(holder, unit):
    log = make_log(holder, unit, guardians=4)

    with pytest.raises(ValidationError):
        add_guardian(log, by=holder, **guardian_data(first_name="Femte"))

    assert log.guardians.count() == 4


def test_add_guardian_without_a_phone_number_is_refused_R_LOG_04(log, holder):
    with pytest.raises(ValidationError) as excinfo:
        add_guardian(log, by=holder, **guardian_data(phone=""))

    assert "phone" in error_fields(excinfo)


def test_remove_the_last_guardian_of_a_childs_log_is_refused_R_LOG_05(log, holder):
    with pytest.raises(ValidationError):
        remove_guardian(log.guardians.get(), by=holder)

    assert log.guardians.count() == 1


def test_remove_one_of_two_guardians_keeps_the_other_and_the_history_R_LOG_05(holder, unit):
    log = make_log(holder, unit, guardians=2)
    first = log.guardians.first()

    remove_guardian(first, by=holder)

    assert log.guardians.count() == 1
    assert log.revisions.get(action="guardian.removed").before == {"name": str(first)}


def test_remove_the_last_guardian_of_a_pregnancy_log_is_allowed_R_LOG_05(holder, unit):
    log = create_log(
        by=holder,
        unit=unit,
        child=child_data(),
        guardians=[guardian_data()],
        kind=LogKind.PREGNANCY,
    )

    remove_guardian(log.guardians.get(), by=holder)

    assert log.guardians.count() == 0


def test_update_guardian_keeps_the_old_values_in_the_logs_history_R_LOG_04_R_LOG_08(log, holder):
    guardian = log.guardians.get()

    update_guardian(guardian, by=holder, phone="99 88 77 66")

    revision = log.revisions.get(action="guardian.edited")
    assert revision.before == {"phone": "912 34 567"}
    assert revision.after == {"phone": "99 88 77 66"}
    assert reload(guardian).phone == "99 88 77 66"


def test_update_guardian_with_an_invalid_phone_is_refused_R_LOG_04(log, holder):
    with pytest.raises(ValidationError) as excinfo:
        update_guardian(log.guardians.get(), by=holder, phone="ring meg")

    assert "phone" in error_fields(excinfo)


# --- consent --------------------------------------------------------------------------------


def test_upload_consent_accepts_a_real_pdf_R_LOG_02(log, holder):
    consent = upload_consent(log, by=holder, file=pdf_upload(), valid_until=in_days(365))

    assert consent.log == log
    assert consent.uploaded_by == holder
    assert consent.given_by == ConsentGiver.GUARDIANS
    assert consent.size == len(make_pdf())
    assert consent.original_name == "samtykke.pdf"
    assert AuditEvent.objects.filter(action="consent.uploaded", log_id=log.pk).exists()


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n" + b"\0" * 200,
        b"Dette er bare tekst, ikke en PDF.",
        b"%PDF-1.4 garbage",
        encrypted_pdf(),
        make_pdf()[:300],
    ],
    ids=["png-renamed", "text-renamed", "broken", "encrypted", "truncated"],
)
def test_upload_consent_refuses_anything_but_a_readable_pdf_on_file_R_LOG_02(log, holder, content):
    with pytest.raises(ValidationError) as excinfo:
        upload_consent(log, by=holder, file=pdf_upload(content=content), valid_until=in_days(365))

    assert "file" in error_fields(excinfo)
    assert not log.consents.exists()


def test_upload_consent_refuses_a_file_over_ten_megabytes_on_file_R_LOG_02(log, holder):
    content = make_pdf() + b"\n%" + b"0" * (10 * 1024 * 1024)

    with pytest.raises(ValidationError) as excinfo:
        upload_consent(log, by=holder, file=pdf_upload(content=content), valid_until=in_days(365))

    assert "file" in error_fields(excinfo)


def test_upload_consent_refuses_an_empty_file_R_LOG_02(log, holder):
    empty = SimpleUploadedFile("samtykke.pdf", b"", content_type="application/pdf")

    with pytest.raises(ValidationError) as excinfo:
        upload_consent(log, by=holder, file=empty, valid_until=in_days(365))

    assert "file" in error_fields(excinfo)


def test_upload_consent_with_a_validity_date_in_the_past_is_refused_R_LOG_02(log, holder):
    with pytest.raises(ValidationError) as excinfo:
        upload_consent(log, by=holder, file=pdf_upload(), valid_until=in_days(-1))

    assert error_fields(excinfo) == {"valid_until"}


def test_upload_consent_without_a_validity_date_is_refused_R_LOG_02(log, holder):
    with pytest.raises(ValidationError) as excinfo:
        upload_consent(log, by=holder, file=pdf_upload(), valid_until=None)

    assert error_fields(excinfo) == {"valid_until"}


def test_upload_consent_valid_until_today_is_accepted_R_LOG_02(log, holder):
    consent = upload_consent(log, by=holder, file=pdf_upload(), valid_until=today())

    assert consent.is_valid_on(today())
    assert not consent.is_valid_on(in_days(1))


def test_upload_consent_reports_every_wrong_field_at_once_R_LOG_02(holder, unit):
    log = make_log(holder, unit, national_id="", birth_date=years_ago(10))

    with pytest.raises(ValidationError) as excinfo:
        upload_consent(
            log,
            by=holder,
            file=pdf_upload(content=b"tekst"),
            valid_until=in_days(-1),
            given_by=ConsentGiver.YOUNG_PERSON,
        )

    assert error_fields(excinfo) == {"file", "valid_until", "given_by"}


def test_young_person_consent_under_the_self_consent_age_is_refused_R_LOG_02(
    holder, unit, settings
):
    settings.STAFETT_SELF_CONSENT_AGE = 16
    log = make_log(holder, unit, national_id="", birth_date=years_ago(16, plus_days=1))

    with pytest.raises(ValidationError) as excinfo:
        upload_consent(
            log,
            by=holder,
            file=pdf_upload(),
            valid_until=in_days(365),
            given_by=ConsentGiver.YOUNG_PERSON,
        )

    assert error_fields(excinfo) == {"given_by"}


def test_young_person_consent_from_the_self_consent_age_is_accepted_R_LOG_02(
    holder, unit, settings
):
    settings.STAFETT_SELF_CONSENT_AGE = 16
    log = make_log(holder, unit, national_id="", birth_date=years_ago(16))

    consent = upload_consent(
        log,
        by=holder,
        file=pdf_upload(),
        valid_until=in_days(365),
        given_by=ConsentGiver.YOUNG_PERSON,
    )

    assert consent.given_by == ConsentGiver.YOUNG_PERSON


def test_young_person_consent_of_an_adult_from_the_national_id_is_accepted_R_LOG_02(log, holder):
    consent = upload_consent(
        log,
        by=holder,
        file=pdf_upload(),
        valid_until=in_days(365),
        given_by=ConsentGiver.YOUNG_PERSON,
    )

    assert consent.given_by == ConsentGiver.YOUNG_PERSON


def test_a_new_consent_becomes_current_while_the_old_one_stays_in_the_history_R_LOG_02(log, holder):
    old = upload_consent(log, by=holder, file=pdf_upload("gammel.pdf"), valid_until=today())

    new = upload_consent(log, by=holder, file=pdf_upload("ny.pdf"), valid_until=in_days(365))

    assert log.consents.first() == new
    assert list(log.consents.all()) == [new, old]
    assert log.revisions.filter(action="consent.uploaded").count() == 2


def test_consent_is_stored_under_a_random_name_in_media_consents_R_LOG_02(log, holder, settings):
    upload = pdf_upload("samtykke Sara Stafett.pdf")

    consent = upload_consent(log, by=holder, file=upload, valid_until=in_days(365))

    assert re.fullmatch(r"consents/[0-9a-f]{32}\.pdf", consent.file.name)
    for telling in ("Sara", "Stafett", "samtykke", VALID_NATIONAL_ID):
        assert telling not in consent.file.name
    stored = Path(settings.MEDIA_ROOT) / consent.file.name
    assert stored.read_bytes() == make_pdf()
    assert consent.original_name == "samtykke Sara Stafett.pdf"


def test_two_consents_never_share_a_stored_name_R_LOG_02(log, holder):
    first = upload_consent(log, by=holder, file=pdf_upload(), valid_until=in_days(30))
    second = upload_consent(log, by=holder, file=pdf_upload(), valid_until=in_days(30))

    assert first.file.name != second.file.name


# --- the level rule -------------------------------------------------------------------------


def test_at_level_1_create_concern_refuses_an_actor_from_another_unit_on_measure_actors_R_LOG_03_R_CONC_01(  # noqa: E501
    log, actor_other_unit
):
    with pytest.raises(ValidationError) as excinfo:
        new_concern(log, measure=measure_fields(log, actors=[actor_other_unit]))

    assert "measure_actors" in error_fields(excinfo)
    assert not log.concerns.exists()


def test_at_level_1_create_concern_accepts_an_actor_from_the_holders_unit_R_CONC_01(log, actor):
    concern = new_concern(log, measure=measure_fields(log, actors=[actor]))

    assert list(concern.measures.get().actors.all()) == [actor]


@pytest.mark.parametrize("level", [Level.TWO, Level.THREE])
def test_after_raising_the_level_create_concern_accepts_an_actor_from_another_unit_R_LOG_03(
    log, holder, actor_other_unit, level
):
    set_level(log, by=holder, level=level)

    concern = new_concern(log, measure=measure_fields(log, actors=[actor_other_unit]))

    assert list(concern.measures.get().actors.all()) == [actor_other_unit]


def test_at_level_1_add_measure_refuses_an_actor_from_another_unit_on_actors_R_LOG_03_R_MEAS_01(
    log, holder, actor_other_unit
):
    concern = make_concern(log)

    with pytest.raises(ValidationError) as excinfo:
        add_measure(concern, by=holder, **measure_fields(log, actors=[actor_other_unit]))

    assert "actors" in error_fields(excinfo)
    assert concern.measures.count() == 1


def test_after_set_level_2_add_measure_accepts_an_actor_from_another_unit_R_LOG_03_R_MEAS_01(
    log, holder, actor_other_unit
):
    concern = make_concern(log)
    set_level(log, by=holder, level=Level.TWO)

    measure = add_measure(concern, by=holder, **measure_fields(log, actors=[actor_other_unit]))

    assert list(measure.actors.all()) == [actor_other_unit]


def test_at_level_1_update_measure_refuses_an_actor_from_another_unit_R_LOG_03(
    log, holder, actor, actor_other_unit
):
    measure = make_concern(log, actors=[actor]).measures.get()

    with pytest.raises(ValidationError) as excinfo:
        update_measure(measure, by=holder, actors=[actor, actor_other_unit])

    assert "actors" in error_fields(excinfo)
    assert list(measure.actors.all()) == [actor]


@pytest.mark.parametrize("level", [Level.ONE, Level.TWO, Level.THREE])
def test_an_actor_from_another_municipality_is_always_refused_R_LOG_03_R_CONC_01_R_MEAS_01(
    log, holder, actor_other_municipality, level
):
    set_level(log, by=holder, level=level)
    concern = make_concern(log)

    with pytest.raises(ValidationError) as on_concern:
        new_concern(log, measure=measure_fields(log, actors=[actor_other_municipality]))
    with pytest.raises(ValidationError) as on_measure:
        add_measure(concern, by=holder, **measure_fields(log, actors=[actor_other_municipality]))

    assert "measure_actors" in error_fields(on_concern)
    assert "actors" in error_fields(on_measure)
    assert log.concerns.count() == 1


def test_a_person_without_the_actor_role_cannot_be_attached_R_CONC_01(log, holder, other_holder):
    set_level(log, by=holder, level=Level.THREE)

    with pytest.raises(ValidationError) as excinfo:
        new_concern(log, measure=measure_fields(log, actors=[other_holder]))

    assert "measure_actors" in error_fields(excinfo)


def test_a_deactivated_actor_cannot_be_attached_R_CONC_01(log, actor):
    actor.is_active = False
    actor.save()

    with pytest.raises(ValidationError) as excinfo:
        new_concern(log, measure=measure_fields(log, actors=[actor]))

    assert "measure_actors" in error_fields(excinfo)


def test_lowering_to_level_1_with_open_outside_actors_is_refused_R_LOG_03(
    holder, unit, actor_other_unit
):
    log = make_log(holder, unit, level=Level.TWO)
    make_concern(log, actors=[actor_other_unit])

    with pytest.raises(ValidationError) as excinfo:
        set_level(log, by=holder, level=Level.ONE)

    assert "level" in error_fields(excinfo)
    assert reload(log).level == Level.TWO


def test_lowering_to_level_1_is_refused_when_one_of_several_actors_is_from_outside_R_LOG_03(
    holder, unit, actor, actor_other_unit
):
    log = make_log(holder, unit, level=Level.TWO)
    make_concern(log, actors=[actor, actor_other_unit])

    with pytest.raises(ValidationError) as excinfo:
        set_level(log, by=holder, level=Level.ONE)

    assert "level" in error_fields(excinfo)
    assert reload(log).level == Level.TWO


def test_lowering_to_level_1_is_allowed_once_outside_actors_measures_are_evaluated_R_LOG_03(
    holder, unit, actor, actor_other_unit
):
    log = make_log(holder, unit, level=Level.TWO)
    evaluate(make_concern(log, actors=[actor_other_unit]).measures.get())
    make_concern(log, actors=[actor])

    set_level(log, by=holder, level=Level.ONE)

    assert reload(log).level == Level.ONE


def test_set_level_records_the_old_level_in_the_history_and_the_audit_trail_R_LOG_03(log, holder):
    set_level(log, by=holder, level=Level.THREE, version=log.version)

    log = reload(log)
    assert log.level == Level.THREE
    assert log.version == 2
    assert log.revisions.get(action="log.level_changed").before == {"level": 1}
    assert AuditEvent.objects.get(action="log.level_changed").data == {"level": 3}


def test_set_level_to_an_unknown_level_is_refused_R_LOG_03(log, holder):
    with pytest.raises(ValidationError) as excinfo:
        set_level(log, by=holder, level=0)

    assert "level" in error_fields(excinfo)


# --- concerns and measures ------------------------------------------------------------------


def test_create_concern_creates_the_first_measure_in_the_same_step_R_CONC_01(log, holder, actor):
    concern = new_concern(log, measure=measure_fields(log, actors=[actor], deadline=in_days(14)))

    measure = concern.measures.get()
    assert concern.status == ConcernStatus.OPEN
    assert concern.child_voice == "Jeg vil ha en venn"
    assert concern.created_by == holder
    assert measure.deadline == in_days(14)
    assert measure.status == MeasureStatus.OPEN
    assert measure.created_by == holder
    assert list(measure.actors.all()) == [actor]
    assert set(log.revisions.values_list("action", flat=True)) >= {
        "concern.created",
        "measure.created",
    }
    assert AuditEvent.objects.filter(action="concern.created", log_id=log.pk).exists()


def test_create_concern_reports_concern_and_measure_errors_together_R_CONC_01(log):
    with pytest.raises(ValidationError) as excinfo:
        new_concern(
            log,
            description="",
            goal="",
            measure={**measure_fields(log), "description": "", "deadline": None},
        )

    assert error_fields(excinfo) >= {
        "description",
        "goal",
        "measure_description",
        "measure_deadline",
    }
    assert not log.concerns.exists()


def test_create_concern_without_a_category_is_refused_on_category_R_CONC_01(log, holder):
    with pytest.raises(ValidationError) as excinfo:
        create_concern(
            log, by=holder, description="Noe", goal="Noe bedre", measure=measure_fields(log)
        )

    assert "category" in error_fields(excinfo)


def test_create_concern_with_categories_of_another_municipality_is_refused_R_CONC_01(log, outsider):
    elsewhere = Municipality.objects.get(name="Annen kommune")
    foreign_concern = ConcernCategory.objects.create(municipality=elsewhere, name="Fremmed")
    foreign_measure = MeasureCategory.objects.create(municipality=elsewhere, name="Fremmed")

    with pytest.raises(ValidationError) as excinfo:
        new_concern(
            log,
            category=foreign_concern,
            measure={**measure_fields(log), "category": foreign_measure},
        )

    assert error_fields(excinfo) >= {"category", "measure_category"}


def test_add_measure_with_a_category_of_another_municipality_is_refused_R_MEAS_01(
    log, holder, outsider
):
    elsewhere = Municipality.objects.get(name="Annen kommune")
    foreign = MeasureCategory.objects.create(municipality=elsewhere, name="Fremmed")
    concern = make_concern(log)

    with pytest.raises(ValidationError) as excinfo:
        add_measure(concern, by=holder, **{**measure_fields(log), "category": foreign})

    assert "category" in error_fields(excinfo)


def test_update_concern_with_a_category_of_another_municipality_is_refused_R_LOG_08(
    log, holder, outsider
):
    elsewhere = Municipality.objects.get(name="Annen kommune")
    foreign = ConcernCategory.objects.create(municipality=elsewhere, name="Fremmed")
    concern = make_concern(log)

    with pytest.raises(ValidationError) as excinfo:
        update_concern(concern, by=holder, category=foreign)

    assert "category" in error_fields(excinfo)
    assert reload(concern).category == concern_category(log.unit.municipality)


def test_close_concern_with_an_open_measure_is_refused_R_CONC_02(log, holder):
    concern = make_concern(log)

    with pytest.raises(ValidationError):
        close_concern(concern, by=holder)

    assert reload(concern).status == ConcernStatus.OPEN


def test_close_concern_with_one_of_two_measures_evaluated_is_refused_R_CONC_02(log, holder):
    concern = make_concern(log)
    evaluate(concern.measures.get())
    add_measure(concern, by=holder, **measure_fields(log))

    with pytest.raises(ValidationError):
        close_concern(concern, by=holder)


def test_close_concern_after_evaluating_every_measure_closes_it_R_CONC_02(log, holder):
    concern = make_concern(log)
    evaluate(concern.measures.get())

    close_concern(concern, by=holder)

    concern = reload(concern)
    assert concern.status == ConcernStatus.CLOSED
    assert concern.closed_at is not None
    assert log.revisions.filter(action="concern.closed").exists()


def test_close_a_closed_concern_again_is_refused_R_CONC_02(log, holder):
    concern = finish(make_concern(log))

    with pytest.raises(ValidationError):
        close_concern(concern, by=holder)


@pytest.mark.parametrize(
    "outcome",
    [
        Outcome.DESIRED_EFFECT,
        Outcome.SOME_EFFECT,
        Outcome.NO_EFFECT,
        Outcome.REGISTERED_IN_ERROR,
    ],
)
def test_evaluate_measure_records_the_outcome_text_and_childs_voice_R_MEAS_03_R_LOG_07(
    log, holder, outcome
):
    measure = make_concern(log).measures.get()

    evaluation = evaluate(measure, outcome=outcome)

    assert evaluation.outcome == outcome
    assert evaluation.text == "Tiltaket virket"
    assert evaluation.child_voice == "Det hjalp"
    assert evaluation.evaluated_by == holder
    assert reload(measure).status == MeasureStatus.EVALUATED
    assert AuditEvent.objects.get(action="measure.evaluated").data == {"outcome": outcome}


def test_evaluate_measure_twice_is_refused_R_MEAS_03(log):
    measure = make_concern(log).measures.get()
    evaluate(measure, outcome=Outcome.SOME_EFFECT)

    with pytest.raises(ValidationError):
        evaluate(measure, outcome=Outcome.NO_EFFECT)

    assert Evaluation.objects.get(measure=measure).outcome == Outcome.SOME_EFFECT


def test_evaluate_measure_with_outcome_deadline_passed_is_refused_R_MEAS_03_R_MEAS_04(log):
    measure = make_concern(log, deadline=in_days(-3)).measures.get()

    with pytest.raises(ValidationError) as excinfo:
        evaluate(measure, outcome=Outcome.DEADLINE_PASSED)

    assert "outcome" in error_fields(excinfo)
    assert reload(measure).is_open


def test_evaluate_measure_with_an_unknown_outcome_is_refused_R_MEAS_03(log):
    measure = make_concern(log).measures.get()

    with pytest.raises(ValidationError) as excinfo:
        evaluate(measure, outcome="brilliant")

    assert "outcome" in error_fields(excinfo)


def test_evaluate_measure_without_a_text_is_refused_R_MEAS_03(log, holder):
    measure = make_concern(log).measures.get()

    with pytest.raises(ValidationError) as excinfo:
        evaluate_measure(measure, by=holder, outcome=Outcome.NO_EFFECT, text="   ")

    assert "text" in error_fields(excinfo)
    assert reload(measure).is_open


def test_add_measure_based_on_an_evaluated_one_links_the_follow_up_R_MEAS_03(log, holder):
    concern = make_concern(log)
    first = concern.measures.get()
    evaluate(first, outcome=Outcome.SOME_EFFECT)

    follow_up = add_measure(concern, by=holder, based_on=first, **measure_fields(log))

    assert follow_up.based_on == first
    assert list(first.follow_ups.all()) == [follow_up]
    revision = log.revisions.get(action="measure.created", object_id=follow_up.pk)
    assert revision.after["based_on"] == first.pk


def test_add_measure_based_on_a_measure_of_another_concern_is_refused_R_MEAS_03(log, holder):
    concern = make_concern(log)
    other = make_concern(log, description="En annen bekymring").measures.get()

    with pytest.raises(ValidationError):
        add_measure(concern, by=holder, based_on=other, **measure_fields(log))

    assert concern.measures.count() == 1


def test_add_measure_to_a_closed_concern_is_refused_R_MEAS_01(log, holder):
    concern = finish(make_concern(log))

    with pytest.raises(ReadOnlyError):
        add_measure(concern, by=holder, **measure_fields(log))


def test_add_measure_without_a_deadline_is_refused_R_MEAS_01(log, holder):
    concern = make_concern(log)

    with pytest.raises(ValidationError) as excinfo:
        add_measure(concern, by=holder, **{**measure_fields(log), "deadline": None})

    assert "deadline" in error_fields(excinfo)


def test_mark_deadline_passed_before_the_deadline_is_refused_R_MEAS_04(log, holder):
    measure = make_concern(log, deadline=today()).measures.get()

    with pytest.raises(ValidationError):
        mark_deadline_passed(measure, by=holder)

    assert reload(measure).is_open


def test_mark_deadline_passed_on_an_overdue_measure_closes_it_without_effect_R_MEAS_04(log, holder):
    measure = make_concern(log, deadline=in_days(-1)).measures.get()

    evaluation = mark_deadline_passed(measure, by=holder)

    assert evaluation.outcome == Outcome.DEADLINE_PASSED
    assert evaluation.text
    assert reload(measure).status == MeasureStatus.EVALUATED


def test_mark_deadline_passed_on_an_evaluated_measure_is_refused_R_MEAS_04(log, holder):
    measure = make_concern(log, deadline=in_days(-1)).measures.get()
    evaluate(measure)

    with pytest.raises(ValidationError):
        mark_deadline_passed(measure, by=holder)

    assert Evaluation.objects.get(measure=measure).outcome == Outcome.DESIRED_EFFECT


def test_extend_deadline_to_a_past_date_is_refused_R_MEAS_04(log, holder):
    measure = make_concern(log, deadline=in_days(-2)).measures.get()

    with pytest.raises(ValidationError) as excinfo:
        extend_deadline(measure, by=holder, deadline=in_days(-1))

    assert "deadline" in error_fields(excinfo)
    assert reload(measure).deadline == in_days(-2)


def test_extend_deadline_gives_an_overdue_measure_a_new_deadline_R_MEAS_04(log, holder):
    measure = make_concern(log, deadline=in_days(-2)).measures.get()

    extend_deadline(measure, by=holder, deadline=in_days(14))

    measure = reload(measure)
    assert measure.deadline == in_days(14)
    assert not measure.is_overdue()
    assert log.revisions.get(action="measure.edited").before == {
        "deadline": in_days(-2).isoformat()
    }


def test_extend_deadline_of_an_evaluated_measure_is_refused_R_MEAS_04_R_LOG_08(log, holder):
    measure = make_concern(log, deadline=in_days(-2)).measures.get()
    evaluate(measure)

    with pytest.raises(ReadOnlyError):
        extend_deadline(measure, by=holder, deadline=in_days(14))


def test_a_measure_past_its_deadline_and_not_evaluated_is_overdue_R_MEAS_02(log):
    measure = make_concern(log, deadline=in_days(-1)).measures.get()

    assert measure.is_overdue()
    assert not measure.is_overdue(today=in_days(-1))


def test_a_measure_due_today_is_not_overdue_R_MEAS_02(log):
    measure = make_concern(log, deadline=today()).measures.get()

    assert not measure.is_overdue()


def test_an_evaluated_measure_is_never_overdue_R_MEAS_02(log):
    measure = make_concern(log, deadline=in_days(-1)).measures.get()
    evaluate(measure)

    assert not reload(measure).is_overdue()


def test_update_concern_keeps_the_old_text_in_the_history_R_LOG_08(log, holder):
    concern = make_concern(log, description="Gammel beskrivelse")

    update_concern(concern, by=holder, description="Ny beskrivelse", version=concern.version)

    concern = reload(concern)
    assert concern.description == "Ny beskrivelse"
    assert concern.version == 2
    revision = log.revisions.get(action="concern.edited")
    assert revision.before == {"description": "Gammel beskrivelse"}
    assert revision.after == {"description": "Ny beskrivelse"}


def test_update_concern_never_writes_the_case_text_into_the_audit_trail_R_SEC_01(log, holder):
    concern = make_concern(log, description="Gammel beskrivelse")

    update_concern(concern, by=holder, description="Hemmelig ny tekst")

    assert AuditEvent.objects.get(action="concern.edited").data == {"fields": ["description"]}
    assert "Hemmelig" not in all_audit_text()


def test_update_measure_keeps_the_old_text_in_the_history_R_LOG_08(log, holder):
    measure = make_concern(log).measures.get()

    update_measure(measure, by=holder, description="Ny plan", version=measure.version)

    assert reload(measure).description == "Ny plan"
    revision = log.revisions.get(action="measure.edited")
    assert revision.before == {"description": "Lesegruppe to ganger i uka"}
    assert revision.after == {"description": "Ny plan"}


def test_update_measure_records_changed_actors_in_the_history_R_LOG_08(log, holder, actor):
    measure = make_concern(log).measures.get()

    update_measure(measure, by=holder, actors=[actor])

    assert list(measure.actors.all()) == [actor]
    assert log.revisions.get(action="measure.edited").after == {"actors": [actor.pk]}


def test_update_an_evaluated_measure_is_refused_R_LOG_08(log, holder):
    measure = make_concern(log).measures.get()
    evaluate(measure)

    with pytest.raises(ReadOnlyError):
        update_measure(measure, by=holder, description="For sent")

    assert reload(measure).description == "Lesegruppe to ganger i uka"


def test_update_a_closed_concern_is_refused_R_LOG_08(log, holder):
    concern = finish(make_concern(log, description="Avsluttet tekst"))

    with pytest.raises(ReadOnlyError):
        update_concern(concern, by=holder, description="For sent")

    assert reload(concern).description == "Avsluttet tekst"


# --- optimistic locking ---------------------------------------------------------------------


def test_update_concern_with_a_stale_version_is_a_conflict_and_the_first_save_survives_R_SEC_05(
    log, holder
):
    concern = make_concern(log)
    seen = concern.version
    update_concern(concern, by=holder, description="Først lagret", version=seen)

    with pytest.raises(ConflictError):
        update_concern(concern, by=holder, description="Andre forsøk", version=seen)

    assert reload(concern).description == "Først lagret"


def test_update_measure_with_a_stale_version_is_a_conflict_and_the_first_save_survives_R_SEC_05(
    log, holder
):
    measure = make_concern(log).measures.get()
    seen = measure.version
    update_measure(measure, by=holder, description="Først lagret", version=seen)

    with pytest.raises(ConflictError):
        update_measure(measure, by=holder, description="Andre forsøk", version=seen)

    assert reload(measure).description == "Først lagret"


def test_update_child_with_a_stale_version_is_a_conflict_and_the_first_save_survives_R_SEC_05(
    log, holder
):
    seen = log.version
    update_child(log, by=holder, address="Først lagret 1", version=seen)

    with pytest.raises(ConflictError):
        update_child(log, by=holder, address="Andre forsøk 2", version=seen)

    assert reload(log.child).address == "Først lagret 1"


def test_set_level_with_a_stale_version_is_a_conflict_R_SEC_05(log, holder):
    seen = log.version
    update_child(log, by=holder, address="Nyveien 3", version=seen)

    with pytest.raises(ConflictError):
        set_level(log, by=holder, level=Level.TWO, version=seen)

    assert reload(log).level == Level.ONE


def test_evaluating_a_measure_makes_an_earlier_edit_form_stale_R_SEC_05(log, holder):
    measure = make_concern(log).measures.get()
    seen = measure.version
    evaluate(measure)

    with pytest.raises(ConflictError):
        update_measure(measure, by=holder, description="Etter evaluering", version=seen)


# --- passive --------------------------------------------------------------------------------


@pytest.fixture
def passive_log(log, holder):
    """A log whose one concern is finished, set passive with both confirmations."""
    concern = finish(make_concern(log))
    glimpse = create_glimpse(
        log, by=holder, role=Role.HOLDER, text="Lo hele dagen", happened_on=today()
    )
    set_log_passive(log, by=holder, confirmed=True)
    return SimpleNamespace(
        log=reload(log),
        concern=reload(concern),
        measure=concern.measures.get(),
        guardian=log.guardians.get(),
        glimpse=glimpse,
    )


def test_set_passive_with_an_open_concern_is_refused_R_LOG_06(log, holder):
    concern = make_concern(log)
    evaluate(concern.measures.get())

    with pytest.raises(ValidationError):
        set_log_passive(log, by=holder, confirmed=True)

    assert reload(log).status == LogStatus.ACTIVE


def test_set_passive_with_an_open_measure_is_refused_R_LOG_06(log, holder):
    make_concern(log)

    with pytest.raises(ValidationError):
        set_log_passive(log, by=holder, confirmed=True)

    assert reload(log).status == LogStatus.ACTIVE


def test_set_passive_without_the_second_confirmation_is_refused_R_LOG_06(log, holder):
    with pytest.raises(ValidationError) as excinfo:
        set_log_passive(log, by=holder, confirmed=False)

    assert "confirm" in error_fields(excinfo)
    assert reload(log).status == LogStatus.ACTIVE


def test_set_passive_when_everything_is_finished_makes_the_log_passive_R_LOG_06(passive_log):
    log = passive_log.log

    assert log.status == LogStatus.PASSIVE
    assert log.passive_at is not None
    assert log.revisions.filter(action="log.passive").exists()
    assert AuditEvent.objects.filter(action="log.passive", log_id=log.pk).exists()


def test_a_log_without_concerns_can_be_set_passive_R_LOG_06(log, holder):
    set_log_passive(log, by=holder, confirmed=True)

    assert reload(log).status == LogStatus.PASSIVE


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


@pytest.mark.parametrize("service", HOLDER_SERVICES)
def test_after_passive_every_service_is_refused_and_the_log_stays_passive_R_LOG_06(
    passive_log, holder, service
):
    revisions = Revision.objects.count()

    with pytest.raises(ReadOnlyError):
        HOLDER_SERVICES[service](passive_log, holder)

    assert reload(passive_log.log).status == LogStatus.PASSIVE
    assert Revision.objects.count() == revisions


# --- only the holder changes the log --------------------------------------------------------


@pytest.fixture
def scene(holder, unit):
    """An active log with two guardians, a concern with one open measure and a draft glimpse."""
    log = make_log(holder, unit, guardians=2)
    concern = make_concern(log)
    glimpse = create_glimpse(log, by=holder, role=Role.HOLDER, text="Utkast", happened_on=today())
    return SimpleNamespace(
        log=log,
        concern=concern,
        measure=concern.measures.get(),
        guardian=log.guardians.first(),
        glimpse=glimpse,
    )


@pytest.mark.parametrize("service", HOLDER_SERVICES)
@pytest.mark.parametrize(
    "persona",
    ["other_holder", "holder_other_unit", "leader", "actor", "guardian_user", "outsider"],
)
def test_anyone_but_the_holder_calling_a_holder_service_is_refused_R_ROLE_04(
    request, scene, service, persona
):
    user = request.getfixturevalue(persona)
    revisions, events = Revision.objects.count(), AuditEvent.objects.count()

    with pytest.raises(ReadOnlyError):
        HOLDER_SERVICES[service](scene, user)

    assert Revision.objects.count() == revisions
    assert AuditEvent.objects.count() == events
    assert reload(scene.log).status == LogStatus.ACTIVE


def test_another_holder_is_refused_before_the_deadline_rules_are_checked_R_ROLE_04(
    scene, other_holder
):
    with pytest.raises(ReadOnlyError):
        mark_deadline_passed(scene.measure, by=other_holder)
    with pytest.raises(ReadOnlyError):
        extend_deadline(scene.measure, by=other_holder, deadline=in_days(-5))


# --- glimpses -------------------------------------------------------------------------------


def test_the_holder_creates_a_glimpse_R_GLIM_01(log, holder):
    glimpse = create_glimpse(
        log, by=holder, role=Role.HOLDER, text="  Leste høyt for klassen  ", happened_on=today()
    )

    assert glimpse.text == "Leste høyt for klassen"
    assert glimpse.author == holder
    assert glimpse.author_role == Role.HOLDER
    assert not glimpse.is_published
    assert AuditEvent.objects.filter(action="glimpse.created", log_id=log.pk).exists()
    assert "Leste" not in all_audit_text()


def test_an_attached_actor_creates_a_glimpse_R_GLIM_01(log, actor):
    make_concern(log, actors=[actor])

    glimpse = create_glimpse(
        log, by=actor, role=Role.ACTOR, text="Hjalp en venn", happened_on=today()
    )

    assert glimpse.author_role == Role.ACTOR


def test_a_guardian_creates_a_glimpse_R_GLIM_01(log, guardian_user):
    glimpse = create_glimpse(
        log, by=guardian_user, role=Role.GUARDIAN, text="Sov godt", happened_on=today()
    )

    assert glimpse.author == guardian_user
    assert glimpse.author_role == Role.GUARDIAN


def test_an_actor_not_attached_to_the_log_cannot_create_a_glimpse_R_GLIM_01_R_ROLE_07(log, actor):
    with pytest.raises(ReadOnlyError):
        create_glimpse(log, by=actor, role=Role.ACTOR, text="Inntrenger", happened_on=today())

    assert not Glimpse.objects.exists()


def test_a_guardian_of_another_child_cannot_create_a_glimpse_R_GLIM_01_R_ROLE_07(
    log, holder, unit, guardian_user
):
    other_log = make_log(holder, unit, first_name="Annen", national_id="", birth_date=years_ago(5))

    with pytest.raises(ReadOnlyError):
        create_glimpse(
            other_log, by=guardian_user, role=Role.GUARDIAN, text="Feil barn", happened_on=today()
        )


def test_the_leader_role_cannot_create_a_glimpse_R_GLIM_01_R_ROLE_03(log, leader):
    with pytest.raises(ReadOnlyError):
        create_glimpse(log, by=leader, role=Role.LEADER, text="Leder", happened_on=today())


def test_a_glimpse_without_text_is_refused_R_GLIM_01(log, holder):
    with pytest.raises(ValidationError) as excinfo:
        create_glimpse(log, by=holder, role=Role.HOLDER, text="   ", happened_on=today())

    assert "text" in error_fields(excinfo)


def test_a_glimpse_without_a_date_is_refused_R_GLIM_01(log, holder):
    with pytest.raises(ValidationError) as excinfo:
        create_glimpse(log, by=holder, role=Role.HOLDER, text="Fin dag", happened_on=None)

    assert "happened_on" in error_fields(excinfo)


@pytest.mark.parametrize("persona", ["actor", "guardian_user"])
def test_actors_and_guardians_see_only_published_glimpses_and_their_own_R_GLIM_01(
    request, log, holder, actor, persona
):
    make_concern(log, actors=[actor])
    user = request.getfixturevalue(persona)
    role = Role.ACTOR if persona == "actor" else Role.GUARDIAN
    draft = create_glimpse(log, by=holder, role=Role.HOLDER, text="Utkast", happened_on=today())
    published = create_glimpse(
        log, by=holder, role=Role.HOLDER, text="Publisert", happened_on=today(), publish=True
    )
    own = create_glimpse(log, by=user, role=role, text="Mitt eget", happened_on=today())

    visible = set(glimpses_visible_to(user, role))

    assert visible == {published, own}
    assert draft not in visible


def test_the_holder_sees_every_glimpse_of_the_log_R_GLIM_01(log, holder, guardian_user):
    mine = create_glimpse(log, by=holder, role=Role.HOLDER, text="Utkast", happened_on=today())
    theirs = create_glimpse(
        log, by=guardian_user, role=Role.GUARDIAN, text="Fra mor", happened_on=today()
    )

    assert set(glimpses_visible_to(holder, Role.HOLDER)) == {mine, theirs}


def test_the_holder_publishes_a_glimpse_R_GLIM_01(log, holder, actor):
    make_concern(log, actors=[actor])
    glimpse = create_glimpse(log, by=holder, role=Role.HOLDER, text="Flott", happened_on=today())

    publish_glimpse(glimpse, by=holder, role=Role.HOLDER)

    assert reload(glimpse).is_published
    assert glimpse in glimpses_visible_to(actor, Role.ACTOR)
    assert log.revisions.filter(action="glimpse.published").exists()


def test_the_holder_publishes_a_guardians_glimpse_R_GLIM_01(log, holder, guardian_user):
    glimpse = create_glimpse(
        log, by=guardian_user, role=Role.GUARDIAN, text="Fra mor", happened_on=today()
    )

    publish_glimpse(glimpse, by=holder, role=Role.HOLDER)

    assert reload(glimpse).is_published


def test_publishing_a_glimpse_twice_is_refused_R_GLIM_01(log, holder):
    glimpse = create_glimpse(
        log, by=holder, role=Role.HOLDER, text="Flott", happened_on=today(), publish=True
    )
    published_at = glimpse.published_at

    with pytest.raises(ReadOnlyError):
        publish_glimpse(glimpse, by=holder, role=Role.HOLDER)

    assert reload(glimpse).published_at == published_at


def test_the_leader_role_cannot_publish_a_glimpse_R_GLIM_01_R_ROLE_03(log, holder, leader):
    glimpse = create_glimpse(log, by=holder, role=Role.HOLDER, text="Flott", happened_on=today())

    with pytest.raises(ReadOnlyError):
        publish_glimpse(glimpse, by=leader, role=Role.LEADER)

    assert not reload(glimpse).is_published


def test_an_actor_cannot_publish_the_holders_glimpse_R_GLIM_01(log, holder, actor):
    make_concern(log, actors=[actor])
    glimpse = create_glimpse(log, by=holder, role=Role.HOLDER, text="Flott", happened_on=today())

    with pytest.raises(ReadOnlyError):
        publish_glimpse(glimpse, by=actor, role=Role.ACTOR)

    assert not reload(glimpse).is_published


def test_no_glimpse_can_be_added_to_a_passive_log_by_anyone_R_GLIM_01_R_LOG_06(
    passive_log, guardian_user
):
    with pytest.raises(ReadOnlyError):
        create_glimpse(
            passive_log.log,
            by=guardian_user,
            role=Role.GUARDIAN,
            text="For sent",
            happened_on=today(),
        )


def test_audit_trail_of_a_whole_log_never_holds_the_national_id_R_SEC_03(passive_log):
    assert AuditEvent.objects.filter(log_id=passive_log.log.pk).count() > 5
    assert VALID_NATIONAL_ID not in all_audit_text()


def test_a_birth_date_in_the_future_is_refused_R_LOG_01(holder, unit):
    from datetime import timedelta

    from django.utils import timezone

    with pytest.raises(ValidationError) as excinfo:
        create_log(
            by=holder,
            unit=unit,
            child=child_data(national_id="", birth_date=timezone.localdate() + timedelta(days=1)),
            guardians=[guardian_data()],
        )
    assert "birth_date" in error_fields(excinfo)


def test_a_birth_date_that_contradicts_the_national_id_is_refused_R_LOG_01_R_SEC_03(holder, unit):
    from datetime import date

    with pytest.raises(ValidationError) as excinfo:
        create_log(
            by=holder,
            unit=unit,
            child=child_data(birth_date=date(2001, 1, 1)),
            guardians=[guardian_data()],
        )
    assert "birth_date" in error_fields(excinfo)
