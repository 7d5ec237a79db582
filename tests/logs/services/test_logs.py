"""The log as a whole, proved through its services: creating it, the child, setting it
passive (R-LOG-01…06)."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from common.errors import ReadOnlyError
from logs.enums import (
    Level,
    LogKind,
    LogStatus,
)
from logs.models import Child, Consent, Guardian, Log, Revision
from logs.services import (
    create_log,
    set_log_passive,
    update_child,
)
from tests.factories import (
    VALID_NATIONAL_ID,
    child_data,
    guardian_data,
    make_concern,
    make_log,
    pdf_upload,
)
from tests.logs.services.helpers import (
    HOLDER_SERVICES,
    all_audit_text,
    error_fields,
    evaluate,
    in_days,
    reload,
    years_ago,
)

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


# --- passive --------------------------------------------------------------------------------


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


@pytest.mark.parametrize("service", HOLDER_SERVICES)
def test_after_passive_every_service_is_refused_and_the_log_stays_passive_R_LOG_06(
    passive_log, holder, service
):
    revisions = Revision.objects.count()

    with pytest.raises(ReadOnlyError):
        HOLDER_SERVICES[service](passive_log, holder)

    assert reload(passive_log.log).status == LogStatus.PASSIVE
    assert Revision.objects.count() == revisions


def test_audit_trail_of_a_whole_log_never_holds_the_national_id_R_SEC_03(passive_log):
    assert AuditEvent.objects.filter(log_id=passive_log.log.pk).count() > 5
    assert VALID_NATIONAL_ID not in all_audit_text()


def test_a_birth_date_in_the_future_is_refused_R_LOG_01(holder, unit):

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
