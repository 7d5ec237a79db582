"""The flows that used to open their own transaction in a view, now one service each: a
concern or a measure with a new actor, the printed letter (R-CONC-01, R-MEAS-01, R-MEET-03,
R-LOG-04, R-GUAR-02, R-GEN-08), and the one helper that writes history and audit together."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from accounts.models import ActivationToken, User
from audit.models import AuditEvent
from common.errors import ReadOnlyError
from common.submissions import AlreadySubmitted
from logs.models import Concern, Measure, Revision
from logs.services import (
    add_measure,
    create_concern,
    create_log,
    guardians,
    print_guardian_letter,
    record_change,
)
from organisations.enums import Role
from organisations.models import Membership
from tests.factories import (
    VALID_NATIONAL_ID,
    child_data,
    concern_category,
    guardian_data,
    make_concern,
)
from tests.logs.services.helpers import measure_fields

NEW_ACTOR_EMAIL = "nina.ny@example.no"


def _new_actor(unit) -> dict:
    return {
        "first_name": "Nina",
        "last_name": "Ny",
        "email": NEW_ACTOR_EMAIL,
        "phone": "",
        "unit": unit,
        "national_id": VALID_NATIONAL_ID,
    }


def _concern_fields(log) -> dict:
    return {
        "category": concern_category(log.unit.municipality),
        "description": "Trekker seg unna i friminuttene",
        "goal": "Trives sammen med andre",
        "measure": measure_fields(log),
    }


def _registered() -> bool:
    return User.objects.filter(email=NEW_ACTOR_EMAIL).exists()


# --- record_change ----------------------------------------------------------------------------


def test_record_change_writes_the_history_row_and_the_audit_row_together_R_LOG_08_R_SEC_01(
    log, holder
):
    record_change(
        log,
        by=holder,
        action="log.level_changed",
        obj=log,
        before={"level": 1},
        after={"level": 2},
        audit_data={"level": 2},
    )

    revision = Revision.objects.get(log=log, action="log.level_changed")
    assert (revision.before, revision.after, revision.by) == ({"level": 1}, {"level": 2}, holder)
    event = AuditEvent.objects.get(action="log.level_changed", log_id=log.pk)
    assert (event.actor, event.data) == (holder, {"level": 2})


def test_record_change_may_name_the_audit_event_otherwise_than_the_history_R_SEC_01(log, holder):
    record_change(log, by=holder, action="meeting.minutes", audit_action="meeting.minutes_saved")

    assert Revision.objects.filter(log=log, action="meeting.minutes").exists()
    assert AuditEvent.objects.filter(action="meeting.minutes_saved", log_id=log.pk).exists()
    assert not AuditEvent.objects.filter(action="meeting.minutes").exists()


# --- a concern or a measure with a new actor (R-CONC-01, R-MEAS-01, R-MEET-03) ----------------


def test_create_concern_registers_the_new_actor_and_attaches_them_R_CONC_01_R_MEET_03(
    log, holder, unit
):
    concern = create_concern(log, by=holder, new_actor=_new_actor(unit), **_concern_fields(log))

    person = User.objects.get(email=NEW_ACTOR_EMAIL)
    assert list(concern.measures.get().actors.all()) == [person]
    assert Membership.objects.filter(user=person, unit=unit, role=Role.ACTOR).exists()


def test_a_refused_concern_registers_no_new_actor_R_CONC_01_R_MEET_03(log, holder, unit):
    fields = _concern_fields(log)
    fields["description"] = ""

    with pytest.raises(ValidationError):
        create_concern(log, by=holder, new_actor=_new_actor(unit), **fields)

    assert not _registered()
    assert not Concern.objects.exists()


def test_only_the_holder_creates_a_concern_with_a_new_actor_R_ROLE_04(log, other_holder, unit):
    with pytest.raises(ReadOnlyError):
        create_concern(log, by=other_holder, new_actor=_new_actor(unit), **_concern_fields(log))

    assert not _registered()
    assert not Concern.objects.exists()


def test_a_concern_sent_twice_registers_the_new_actor_once_R_GEN_08(log, holder, unit):
    fields = {**_concern_fields(log), "submission": "k" * 32}
    create_concern(log, by=holder, new_actor=_new_actor(unit), **fields)

    with pytest.raises(AlreadySubmitted):
        create_concern(log, by=holder, new_actor=_new_actor(unit), **fields)

    assert User.objects.filter(email=NEW_ACTOR_EMAIL).count() == 1
    assert Concern.objects.count() == 1


def test_add_measure_registers_the_new_actor_and_attaches_them_R_MEAS_01_R_MEET_03(
    log, holder, unit
):
    concern = make_concern(log)

    measure = add_measure(concern, by=holder, new_actor=_new_actor(unit), **measure_fields(log))

    assert list(measure.actors.values_list("email", flat=True)) == [NEW_ACTOR_EMAIL]


def test_a_refused_measure_registers_no_new_actor_R_MEAS_01_R_MEET_03(log, holder, unit):
    concern = make_concern(log)
    fields = measure_fields(log)
    fields["deadline"] = None

    with pytest.raises(ValidationError):
        add_measure(concern, by=holder, new_actor=_new_actor(unit), **fields)

    assert not _registered()
    assert Measure.objects.filter(concern=concern).count() == 1


# --- the printed letter (R-LOG-04, R-GUAR-02) -------------------------------------------------


@pytest.fixture
def silent_guardian(holder, unit):
    """A guardian without e-mail: the one who gets a printed letter."""
    log = create_log(by=holder, unit=unit, child=child_data(), guardians=[guardian_data(email="")])
    return log.guardians.get()


def test_print_guardian_letter_makes_the_pdf_issues_a_code_and_records_the_read_R_GUAR_02(
    silent_guardian, holder
):
    pdf = print_guardian_letter(silent_guardian, by=holder, page="logs:guardian_letter")

    text = PdfReader(BytesIO(pdf)).pages[0].extract_text()
    assert silent_guardian.first_name in text
    token = ActivationToken.objects.get(guardian=silent_guardian)
    assert token.channel == ActivationToken.Channel.LETTER
    assert AuditEvent.objects.filter(action="guardian.invitation_printed").exists()
    read = AuditEvent.objects.get(action="log.viewed", log_id=silent_guardian.log_id)
    assert read.data == {"page": "logs:guardian_letter", "guardian": silent_guardian.pk}


def test_print_guardian_letter_by_another_holder_is_refused_and_leaves_no_code_R_GUAR_02(
    silent_guardian, other_holder
):
    with pytest.raises(ReadOnlyError):
        print_guardian_letter(silent_guardian, by=other_holder, page="logs:guardian_letter")

    assert not ActivationToken.objects.filter(guardian=silent_guardian).exists()


def test_a_letter_that_cannot_be_made_leaves_no_code_behind_R_GUAR_02(
    silent_guardian, holder, monkeypatch
):
    def broken_renderer(guardian, issued):
        raise OSError("no fonts")

    monkeypatch.setattr(guardians, "render_letter", broken_renderer)

    with pytest.raises(OSError):
        print_guardian_letter(silent_guardian, by=holder, page="logs:guardian_letter")

    assert not ActivationToken.objects.filter(guardian=silent_guardian).exists()
    assert not AuditEvent.objects.filter(action="guardian.invitation_printed").exists()
