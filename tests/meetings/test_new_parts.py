"""A meeting saved with a new actor and a new concern typed into its form: one service
call, one transaction (R-MEET-03, R-GEN-08)."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from common.errors import ReadOnlyError
from common.submissions import AlreadySubmitted
from logs.models import Concern
from meetings.enums import InviteeRole
from meetings.models import Meeting
from meetings.services import update_meeting
from tests.factories import VALID_NATIONAL_ID, concern_category, measure_category
from tests.meetings.conftest import at, make_meeting

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


def _new_concern(log) -> dict:
    municipality = log.unit.municipality
    return {
        "category": concern_category(municipality),
        "description": "Trekker seg unna i friminuttene",
        "goal": "Trives sammen med andre",
        "child_voice": "",
        "measure": {
            "category": measure_category(municipality),
            "description": "Samtaler med helsesykepleier",
            "deadline": at(30).date(),
            "actors": [],
        },
    }


def _actor_invited(meeting) -> bool:
    return meeting.invitations.filter(role=InviteeRole.ACTOR, email=NEW_ACTOR_EMAIL).exists()


def test_create_meeting_registers_the_new_actor_and_creates_the_new_concern_R_MEET_03(log2, unit):
    meeting = make_meeting(log2, new_actor=_new_actor(unit), new_concern=_new_concern(log2))

    assert _actor_invited(meeting)
    concern = meeting.concerns.get()
    assert concern.log == log2
    measure = concern.measures.get()
    assert list(measure.actors.values_list("email", flat=True)) == [NEW_ACTOR_EMAIL]


def test_a_refused_meeting_leaves_no_new_actor_and_no_new_concern_R_MEET_03(log2, unit):
    with pytest.raises(ValidationError):
        make_meeting(
            log2,
            place="",
            new_actor=_new_actor(unit),
            new_concern=_new_concern(log2),
        )

    assert not User.objects.filter(email=NEW_ACTOR_EMAIL).exists()
    assert not Concern.objects.exists()
    assert not Meeting.objects.exists()


def test_only_the_holder_saves_a_meeting_with_new_parts_R_ROLE_04(log2, unit, other_holder):
    with pytest.raises(ReadOnlyError):
        make_meeting(
            log2, by=other_holder, new_actor=_new_actor(unit), new_concern=_new_concern(log2)
        )

    assert not Concern.objects.exists()
    assert not Meeting.objects.exists()


def test_a_meeting_sent_twice_registers_nobody_and_creates_no_concern_again_R_GEN_08(log2, unit):
    parts = {"new_actor": _new_actor(unit), "new_concern": _new_concern(log2)}
    first = make_meeting(log2, submission="m" * 32, **parts)

    with pytest.raises(AlreadySubmitted) as repeat:
        make_meeting(log2, submission="m" * 32, **parts)

    assert repeat.value.object_id == first.pk
    assert Concern.objects.count() == 1
    assert Meeting.objects.count() == 1


def test_update_meeting_adds_the_new_actor_and_the_new_concern_R_MEET_03_R_MEET_05(
    log2, holder, unit
):
    meeting = make_meeting(log2)

    update_meeting(meeting, by=holder, new_actor=_new_actor(unit), new_concern=_new_concern(log2))

    assert _actor_invited(meeting)
    assert meeting.invitations.filter(role=InviteeRole.GUARDIAN).exists()
    assert meeting.concerns.count() == 1
