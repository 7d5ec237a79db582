"""The log page's sections are rendered once and reused until the log changes
(logs.page_cache): every change shows on the next view, to each person only what they may
see, with their own CSRF token and in their own language (R-LOG-01, R-ROLE-05, R-SEC-05)."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from logs import page_cache
from logs.enums import LogStatus, Outcome
from logs.forms import LevelForm
from logs.models import Child, Consent, Guardian, Log
from logs.services import (
    add_guardian,
    add_measure,
    create_glimpse,
    evaluate_measure,
    publish_glimpse,
    remove_guardian,
    set_level,
    transfer_log,
    update_child,
    update_concern,
    update_guardian,
    update_measure,
    upload_consent,
    withdraw_transfer,
)
from meetings.enums import InviteeRole
from meetings.models import Invitation, Meeting
from meetings.services import create_meeting, update_meeting
from organisations.enums import Role
from tests.factories import guardian_data, make_concern, make_pdf, measure_category


def page(client, log) -> str:
    response = client.get(f"/logger/{log.pk}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def seen(client, holder, log):
    """The holder has the log page open: its sections are in the cache."""
    client.force_login(holder)
    page(client, log)
    return client


def content_version(log) -> int:
    return Log.objects.values_list("content_version", flat=True).get(pk=log.pk)


def test_a_new_concern_and_its_measure_show_on_the_next_view_R_LOG_01(seen, log):
    before = content_version(log)
    make_concern(log, description="Sover dårlig om natta")
    assert content_version(log) > before
    assert "Sover dårlig om natta" in page(seen, log)


def test_each_change_of_a_concern_measure_evaluation_or_glimpse_shows_at_once_R_LOG_01(
    seen, log, holder, actor
):
    concern = make_concern(log, actors=[actor])
    page(seen, log)
    update_concern(concern, by=holder, description="Endret beskrivelse av bekymringen")
    assert "Endret beskrivelse av bekymringen" in page(seen, log)

    measure = add_measure(
        concern,
        by=holder,
        category=measure_category(log.unit.municipality),
        description="Et nytt tiltak med lekselesing",
        deadline=timezone.localdate() + timedelta(days=7),
        actors=[actor],
    )
    assert "Et nytt tiltak med lekselesing" in page(seen, log)

    evaluate_measure(
        measure, by=holder, outcome=Outcome.SOME_EFFECT, text="Evalueringen sier noe bedre"
    )
    assert "Evalueringen sier noe bedre" in page(seen, log)

    glimpse = create_glimpse(
        log,
        by=actor,
        role=Role.ACTOR,
        text="Et lysglimt fra aktøren",
        happened_on=timezone.localdate(),
    )
    assert "Et lysglimt fra aktøren" in page(seen, log)
    publish_glimpse(glimpse, by=holder, role=Role.HOLDER)
    assert "Ikke publisert" not in page(seen, log)


def test_an_actor_taken_off_a_measure_no_longer_sees_its_concern_R_ROLE_05(
    client, log, holder, actor, second_actor_of
):
    """The key holds the person, and the actors of a measure change the log's content
    version: removing an actor hides the concern on their very next view."""
    other = second_actor_of(log)
    make_concern(log, actors=[actor], description="Aktøren blir på denne")
    concern = make_concern(log, actors=[actor, other], description="Bare for de to aktørene")
    set_level(log, by=holder, level=2)
    client.force_login(actor)
    assert "Bare for de to aktørene" in page(client, log)

    update_measure(concern.measures.get(), by=holder, actors=[other])

    assert "Bare for de to aktørene" not in page(client, log)


def test_a_person_taken_off_from_the_persons_side_changes_the_log_too_R_ROLE_05(client, log, actor):
    kept = make_concern(log, actors=[actor], description="Aktøren blir på denne")
    make_concern(log, actors=[actor], description="Aktøren fjernes fra sin side")
    client.force_login(actor)
    assert "Aktøren fjernes fra sin side" in page(client, log)

    actor.measures_as_actor.remove(*actor.measures_as_actor.exclude(concern=kept))

    assert "Aktøren blir på denne" in page(client, log)

    assert "Aktøren fjernes fra sin side" not in page(client, log)


def test_what_the_holder_sees_is_never_shown_to_an_actor_of_another_concern_R_ROLE_05(
    client, seen, log, actor
):
    make_concern(log, description="Holderens egen bekymring uten aktør")
    make_concern(log, actors=[actor], description="Aktørens bekymring")
    assert "Holderens egen bekymring uten aktør" in page(seen, log)

    client.force_login(actor)
    shown = page(client, log)

    assert "Aktørens bekymring" in shown
    assert "Holderens egen bekymring uten aktør" not in shown


def test_the_reused_sections_carry_each_sessions_own_csrf_token_R_SEC_05(log, holder):
    """Two sessions of the same holder get the same sections from the cache, each with a
    token their own session accepts: closing the concern works from the second."""
    concern = make_concern(log)
    measure = concern.measures.get()
    evaluate_measure(measure, by=holder, outcome=Outcome.DESIRED_EFFECT, text="Gikk fint")
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(holder)
    second.force_login(holder)
    page(first, log)  # rendered and kept

    shown = page(second, log)
    url = reverse("logs:concern_close", args=[concern.pk])
    close = re.search(
        rf'action="{url}"[^>]*>\s*<input type="hidden" name="csrfmiddlewaretoken" '
        r'value="([^"]+)"',
        shown,
    )
    assert close, "the close form with its token"
    response = second.post(url, {"csrfmiddlewaretoken": close.group(1)})

    assert response.status_code == 302
    concern.refresh_from_db()
    assert not concern.is_open


def test_the_sections_follow_the_language_of_the_request_R_GEN_01(seen, log):
    make_concern(log)
    assert "Tiltak" in page(seen, log)

    seen.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = page(seen, log)

    assert "Measures" in english


def test_a_deadline_passing_at_midnight_shows_as_overdue_the_next_day_R_MEAS_02(
    seen, log, monkeypatch
):
    make_concern(log, deadline=timezone.localdate())
    assert "measure--overdue" not in page(seen, log)

    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)

    assert "measure--overdue" in page(seen, log)


@pytest.fixture
def second_actor_of():
    from tests.factories import MembershipFactory, UserFactory

    def make(log):
        person = UserFactory(first_name="Siri", last_name="Sekund")
        MembershipFactory(user=person, unit=log.unit, role=Role.ACTOR)
        return person

    return make


def test_guardians_consent_child_and_level_show_at_once_R_LOG_02_R_LOG_03_R_LOG_04(
    seen, log, holder
):
    """The child's section is kept with the rest of the page: each change of it shows on
    the holder's next view."""
    guardian = add_guardian(log, by=holder, **guardian_data(first_name="Ingeborg"))
    assert "Fjern Ingeborg" in page(seen, log)

    update_guardian(guardian, by=holder, phone="400 11 222")
    assert "400 11 222" in page(seen, log)

    remove_guardian(guardian, by=holder)
    # Still named in the history, no longer among the guardians.
    assert "Fjern Ingeborg" not in page(seen, log)

    log.refresh_from_db()
    update_child(log, by=holder, version=log.version, address="Nyveien 99")
    assert "Nyveien 99" in page(seen, log)

    log.refresh_from_db()
    set_level(log, by=holder, level=2, version=log.version)
    assert re.search(r'<input[^>]*value="2"[^>]*checked', page(seen, log))

    until = timezone.localdate() + timedelta(days=200)
    upload_consent(log, by=holder, file=ContentFile(make_pdf(), name="s.pdf"), valid_until=until)
    assert "Det er ikke lastet opp noe samtykke" not in page(seen, log)


def test_the_log_and_child_rows_are_part_of_the_key_however_they_are_written_R_LOG_01(seen, log):
    """A change that bypasses the services (and so raises no version) still shows: the key
    holds a digest of the rows the view fetched."""
    Child.objects.filter(pk=log.child_id).update(address="Omveien 3")
    Log.objects.filter(pk=log.pk).update(status=LogStatus.PASSIVE)

    shown = page(seen, log)

    assert "Omveien 3" in shown
    assert "Ny oppmerksomhet" not in shown


def test_every_row_shown_on_the_page_raises_the_content_version_R_LOG_01(log, holder, actor):
    """Each model the page shows, saved or removed without a service (and so without a
    history row), makes the kept page stale."""
    steps = []
    guardian = log.guardians.first()
    guardian.phone = "999 99 999"
    steps.append(lambda: guardian.save())
    steps.append(lambda: Guardian.objects.get(pk=guardian.pk).delete())
    steps.append(
        lambda: Consent.objects.create(
            log=log, uploaded_by=holder, valid_until=timezone.localdate(), file="x.pdf", size=1
        )
    )
    steps.append(lambda: make_meeting_row(log))
    meeting_holder = {}

    def invite():
        meeting_holder["invitation"] = Invitation.objects.create(
            meeting=Meeting.objects.filter(log=log).first(),
            user=actor,
            role=InviteeRole.ACTOR,
            name="Aktør",
        )

    steps.append(invite)
    steps.append(lambda: meeting_holder["invitation"].delete())
    for step in steps:
        before = content_version(log)
        step()
        assert content_version(log) > before, step


def make_meeting_row(log):
    start = timezone.now() + timedelta(days=3)
    return Meeting.objects.create(
        log=log,
        created_by=log.holder,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        place="Rom 3",
        level=log.level,
    )


def test_a_transfer_shows_to_the_holder_and_the_recipient_at_once_R_TRAN_03_R_TRAN_04(
    seen, log, holder, other_holder, unit
):
    client = Client()
    client.force_login(other_holder)
    transfer = transfer_log(log, by=holder, to_user=other_holder, to_unit=unit, reason="Flytter")

    mine = page(seen, log)
    assert "Overføring venter" in mine
    assert "Ny oppmerksomhet" not in mine
    assert "Loggen er overført til deg" in page(client, log)

    withdraw_transfer(transfer, by=holder)
    mine = page(seen, log)
    assert "Overføring venter" not in mine
    assert "Ny oppmerksomhet" in mine


def test_a_meeting_shows_and_an_actor_taken_off_it_stops_seeing_it_R_ROLE_05_R_MEET_01(
    seen, log, holder, actor
):
    client = Client()
    make_concern(log, actors=[actor])
    log.refresh_from_db()
    set_level(log, by=holder, level=2, version=log.version)
    client.force_login(actor)
    page(client, log)
    start = timezone.localtime() + timedelta(days=7)
    meeting = create_meeting(
        log,
        by=holder,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        place="Møterom Fjellstua",
        actors=[actor],
    )
    assert "Møterom Fjellstua" in page(seen, log)
    assert "Møterom Fjellstua" in page(client, log)

    update_meeting(meeting, by=holder, actors=[])

    assert "Møterom Fjellstua" not in page(client, log)
    assert "Møterom Fjellstua" in page(seen, log)


def test_a_refused_level_change_is_shown_to_its_sender_only_R_LOG_03(
    seen, log, holder, actor_other_unit
):
    """The page with the refusal is rendered for that request and never kept: the next
    view shows the log as it is."""
    set_level(log, by=holder, level=2)
    make_concern(log, actors=[actor_other_unit])
    log.refresh_from_db()
    page(seen, log)

    refused = seen.post(f"/logger/{log.pk}/niva/", {"level": "1", "version": str(log.version)})
    assert refused.status_code == 200
    assert "kan ikke settes til nivå 1" in refused.content.decode()

    assert "kan ikke settes til nivå 1" not in page(seen, log)


def test_the_level_form_is_built_only_when_the_page_is_rendered_R_LOG_03(
    client, holder, log, monkeypatch
):
    """Issue 9: a view served from the cache builds no level form (its fields are copied
    per form); the page that is rendered has it, with the log's level and version."""
    built = []
    original = LevelForm.__init__

    def counting(form, *args, **kwargs):
        built.append(kwargs.get("initial"))
        original(form, *args, **kwargs)

    monkeypatch.setattr(LevelForm, "__init__", counting)
    client.force_login(holder)

    first = page(client, log)
    assert built == [{"level": log.level, "version": log.version}]
    assert 'name="level"' in first
    again = page(client, log)
    assert 'name="level"' in again
    assert len(built) == 1


def test_a_new_secret_key_never_serves_a_kept_page_with_the_old_csrf_mark_R_SEC_05(
    seen, log, settings
):
    """The kept content carries a mark where the token goes, made from the secret key; after
    the key is rotated the old mark would no longer be replaced, so the key holds it."""
    make_concern(log)
    old_mark = page_cache.csrf_mark()
    assert old_mark not in page(seen, log)  # kept, with the mark replaced

    # Rotated as deployment.md says: the old key stays a fallback, so sessions hold.
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 50

    assert old_mark not in page(seen, log)
