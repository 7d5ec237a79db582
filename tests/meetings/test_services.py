"""Meetings through the service: every rule and refusal, the invitations and their
iCalendar attachments (R-MEET-01, R-MEET-02, R-MEET-03, R-MEET-05, R-NOTIFY-01, R-SEC-05)."""

import pytest
from django.core.exceptions import ValidationError
from icalendar import Calendar

from audit.models import AuditEvent
from common.errors import ConflictError, ReadOnlyError
from logs.enums import Level, LogStatus
from logs.models import Log, Revision
from logs.services import set_log_passive
from meetings.enums import InviteeRole, MeetingStatus
from meetings.models import Invitation, Meeting
from meetings.queries import meetings_visible_to, upcoming_meetings_for
from meetings.services import cancel_meeting, save_minutes, update_meeting
from notifications.enums import Kind
from notifications.models import OutgoingEmail
from organisations.enums import Role
from tests.factories import VALID_NATIONAL_ID, make_concern, make_log
from tests.meetings.conftest import at, make_meeting

SENTINEL = "SENTINEL-BEKYMRING-1234"


def _emails(**filters):
    return list(OutgoingEmail.objects.filter(kind=Kind.MEETING, **filters).order_by("pk"))


def _calendar(email) -> Calendar:
    return Calendar.from_ical(email.attachment)


def _event(email):
    return _calendar(email).walk("VEVENT")[0]


# --- creating (R-MEET-01…03) ----------------------------------------------------------------


def test_create_meeting_invites_holder_guardians_and_actors_R_MEET_01(
    log2, holder, actor_other_unit
):
    concern = make_concern(log2)

    meeting = make_meeting(log2, concerns=[concern], actors=[actor_other_unit], agenda="Plan")

    assert meeting.status == MeetingStatus.PLANNED
    assert meeting.level == Level.TWO
    assert meeting.sequence == 0
    assert meeting.uid.endswith("@stafettlogg")
    assert list(meeting.concerns.all()) == [concern]
    roles = sorted(meeting.invitations.values_list("role", flat=True))
    assert roles == [InviteeRole.ACTOR, InviteeRole.GUARDIAN, InviteeRole.HOLDER]
    guardian_invitation = meeting.invitations.get(role=InviteeRole.GUARDIAN)
    assert guardian_invitation.guardian == log2.guardians.get()
    assert guardian_invitation.email == "gunn@example.no"
    assert Revision.objects.filter(log=log2, action="meeting.created").exists()
    assert AuditEvent.objects.filter(
        action="meeting.created", log_id=log2.pk, object_id=str(meeting.pk)
    ).exists()


def test_meeting_level_defaults_to_the_logs_level_R_MEET_01(log2, log):
    assert make_meeting(log2).level == Level.TWO
    assert make_meeting(log).level == Level.ONE


def test_every_invitee_with_an_email_gets_an_invitation_with_ics_R_MEET_05(
    log2, holder, actor_other_unit
):
    make_meeting(log2, actors=[actor_other_unit])

    emails = _emails()
    assert sorted(e.to for e in emails) == sorted(
        [holder.email, "gunn@example.no", actor_other_unit.email]
    )
    for email in emails:
        assert email.attachment_name == "invitasjon.ics"
        assert email.attachment_type == "text/calendar; method=REQUEST"
        assert "Invitasjon til tverrfaglig møte" in email.subject


def test_a_guardian_without_email_is_invited_but_gets_no_email_R_MEET_05(log2):
    log2.guardians.update(email="")

    meeting = make_meeting(log2, invite_holder=False)

    assert meeting.invitations.get().role == InviteeRole.GUARDIAN
    assert _emails() == []


@pytest.mark.parametrize("minutes_later", [0, -30])
def test_a_meeting_that_ends_before_it_starts_is_refused_R_MEET_01(log2, minutes_later):
    starts_at = at(7, 10)
    ends_at = at(7, 10, 0) if minutes_later == 0 else at(7, 9, 30)

    with pytest.raises(ValidationError) as caught:
        make_meeting(log2, starts_at=starts_at, ends_at=ends_at)

    assert "ends_at" in caught.value.message_dict
    assert not Meeting.objects.exists()
    assert _emails() == []


def test_a_meeting_needs_a_place_R_MEET_01(log2):
    with pytest.raises(ValidationError) as caught:
        make_meeting(log2, place="  ")
    assert "place" in caught.value.message_dict


def test_a_meeting_needs_an_invitee(log2):
    with pytest.raises(ValidationError) as caught:
        make_meeting(log2, invite_holder=False, guardians=[])
    assert "__all__" in caught.value.message_dict


def test_level_1_meeting_is_for_guardians_holder_and_child_only_R_MEET_02(log, actor):
    """Even an actor of the holder's own unit is refused at level 1."""
    with pytest.raises(ValidationError) as caught:
        make_meeting(log, actors=[actor])

    assert "nivå 1" in caught.value.message_dict["actors"][0]
    assert not Meeting.objects.exists()
    assert not Invitation.objects.exists()
    assert _emails() == []


def test_level_1_meeting_with_guardians_holder_and_child_R_MEET_02(log):
    meeting = make_meeting(log, child_invited=True)

    assert meeting.level == Level.ONE
    assert meeting.child_invited
    assert meeting.invitations.count() == 2


def test_a_level_2_meeting_on_a_level_1_log_may_invite_actors_R_MEET_02(log, actor_other_unit):
    meeting = make_meeting(log, level=Level.TWO, actors=[actor_other_unit])
    assert meeting.invitations.filter(user=actor_other_unit).exists()


def test_level_2_meeting_invites_an_actor_of_another_unit_R_MEET_03(log2, actor_other_unit):
    meeting = make_meeting(log2, actors=[actor_other_unit])
    assert meeting.invitations.filter(user=actor_other_unit, role=InviteeRole.ACTOR).exists()


def test_an_actor_of_another_municipality_is_refused_R_MEET_03(log2, actor_other_municipality):
    with pytest.raises(ValidationError) as caught:
        make_meeting(log2, actors=[actor_other_municipality])
    assert "kommunen" in caught.value.message_dict["actors"][0]
    assert not Meeting.objects.exists()


def test_a_holder_who_is_not_an_actor_cannot_be_invited_as_actor_R_MEET_03(log2, other_holder):
    with pytest.raises(ValidationError) as caught:
        make_meeting(log2, actors=[other_holder])
    assert "actors" in caught.value.message_dict


def test_concerns_and_guardians_of_another_log_are_refused_R_MEET_01(log2, other_holder, unit):
    other_log = make_log(other_holder, unit, first_name="Ola")
    foreign_concern = make_concern(other_log)

    with pytest.raises(ValidationError) as caught:
        make_meeting(log2, concerns=[foreign_concern], guardians=[other_log.guardians.get()])

    assert set(caught.value.message_dict) >= {"concerns", "guardians"}
    assert not Meeting.objects.exists()


def test_only_the_holder_creates_a_meeting_R_ROLE_04(log2, other_holder):
    with pytest.raises(ReadOnlyError):
        make_meeting(log2, by=other_holder)
    assert not Meeting.objects.exists()


def test_no_meeting_on_a_log_with_a_pending_transfer_R_TRAN_03(log2):
    Log.objects.filter(pk=log2.pk).update(status=LogStatus.TRANSFER_PENDING)
    with pytest.raises(ReadOnlyError):
        make_meeting(log2)


def test_no_meeting_on_a_passive_log_R_LOG_06(log2, holder):
    set_log_passive(log2, by=holder, confirmed=True)
    with pytest.raises(ReadOnlyError):
        make_meeting(log2)


# --- the iCalendar invitation (R-MEET-05) ----------------------------------------------------


def test_invitation_ics_parses_and_holds_time_and_place_R_MEET_05(log2, holder):
    meeting = make_meeting(log2, place="Rådhuset, møterom 3")
    email = _emails(to="gunn@example.no")[0]

    calendar = _calendar(email)
    event = calendar.walk("VEVENT")[0]

    assert str(calendar["method"]) == "REQUEST"
    assert str(event["uid"]) == meeting.uid
    assert int(event["sequence"]) == 0
    assert event.decoded("dtstart") == meeting.starts_at
    assert event.decoded("dtend") == meeting.ends_at
    assert str(event.decoded("dtstart").tzinfo) == "Europe/Oslo"
    assert str(event["location"]) == "Rådhuset, møterom 3"
    assert str(event["summary"]) == "Tverrfaglig møte"
    assert str(event["organizer"]) == f"mailto:{holder.email}"
    assert str(event["attendee"]) == "mailto:gunn@example.no"
    assert calendar.walk("VTIMEZONE"), "a VTIMEZONE for Europe/Oslo"


def test_the_ics_names_no_child_R_NOTIFY_01(log2):
    make_meeting(log2)
    for email in _emails():
        assert "Sara" not in email.attachment
        assert VALID_NATIONAL_ID not in email.attachment


def test_a_change_keeps_the_uid_and_raises_the_sequence_R_MEET_05(log2, holder):
    meeting = make_meeting(log2)
    sent_before = {e.pk for e in _emails()}

    update_meeting(
        meeting, by=holder, version=meeting.version, place="Helsestasjonen", ends_at=at(7, 11)
    )

    meeting.refresh_from_db()
    assert meeting.sequence == 1
    assert meeting.version == 2
    changed = [e for e in _emails() if e.pk not in sent_before]
    assert sorted(e.to for e in changed) == sorted([holder.email, "gunn@example.no"])
    for email in changed:
        assert "Endret tverrfaglig møte" in email.subject
        event = _event(email)
        assert str(event["uid"]) == meeting.uid
        assert int(event["sequence"]) == 1
        assert str(event["location"]) == "Helsestasjonen"
        assert event.decoded("dtend") == at(7, 11)
        assert str(_calendar(email)["method"]) == "REQUEST"
    assert Revision.objects.filter(log=log2, action="meeting.edited").exists()


def test_a_stale_version_is_a_conflict_R_SEC_05(log2, holder):
    meeting = make_meeting(log2)
    update_meeting(meeting, by=holder, version=meeting.version, place="Rom 1")

    with pytest.raises(ConflictError):
        update_meeting(meeting, by=holder, version=1, place="Rom 2")

    meeting.refresh_from_db()
    assert meeting.place == "Rom 1"


def test_added_invitees_get_an_invitation_and_removed_ones_a_cancellation_R_MEET_05(
    log2, holder, actor_other_unit
):
    meeting = make_meeting(log2)
    sent_before = {e.pk for e in _emails()}

    update_meeting(meeting, by=holder, guardians=[], actors=[actor_other_unit])

    new = {e.to: e for e in _emails() if e.pk not in sent_before}
    assert "Invitasjon" in new[actor_other_unit.email].subject
    assert str(_calendar(new[actor_other_unit.email])["method"]) == "REQUEST"
    assert "Avlyst" in new["gunn@example.no"].subject
    assert str(_calendar(new["gunn@example.no"])["method"]) == "CANCEL"
    assert "Endret" in new[holder.email].subject
    assert not meeting.invitations.filter(role=InviteeRole.GUARDIAN).exists()


def test_an_agenda_change_raises_the_sequence_but_sends_no_email(log2, holder):
    meeting = make_meeting(log2)
    count = len(_emails())

    update_meeting(meeting, by=holder, agenda="Ny agenda")

    meeting.refresh_from_db()
    assert meeting.sequence == 1
    assert len(_emails()) == count


def test_lowering_a_meeting_with_actors_to_level_1_is_refused_R_MEET_02(
    log2, holder, actor_other_unit
):
    meeting = make_meeting(log2, actors=[actor_other_unit])

    with pytest.raises(ValidationError) as caught:
        update_meeting(meeting, by=holder, level=Level.ONE)

    assert "actors" in caught.value.message_dict
    meeting.refresh_from_db()
    assert meeting.level == Level.TWO


def test_only_the_holder_changes_a_meeting_R_ROLE_04(log2, other_holder):
    meeting = make_meeting(log2)
    with pytest.raises(ReadOnlyError):
        update_meeting(meeting, by=other_holder, place="Et annet sted")
    with pytest.raises(ReadOnlyError):
        cancel_meeting(meeting, by=other_holder)
    with pytest.raises(ReadOnlyError):
        save_minutes(meeting, by=other_holder, minutes="Nei")


def test_cancel_sends_method_cancel_with_the_same_uid_R_MEET_05(log2, holder):
    meeting = make_meeting(log2)
    sent_before = {e.pk for e in _emails()}

    cancel_meeting(meeting, by=holder)

    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    assert meeting.sequence == 1
    cancellations = [e for e in _emails() if e.pk not in sent_before]
    assert len(cancellations) == 2
    for email in cancellations:
        assert email.attachment_type == "text/calendar; method=CANCEL"
        calendar = _calendar(email)
        event = calendar.walk("VEVENT")[0]
        assert str(calendar["method"]) == "CANCEL"
        assert str(event["status"]) == "CANCELLED"
        assert str(event["uid"]) == meeting.uid
        assert int(event["sequence"]) == 1
    assert Revision.objects.filter(log=log2, action="meeting.cancelled").exists()


def test_a_cancelled_meeting_cannot_be_changed_or_cancelled_again(log2, holder):
    meeting = make_meeting(log2)
    cancel_meeting(meeting, by=holder)

    with pytest.raises(ReadOnlyError):
        cancel_meeting(meeting, by=holder)
    with pytest.raises(ReadOnlyError):
        update_meeting(meeting, by=holder, place="Et annet sted")
    with pytest.raises(ReadOnlyError):
        save_minutes(meeting, by=holder, minutes="Referat")


# --- minutes --------------------------------------------------------------------------------


def test_minutes_are_saved_and_the_old_text_stays_in_the_history_R_LOG_08(log2, holder):
    meeting = make_meeting(log2)
    emails = len(_emails())

    save_minutes(meeting, by=holder, minutes="Første utkast", version=meeting.version)
    meeting.refresh_from_db()
    save_minutes(meeting, by=holder, minutes="Endelig referat", version=meeting.version)

    meeting.refresh_from_db()
    assert meeting.minutes == "Endelig referat"
    last = Revision.objects.filter(log=log2, action="meeting.minutes").first()
    assert last.before == {"minutes": "Første utkast"}
    assert len(_emails()) == emails, "minutes are case content: no e-mail"
    with pytest.raises(ConflictError):
        save_minutes(meeting, by=holder, minutes="Gammel versjon", version=1)


# --- no sensitive content in e-mails (R-NOTIFY-01) ------------------------------------------


def test_email_bodies_carry_no_national_id_child_or_concern_text_R_NOTIFY_01(
    log2, holder, actor_other_unit
):
    concern = make_concern(log2, description=SENTINEL)
    meeting = make_meeting(
        log2, concerns=[concern], actors=[actor_other_unit], agenda=f"Om {SENTINEL}"
    )
    update_meeting(meeting, by=holder, place="Rom 9", guardians=[])
    cancel_meeting(meeting, by=holder)

    emails = _emails()
    assert len(emails) >= 6
    for email in emails:
        for text in (email.subject, email.body, email.attachment):
            assert VALID_NATIONAL_ID not in text
            assert SENTINEL not in text
            assert "Sara" not in text
            assert "Bedre språk" not in text  # the concern's goal
            assert "Lesegruppe" not in text  # the measure's description
        assert f"/moter/{meeting.pk}/" in email.body


# --- who sees which meeting (R-ROLE-04…07) --------------------------------------------------


def test_meetings_visible_per_role_R_ROLE_05_R_ROLE_06_R_ROLE_07(
    log2,
    holder,
    other_holder,
    leader,
    actor,
    actor_other_unit,
    outsider,
):
    from tests.factories import UserFactory

    make_concern(log2, actors=[actor])  # an actor on a measure, but not invited
    guardian_user = UserFactory()
    log2.guardians.update(user=guardian_user)
    meeting = make_meeting(log2, actors=[actor_other_unit])

    def sees(user, role):
        return meeting in meetings_visible_to(user, role)

    assert sees(holder, Role.HOLDER)
    assert sees(actor_other_unit, Role.ACTOR)
    assert sees(guardian_user, Role.GUARDIAN)
    assert not sees(actor, Role.ACTOR), "on a measure but not invited"
    assert not sees(holder, Role.ACTOR)
    assert not sees(guardian_user, Role.HOLDER)
    assert not sees(other_holder, Role.HOLDER)
    assert not sees(leader, Role.LEADER)
    assert not sees(outsider, Role.HOLDER)


def test_a_guardian_sees_every_meeting_of_their_childs_log_R_ROLE_06_R_GUAR_01(log2):
    """Invited or not: the guardian reads the whole log, and its history names meetings."""
    from tests.factories import UserFactory

    guardian_user = UserFactory()
    log2.guardians.update(user=guardian_user)
    meeting = make_meeting(log2, guardians=[])

    assert meeting in meetings_visible_to(guardian_user, Role.GUARDIAN)
    assert meeting not in meetings_visible_to(UserFactory(), Role.GUARDIAN)


def test_a_removed_actor_no_longer_sees_the_meeting_R_ROLE_05(log2, holder, actor_other_unit):
    meeting = make_meeting(log2, actors=[actor_other_unit])
    update_meeting(meeting, by=holder, actors=[])
    assert meeting not in meetings_visible_to(actor_other_unit, Role.ACTOR)


def test_upcoming_meetings_leave_out_past_and_cancelled_ones_R_HOLD_02(log2, holder):
    soon = make_meeting(log2, starts_at=at(1, 9), ends_at=at(1, 10))
    later = make_meeting(log2, starts_at=at(9, 9), ends_at=at(9, 10))
    cancelled = make_meeting(log2, starts_at=at(3, 9), ends_at=at(3, 10))
    cancel_meeting(cancelled, by=holder)
    past = make_meeting(log2, starts_at=at(-2, 9), ends_at=at(-2, 10))

    upcoming = list(upcoming_meetings_for(holder, Role.HOLDER))

    assert upcoming == [soon, later]
    assert past in meetings_visible_to(holder, Role.HOLDER)


def test_every_invitation_of_removed_guardians_is_cancelled_R_MEET_05(log2, holder):
    """Two guardians removed from the log leave two invitations without a guardian: a
    cancellation reaches both, not just one."""
    from logs.services import add_guardian, remove_guardian
    from meetings.services import cancel_meeting
    from notifications.models import OutgoingEmail
    from tests.factories import guardian_data

    first = add_guardian(log2, by=holder, **guardian_data(first_name="En", email="en@example.no"))
    second = add_guardian(log2, by=holder, **guardian_data(first_name="To", email="to@example.no"))
    meeting = make_meeting(log2, guardians=[first, second])
    remove_guardian(first, by=holder)
    remove_guardian(second, by=holder)
    OutgoingEmail.objects.all().delete()

    cancel_meeting(meeting, by=holder)

    assert {"en@example.no", "to@example.no"} <= set(
        OutgoingEmail.objects.values_list("to", flat=True)
    )
