"""Meeting pages: new meeting (with a new concern and a new actor in the same flow), the
meeting page, edit, cancel, minutes, Min side, bad input and query counts
(R-MEET-01, R-MEET-02, R-MEET-03, R-MEET-04, R-MEET-05, R-GEN-04, R-HOLD-02, R-ACT-02)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from home.overview import HOME_MEETINGS
from logs.enums import Level
from logs.models import Concern
from meetings.enums import InviteeRole, MeetingStatus
from meetings.models import Meeting
from notifications.enums import Kind
from notifications.models import OutgoingEmail
from organisations.enums import Role
from organisations.models import Membership
from tests.factories import (
    VALID_NATIONAL_ID,
    MembershipFactory,
    UserFactory,
    concern_category,
    make_concern,
    make_log,
    measure_category,
)
from tests.meetings.conftest import at, make_meeting
from tests.pages import active_just_now

LOCAL = "%Y-%m-%dT%H:%M"


def _create_url(log):
    return reverse("meetings:create", args=[log.pk])


def _post(log, **changes) -> dict:
    data = {
        "level": str(log.level),
        "starts_at": at(7, 9).strftime(LOCAL),
        "ends_at": at(7, 10).strftime(LOCAL),
        "place": "Testskolen, møterom 2",
        "agenda": "Hvordan går det i friminuttene?",
        "invite_holder": "on",
        "guardians": [str(g.pk) for g in log.guardians.all()],
    }
    data.update(changes)
    return data


def _error(response, field_id: str) -> str:
    """The error text shown next to a field (templates/forms/field.html)."""
    html = response.content.decode()
    match = re.search(rf'<div id="{re.escape(field_id)}_error">(.*?)</div>', html, re.S)
    return match.group(1) if match else ""


def _as_guardian(log):
    user = UserFactory(first_name="Gunn", last_name="Foresatt")
    log.guardians.update(user=user)
    return user


# --- new meeting (R-MEET-01) ----------------------------------------------------------------


def test_holder_opens_new_meeting_with_guardians_ticked_R_MEET_01(client, holder, log2):
    client.force_login(holder)

    response = client.get(_create_url(log2))

    html = response.content.decode()
    assert response.status_code == 200
    guardian = log2.guardians.get()
    assert re.search(rf'value="{guardian.pk}"[^>]*checked', html)
    assert 'name="concern-description"' in html
    assert 'name="new_actor-national_id"' in html
    assert 'type="datetime-local"' in html


def test_holder_creates_a_meeting_and_invitations_are_queued_R_MEET_01_R_MEET_05(
    client, holder, log2
):
    concern = make_concern(log2)
    client.force_login(holder)

    response = client.post(_create_url(log2), _post(log2, concerns=[str(concern.pk)]))

    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:detail", args=[meeting.pk])
    assert list(meeting.concerns.all()) == [concern]
    assert meeting.place == "Testskolen, møterom 2"
    assert meeting.starts_at == at(7, 9)
    assert OutgoingEmail.objects.filter(kind=Kind.MEETING).count() == 2
    page = client.get(response["Location"])
    assert "Møtet er lagret" in page.content.decode()


def test_choose_log_first_from_min_side_R_MEET_01(client, holder, log2):
    client.force_login(holder)

    page = client.get(reverse("meetings:choose_log"))
    response = client.get(reverse("meetings:choose_log"), {"logg": log2.pk})

    assert "Sara Stafett" in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == _create_url(log2)


def test_choose_log_does_not_offer_another_holders_log_R_ROLE_07(
    client, holder, log2, other_holder, unit
):
    other_log = make_log(other_holder, unit, first_name="Ola")
    client.force_login(holder)

    response = client.get(reverse("meetings:choose_log"), {"logg": other_log.pk})

    assert response.status_code == 200
    assert _error(response, "id_logg")


# --- bad input: clear message next to the field, nothing lost ------------------------------


def test_a_meeting_that_ends_before_it_starts_is_refused_next_to_the_field_R_GEN_04(
    client, holder, log2
):
    client.force_login(holder)

    response = client.post(
        _create_url(log2),
        _post(log2, ends_at=at(7, 8).strftime(LOCAL), place="Rom som ikke skal glemmes"),
    )

    assert response.status_code == 200
    assert "slutte etter" in _error(response, "id_ends_at")
    assert 'value="Rom som ikke skal glemmes"' in response.content.decode()
    assert not Meeting.objects.exists()


def test_an_actor_at_level_1_is_refused_next_to_the_field_R_MEET_02(client, holder, log, actor):
    client.force_login(holder)

    response = client.post(_create_url(log), _post(log, actors=[str(actor.pk)]))

    assert response.status_code == 200
    assert "nivå 1" in _error(response, "id_actors")
    assert not Meeting.objects.exists()
    # The ticked actor is still ticked.
    assert re.search(rf'value="{actor.pk}"[^>]*checked', response.content.decode())


def test_ids_of_another_municipality_or_another_log_are_field_errors_never_500(
    client, holder, log2, other_holder, unit, actor_other_municipality
):
    other_log = make_log(other_holder, unit, first_name="Ola")
    foreign_concern = make_concern(other_log)
    client.force_login(holder)

    response = client.post(
        _create_url(log2),
        _post(
            log2,
            actors=[str(actor_other_municipality.pk)],
            concerns=[str(foreign_concern.pk)],
            guardians=[str(other_log.guardians.get().pk)],
        ),
    )

    assert response.status_code == 200
    assert "kommunen" in _error(response, "id_actors")
    assert _error(response, "id_concerns")
    assert _error(response, "id_guardians")
    assert not Meeting.objects.exists()
    # Nothing of the other log is shown.
    assert "Ola" not in response.content.decode()


def test_garbage_in_fields_is_a_field_error_never_500(client, holder, log2):
    client.force_login(holder)

    response = client.post(
        _create_url(log2),
        _post(log2, level="9", starts_at="i morgen", actors=["x"], concerns=["-1"]),
    )

    assert response.status_code == 200
    assert _error(response, "id_level")
    assert _error(response, "id_starts_at")
    assert not Meeting.objects.exists()


# --- a new actor and a new concern in the same flow (R-MEET-03) ------------------------------


def _new_actor(unit, **changes) -> dict:
    data = {
        "new_actor-first_name": "Petter",
        "new_actor-last_name": "Psykolog",
        "new_actor-email": "petter@example.no",
        "new_actor-phone": "",
        "new_actor-unit": str(unit.pk),
        "new_actor-national_id": VALID_NATIONAL_ID,
    }
    data.update(changes)
    return data


def test_a_new_actor_is_registered_and_invited_in_the_same_flow_R_MEET_03(
    client, holder, log2, other_unit
):
    client.force_login(holder)

    response = client.post(_create_url(log2), _post(log2) | _new_actor(other_unit))

    assert response.status_code == 302
    person = get_user_model().objects.get(email="petter@example.no")
    assert Membership.objects.filter(user=person, unit=other_unit, role=Role.ACTOR).exists()
    invitation = Meeting.objects.get().invitations.get(user=person)
    assert invitation.role == InviteeRole.ACTOR
    assert OutgoingEmail.objects.filter(to="petter@example.no").exists()


def test_a_new_actor_needs_a_valid_national_id_R_MEET_03(client, holder, log2, other_unit):
    client.force_login(holder)

    response = client.post(
        _create_url(log2),
        _post(log2) | _new_actor(other_unit, **{"new_actor-national_id": "12345678901"}),
    )

    assert response.status_code == 200
    assert _error(response, "id_new_actor-national_id")
    assert not get_user_model().objects.filter(email="petter@example.no").exists()
    assert not Meeting.objects.exists()


def test_a_new_actor_at_level_1_is_refused_and_not_registered_R_MEET_02(
    client, holder, log, other_unit
):
    client.force_login(holder)

    response = client.post(_create_url(log), _post(log) | _new_actor(other_unit))

    assert response.status_code == 200
    assert "nivå 1" in response.content.decode()
    assert not get_user_model().objects.filter(email="petter@example.no").exists()
    assert not Meeting.objects.exists()


def _new_concern(municipality, **changes) -> dict:
    data = {
        "concern-description": "Trekker seg unna i friminuttene",
        "concern-category": str(concern_category(municipality).pk),
        "concern-goal": "Har noen å være sammen med",
        "concern-child_voice": "",
        "measure-category": str(measure_category(municipality).pk),
        "measure-description": "Samtalegruppe",
        "measure-deadline": at(30).date().isoformat(),
    }
    data.update(changes)
    return data


def test_a_new_concern_with_a_measure_and_a_new_actor_in_the_same_flow_R_MEET_03(
    client, holder, log2, municipality, other_unit
):
    client.force_login(holder)

    response = client.post(
        _create_url(log2),
        _post(log2) | _new_concern(municipality) | _new_actor(other_unit),
    )

    assert response.status_code == 302
    meeting = Meeting.objects.get()
    concern = Concern.objects.get(log=log2)
    assert list(meeting.concerns.all()) == [concern]
    person = get_user_model().objects.get(email="petter@example.no")
    assert list(concern.measures.get().actors.all()) == [person]
    assert meeting.invitations.filter(user=person).exists()


def test_a_half_filled_new_concern_saves_nothing_and_keeps_what_was_typed_R_GEN_04(
    client, holder, log2, municipality, other_unit
):
    client.force_login(holder)

    response = client.post(
        _create_url(log2),
        _post(log2) | _new_concern(municipality, **{"concern-goal": ""}) | _new_actor(other_unit),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert _error(response, "id_concern-goal")
    assert "Trekker seg unna i friminuttene" in html
    assert 'value="petter@example.no"' in html
    assert not Meeting.objects.exists()
    assert not Concern.objects.exists()
    assert not get_user_model().objects.filter(email="petter@example.no").exists()


def _actor_choices(response, field_id: str = "id_actors") -> str:
    """One actor picker of the page: its chosen actors, search box and hits."""
    html = response.content.decode()
    return html.split(f'id="{field_id}"', 1)[1].split("</div>\n</fieldset>")[0]


def _ticked(response, user, field_id: str = "id_actors") -> bool:
    return bool(re.search(rf'value="{user.pk}"[^>]*checked', _actor_choices(response, field_id)))


def _search(log, query: str, *, field: str = "actors", **changes) -> dict:
    """The form sent with the «Søk» button of one picker, as a browser without JavaScript
    sends it (R-MEET-04, R-GEN-04)."""
    return _post(log, **changes) | {f"{field}_q": query, "actor_search": field}


def test_the_meeting_form_lists_no_actors_until_one_is_searched_for_R_MEET_04(
    client, holder, log2, actor, actor_other_unit
):
    """A city has thousands of actors: the form renders the chosen ones and the hits only."""
    for number in range(30):
        MembershipFactory(
            user=UserFactory(first_name="Mange", last_name=f"Aktør{number}"),
            unit=log2.unit,
            role=Role.ACTOR,
        )
    client.force_login(holder)

    html = client.get(_create_url(log2)).content.decode()

    assert "Mange Aktør" not in html
    assert "Anders Aktør" not in html
    assert "Petra PPT" not in html
    assert 'name="actors_q"' in html


def test_the_search_button_finds_actors_of_the_whole_municipality_and_saves_nothing_R_MEET_04(
    client, holder, log2, actor, actor_other_unit, actor_other_municipality
):
    client.force_login(holder)
    emails = OutgoingEmail.objects.count()

    response = client.post(_create_url(log2), _search(log2, "pet*"))

    picker = _actor_choices(response)
    assert response.status_code == 200
    assert "Petra PPT (Testbarnehagen)" in picker
    assert "1 aktør funnet" in picker
    assert not _ticked(response, actor_other_unit)
    assert "Anders Aktør" not in picker
    assert "Anne Fjern" not in response.content.decode()
    assert not Meeting.objects.exists()
    assert OutgoingEmail.objects.count() == emails
    # What was typed is not saved yet: leaving the page asks first (R-GEN-05).
    assert re.search(r"<form[^>]*data-unsaved", response.content.decode())


def test_the_search_keeps_everything_typed_and_shows_no_errors_R_GEN_04_R_MEET_04(
    client, holder, log2, actor, actor_other_unit, municipality
):
    """Searching is not saving: what was typed comes back, the chosen actors stay ticked,
    and fields not yet filled in get no error message."""
    client.force_login(holder)
    data = _search(
        log2,
        "pet*",
        place="Rom som ikke skal glemmes",
        ends_at="",
        actors=[str(actor.pk)],
    ) | {"concern-description": "Trekker seg unna", "new_actor-first_name": "Petter"}

    response = client.post(_create_url(log2), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Rom som ikke skal glemmes"' in html
    assert 'name="actors_q" value="pet*"' in html
    assert "Trekker seg unna" in html
    assert 'value="Petter"' in html
    assert _ticked(response, actor)
    assert "Petra PPT (Testbarnehagen)" in _actor_choices(response)
    assert not _error(response, "id_ends_at")
    assert not _error(response, "id_concern-goal")
    assert not _error(response, "id_new_actor-last_name")
    assert 'role="alert"' not in html
    assert not Meeting.objects.exists()
    assert not Concern.objects.exists()


def test_a_ticked_hit_is_invited_when_the_form_is_saved_R_MEET_04(
    client, holder, log2, actor_other_unit
):
    client.force_login(holder)
    client.post(_create_url(log2), _search(log2, "Petra"))

    response = client.post(_create_url(log2), _post(log2, actors=[str(actor_other_unit.pk)]))

    assert response.status_code == 302
    assert Meeting.objects.get().invitations.filter(user=actor_other_unit).exists()


def test_the_search_in_the_new_measure_keeps_the_new_concern_open_R_MEET_03_R_GEN_04(
    client, holder, log2, actor_other_unit
):
    client.force_login(holder)

    response = client.post(_create_url(log2), _search(log2, "ppt", field="measure-actors"))

    assert "Petra PPT (Testbarnehagen)" in _actor_choices(response, "id_measure-actors")
    assert 'name="measure-actors_q" value="ppt"' in response.content.decode()
    assert "Petra PPT" not in _actor_choices(response)
    assert not Concern.objects.exists()


def test_the_edit_form_lists_the_invited_actors_ticked_R_MEET_05(
    client, holder, log2, actor, actor_other_unit
):
    meeting = make_meeting(log2, actors=[actor_other_unit])
    client.force_login(holder)

    response = client.get(reverse("meetings:edit", args=[meeting.pk]))

    assert _ticked(response, actor_other_unit)
    assert "Anders Aktør" not in _actor_choices(response)


# --- the meeting page -----------------------------------------------------------------------


def test_meeting_page_shows_time_place_level_concerns_and_invitees(
    client, holder, log2, actor_other_unit
):
    concern = make_concern(log2)
    meeting = make_meeting(log2, concerns=[concern], actors=[actor_other_unit], agenda="Punkt 1")
    client.force_login(holder)

    html = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()

    assert "Testskolen, møterom 2" in html
    assert "Nivå 2" in html
    assert "Språk og kommunikasjon" in html
    assert "Petra PPT" in html
    assert "Foresatt0 Foresatt" in html
    assert "Punkt 1" in html
    assert reverse("meetings:edit", args=[meeting.pk]) in html
    assert reverse("meetings:cancel", args=[meeting.pk]) in html


def test_invited_actor_reads_the_meeting_without_edit_links_R_ROLE_05(
    client, log2, actor_other_unit
):
    meeting = make_meeting(log2, actors=[actor_other_unit])
    client.force_login(actor_other_unit)

    response = client.get(reverse("meetings:detail", args=[meeting.pk]))
    html = response.content.decode()

    assert response.status_code == 200
    assert reverse("meetings:edit", args=[meeting.pk]) not in html
    # Not on a measure of the log: the log itself stays closed to them.
    assert reverse("logs:detail", args=[log2.pk]) not in html
    assert client.get(reverse("meetings:edit", args=[meeting.pk])).status_code == 403


def test_an_uninvited_actor_gets_404_R_ROLE_07(client, log2, actor):
    make_concern(log2, actors=[actor])
    meeting = make_meeting(log2)
    client.force_login(actor)
    assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 404


def test_opening_a_meeting_is_audited_as_a_read_of_its_log_R_SEC_01(client, holder, log2):
    from audit.models import AuditEvent

    meeting = make_meeting(log2)
    client.force_login(holder)
    client.get(reverse("meetings:detail", args=[meeting.pk]))
    event = AuditEvent.objects.get(action="log.viewed", log_id=log2.pk)
    assert event.data == {"page": "meetings:detail", "meeting": meeting.pk}


# --- edit, cancel, minutes ------------------------------------------------------------------


def test_holder_edits_the_meeting_and_the_sequence_rises_R_MEET_05(client, holder, log2):
    meeting = make_meeting(log2)
    client.force_login(holder)
    url = reverse("meetings:edit", args=[meeting.pk])

    page = client.get(url).content.decode()
    response = client.post(url, _post(log2, place="Helsestasjonen", version=str(meeting.version)))

    assert 'value="Testskolen, møterom 2"' in page
    assert at(7, 9).strftime(LOCAL) in page  # local time in the field
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.place == "Helsestasjonen"
    assert meeting.sequence == 1


def test_an_edit_over_someone_elses_change_is_refused_and_keeps_the_text_R_SEC_05(
    client, holder, log2
):
    from meetings.services import update_meeting

    meeting = make_meeting(log2)
    old_version = meeting.version
    update_meeting(meeting, by=holder, place="Rom 1")
    client.force_login(holder)

    response = client.post(
        reverse("meetings:edit", args=[meeting.pk]),
        _post(log2, place="Min tekst", version=str(old_version)),
    )

    assert response.status_code == 200
    assert "Noen andre har endret" in response.content.decode()
    assert 'value="Min tekst"' in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.place == "Rom 1"


def test_holder_cancels_after_confirmation_R_MEET_05(client, holder, log2):
    meeting = make_meeting(log2)
    client.force_login(holder)
    url = reverse("meetings:cancel", args=[meeting.pk])

    confirm = client.get(url)
    response = client.post(url, {"version": meeting.version})

    assert confirm.status_code == 200
    assert "Avlys møtet" in confirm.content.decode()
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    assert client.get(url).status_code == 403
    assert client.get(reverse("meetings:edit", args=[meeting.pk])).status_code == 403


def test_holder_writes_the_minutes(client, holder, log2):
    meeting = make_meeting(log2, starts_at=at(-1, 9), ends_at=at(-1, 10))
    client.force_login(holder)

    response = client.post(
        reverse("meetings:minutes", args=[meeting.pk]),
        {"minutes": "Avtalt: samtalegruppe.", "version": meeting.version},
    )

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "Avtalt: samtalegruppe."
    html = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Avtalt: samtalegruppe." in html


# --- Min side, the list and the log page (R-HOLD-02, R-ACT-02) ------------------------------


def test_upcoming_meetings_on_min_side_for_holder_actor_and_guardian_R_HOLD_02_R_ACT_02(
    client, holder, log2, actor_other_unit
):
    guardian_user = _as_guardian(log2)
    meeting = make_meeting(log2, actors=[actor_other_unit], place="Rådhuset")
    link = reverse("meetings:detail", args=[meeting.pk])

    for user in (holder, actor_other_unit, guardian_user):
        client.force_login(user)
        html = client.get("/").content.decode()
        assert link in html, user
        assert "Rådhuset" in html


def test_the_log_page_lists_its_meetings_and_offers_a_new_one_to_the_holder(client, holder, log2):
    meeting = make_meeting(log2)
    client.force_login(holder)

    html = client.get(reverse("logs:detail", args=[log2.pk])).content.decode()

    assert reverse("meetings:detail", args=[meeting.pk]) in html
    assert _create_url(log2) in html


def test_the_meeting_list_shows_upcoming_and_past_meetings(client, holder, log2):
    upcoming = make_meeting(log2, place="Kommende sted")
    past = make_meeting(log2, starts_at=at(-3, 9), ends_at=at(-3, 10), place="Tidligere sted")
    client.force_login(holder)

    now_html = client.get(reverse("meetings:list")).content.decode()
    past_html = client.get(reverse("meetings:list"), {"tidligere": "1"}).content.decode()

    assert reverse("meetings:detail", args=[upcoming.pk]) in now_html
    assert "Tidligere sted" not in now_html
    assert reverse("meetings:detail", args=[past.pk]) in past_html


# --- query counts: constant with 1 or 3 items (architecture.md) -----------------------------


def _queries(client, url) -> int:
    active_just_now(client)  # a slow setup would make the page stamp it
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _actors(unit, count):
    actors = []
    for _ in range(count):
        user = UserFactory()
        MembershipFactory(user=user, unit=unit, role=Role.ACTOR)
        actors.append(user)
    return actors


@pytest.mark.parametrize("page", ["detail", "edit"])
def test_meeting_page_query_count_is_the_same_for_1_3_and_many_invitees_R_MEET_04(
    client, holder, unit, page
):
    # One invited actor against three and fifteen, beside the holder and guardians: the
    # edit page's actor picker looks its chosen actors up in one query, however many.
    one_log = make_log(holder, unit, level=Level.TWO)
    one = make_meeting(one_log, invite_holder=False, guardians=[], actors=_actors(unit, 1))
    three_log = make_log(holder, unit, level=Level.TWO, guardians=2)
    three = make_meeting(three_log, actors=_actors(unit, 3))
    many_log = make_log(holder, unit, level=Level.TWO, guardians=2)
    many = make_meeting(many_log, actors=_actors(unit, 15))
    assert three.invitations.count() == 6
    assert one.invitations.count() == 1
    assert many.invitations.count() == 18
    client.force_login(holder)
    client.get("/")  # the first request of a session does some bookkeeping of its own

    meetings = (one, three, many)
    counts = [_queries(client, reverse(f"meetings:{page}", args=[m.pk])) for m in meetings]

    assert counts[0] == counts[1] == counts[2]


@pytest.mark.parametrize("url", ["/", "/moter/"])
def test_meeting_lists_query_count_is_the_same_for_1_3_and_many_meetings(
    client, holder, unit, other_holder, url
):
    """One upcoming meeting, three, and more than Min side shows (HOME_MEETINGS), each
    in a log of its own: the same queries, counted cold (the lists are kept until the logs
    change)."""
    log = make_log(holder, unit, level=Level.TWO)
    make_meeting(log, actors=_actors(unit, 2))
    client.force_login(holder)
    client.get("/")  # the first request of a session does some bookkeeping of its own
    counts = []
    for more in (0, 2, HOME_MEETINGS + 2):
        for _ in range(more):
            make_meeting(make_log(holder, unit, level=Level.TWO, guardians=2))
        cache.clear()
        counts.append(_queries(client, url))

    assert counts[0] == counts[1] == counts[2]
