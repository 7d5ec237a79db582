"""One form, one object, one e-mail (R-GEN-08): a double click, a retry or a resent page.

Every create or send form carries a one-time key that the service claims in its own
transaction (common/submissions.py). The first part tests the mechanism; the second sends
every such form twice; the last sends one form twice at the same moment on PostgreSQL.
"""

import re
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from common.models import FormSubmission
from common.submissions import AlreadySubmitted, claim_submission, new_submission_key
from logs import services
from logs.enums import Outcome
from logs.models import Concern, Consent, Evaluation, Glimpse, Guardian, Log, Measure, Transfer
from logs.services import logs as log_services
from meetings.models import Invitation, Meeting
from notes.models import Note
from notifications.models import OutgoingEmail
from organisations.enums import Role
from tests.factories import (
    VALID_NATIONAL_ID,
    MembershipFactory,
    UserFactory,
    guardian_data,
    make_concern,
    make_log,
    pdf_upload,
)
from tests.factories import child_data as make_child
from tests.logs.views.helpers import new_actor_data, new_log_data
from tests.meetings.conftest import at

ALREADY = "Skjemaet var allerede sendt"
KEY = re.compile(r'name="(?:[\w-]+-)?submission" value="([^"]+)"')


def key_on(client, url: str) -> str:
    """The one-time key the page renders in its form."""
    response = client.get(url)
    assert response.status_code == 200, url
    keys = KEY.findall(response.content.decode())
    assert len(keys) == 1, f"{url} renders {len(keys)} submission keys"
    return keys[0]


# --- the mechanism ------------------------------------------------------------------------


def test_a_key_sent_again_finds_what_the_first_sending_made_R_GEN_08(holder, unit):
    key = new_submission_key()
    log = services.create_log(
        by=holder, unit=unit, child=make_child(), guardians=[guardian_data()], submission=key
    )

    with pytest.raises(AlreadySubmitted) as repeat:
        services.create_log(
            by=holder, unit=unit, child=make_child(), guardians=[guardian_data()], submission=key
        )

    assert repeat.value.obj == log
    assert Log.objects.count() == 1


def test_a_refused_sending_leaves_its_key_free_for_the_corrected_form_R_GEN_08(holder, unit):
    key = new_submission_key()
    with pytest.raises(ValidationError):
        services.create_log(
            by=holder, unit=unit, child=make_child(postcode="1"), guardians=[], submission=key
        )

    log = services.create_log(
        by=holder, unit=unit, child=make_child(), guardians=[guardian_data()], submission=key
    )

    assert FormSubmission.objects.get(key=key).object_id == log.pk


def test_another_persons_key_is_refused_and_never_leads_to_their_object_R_GEN_08(
    holder, other_holder, unit
):
    key = new_submission_key()
    services.create_log(
        by=holder, unit=unit, child=make_child(), guardians=[guardian_data()], submission=key
    )

    with pytest.raises(ValidationError) as refused:
        services.create_log(
            by=other_holder,
            unit=unit,
            child=make_child(),
            guardians=[guardian_data()],
            submission=key,
        )

    assert refused.value.code == "key_reused"
    assert Log.objects.count() == 1


def test_a_form_without_a_key_still_saves_R_GEN_08(holder, unit):
    """An old page or a script: no key, no protection, but no refusal either."""
    services.create_log(by=holder, unit=unit, child=make_child(), guardians=[guardian_data()])
    services.create_log(by=holder, unit=unit, child=make_child(), guardians=[guardian_data()])

    assert Log.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_key_is_only_claimed_inside_a_transaction_R_GEN_08(holder):
    """Outside one, a claimed key could outlive an object that was never saved."""
    with pytest.raises(RuntimeError):
        claim_submission(new_submission_key(), by=holder, action="note.created")


def test_the_hourly_command_forgets_keys_older_than_two_days_R_GEN_08(holder):
    with transaction.atomic():
        old = claim_submission("gammel", by=holder, action="note.created").row
        claim_submission("fersk", by=holder, action="note.created")
    FormSubmission.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=2, minutes=1)
    )

    call_command("send_reminders", verbosity=0)

    assert list(FormSubmission.objects.values_list("key", flat=True)) == ["fersk"]


# --- every create and send form, sent twice ------------------------------------------------


@dataclass
class Case:
    """A form page, what to post to it, and what one sending of it makes."""

    user: object
    url: str
    data: dict
    made: dict = field(default_factory=dict)  # name → a callable counting it
    role: str = ""
    emails: bool = True  # whether one sending queues e-mail
    log: object = None


def _count(model, **filters):
    return lambda: model.objects.filter(**filters).count()


def _new_log(holder, unit, **_):
    data = new_log_data(unit, consent=False)
    return Case(holder, reverse("logs:create"), data, {"log": _count(Log)})


def _new_log_with_consent(holder, unit, **_):
    data = new_log_data(unit) | {"consent-file": pdf_upload}
    return Case(holder, reverse("logs:create"), data, {"consent": _count(Consent)})


def _meeting(holder, unit, actor, **_):
    log = make_log(holder, unit, level=2)
    data = {
        "level": "2",
        "starts_at": at(7, 9).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": at(7, 10).strftime("%Y-%m-%dT%H:%M"),
        "place": "Møterom 2",
        "invite_holder": "on",
        "guardians": [str(g.pk) for g in log.guardians.all()],
        "actors": [str(actor.pk)],
    }
    made = {"meeting": _count(Meeting), "invitation": _count(Invitation)}
    return Case(holder, reverse("meetings:create", args=[log.pk]), data, made, log=log)


def _meeting_with_new_concern_and_actor(holder, unit, **_):
    case = _meeting(holder, unit, actor=UserFactory())
    case.data.pop("actors")
    log = case.log
    concern = {
        "concern-description": "Trekker seg unna",
        "concern-category": str(make_concern(log).category_id),
        "concern-goal": "Trives",
        "measure-category": str(Measure.objects.get().category_id),
        "measure-description": "Samtaler",
        "measure-deadline": (timezone.localdate() + timedelta(days=30)).isoformat(),
    }
    case.data |= concern | new_actor_data(unit)
    case.made |= {"concern": _count(Concern), "actor": _count(get_user_model())}
    return case


def _guardian(holder, log, **_):
    data = guardian_data(first_name="Geir", email="geir@example.no")
    made = {"guardian": _count(Guardian)}
    return Case(holder, reverse("logs:guardian_add", args=[log.pk]), data, made)


def _concern_with_new_actor(holder, log, unit, **_):
    data = {
        "description": "Trekker seg unna",
        "category": str(make_concern(log).category_id),
        "goal": "Trives",
        "measure-category": str(Measure.objects.get().category_id),
        "measure-description": "Samtaler",
        "measure-deadline": (timezone.localdate() + timedelta(days=30)).isoformat(),
    } | new_actor_data(unit)
    made = {"concern": _count(Concern), "actor": _count(get_user_model())}
    return Case(holder, reverse("logs:concern_create", args=[log.pk]), data, made)


def _measure(holder, log, actor, **_):
    concern = make_concern(log)
    data = {
        "category": str(concern.measures.get().category_id),
        "description": "Lesegruppe",
        "deadline": (timezone.localdate() + timedelta(days=20)).isoformat(),
        "actors": [str(actor.pk)],
    }
    made = {"measure": _count(Measure)}
    return Case(holder, reverse("logs:measure_create", args=[concern.pk]), data, made)


def _evaluation(holder, log, **_):
    measure = make_concern(log).measures.get()
    data = {"outcome": Outcome.DESIRED_EFFECT, "text": "Det virket."}
    made = {"evaluation": _count(Evaluation)}
    url = reverse("logs:measure_evaluate", args=[measure.pk])
    return Case(holder, url, data, made, emails=False)


def _glimpse(holder, log, actor, **_):
    make_concern(log, actors=[actor])  # an actor to tell about the published glimpse
    data = {"text": "Sara leste høyt!", "happened_on": timezone.localdate(), "publish": "on"}
    made = {"glimpse": _count(Glimpse)}
    return Case(holder, reverse("logs:glimpse_create", args=[log.pk]), data, made)


def _consent(holder, log, **_):
    data = {
        "file": pdf_upload,
        "valid_until": (timezone.localdate() + timedelta(days=300)).isoformat(),
        "given_by": "guardians",
    }
    made = {"consent": _count(Consent)}
    url = reverse("logs:consent_upload", args=[log.pk])
    return Case(holder, url, data, made, emails=False)


def _note(holder, **_):
    made = {"note": _count(Note)}
    return Case(holder, reverse("notes:create"), {"text": "Ring PPT"}, made, emails=False)


def _note_on_the_list(holder, **_):
    made = {"note": _count(Note)}
    return Case(holder, reverse("notes:list"), {"text": "Ring PPT"}, made, emails=False)


def _actor(holder, unit, **_):
    data = {
        "first_name": "Petter",
        "last_name": "Psykolog",
        "email": "petter@example.no",
        "phone": "",
        "unit": str(unit.pk),
        "national_id": VALID_NATIONAL_ID,
    }
    made = {"actor": _count(get_user_model())}
    return Case(holder, reverse("organisations:register_actor"), data, made)


def _transfer(holder, log, unit, other_holder, **_):
    url = reverse("logs:transfer_create", args=[log.pk]) + f"?unit={unit.pk}"
    data = {"to_unit": str(unit.pk), "to_user": str(other_holder.pk), "reason": "Ny skole"}
    return Case(holder, url, data, {"transfer": _count(Transfer)})


def _transfer_forward(holder, log, unit, other_holder, **_):
    third = UserFactory()
    MembershipFactory(user=third, unit=unit, role=Role.HOLDER)
    incoming = services.transfer_log(
        log, by=holder, to_user=other_holder, to_unit=unit, reason="Ny skole"
    )
    url = reverse("logs:transfer_forward", args=[incoming.pk]) + f"?unit={unit.pk}"
    data = {"to_unit": str(unit.pk), "to_user": str(third.pk), "reason": "Ikke min"}
    return Case(other_holder, url, data, {"transfer": _count(Transfer)}, role=Role.HOLDER)


FORMS = {
    "new log": _new_log,
    "new log with a consent": _new_log_with_consent,
    "meeting": _meeting,
    "meeting with a new concern and a new actor": _meeting_with_new_concern_and_actor,
    "guardian": _guardian,
    "concern with a new actor": _concern_with_new_actor,
    "measure": _measure,
    "evaluation": _evaluation,
    "glimpse": _glimpse,
    "consent": _consent,
    "note": _note,
    "note on the list page": _note_on_the_list,
    "actor registration": _actor,
    "transfer": _transfer,
    "transfer passed on": _transfer_forward,
}


def _counts(case: Case) -> dict:
    return {what: count() for what, count in case.made.items()} | {
        "e-mail": OutgoingEmail.objects.count()
    }


def _post(client, case: Case, key: str):
    # A file can be read once: each sending gets its own copy of the same PDF.
    data = {k: v() if callable(v) else v for k, v in case.data.items()}
    return client.post(case.url, data | {"submission": key})


@pytest.mark.parametrize("name", FORMS)
def test_every_create_form_sent_twice_makes_one_object_and_one_round_of_emails_R_GEN_08(
    client, holder, other_holder, unit, log, actor, name
):
    case = FORMS[name](holder=holder, unit=unit, log=log, actor=actor, other_holder=other_holder)
    client.force_login(case.user)
    if case.role:
        session = client.session
        session["active_role"] = case.role
        session.save()
    key = key_on(client, case.url)
    before = _counts(case)

    first = _post(client, case, key)
    after_first = _counts(case)
    second = _post(client, case, key)

    assert first.status_code == 302, first.content.decode()[:2000]
    assert second.status_code == 302, second.content.decode()[:2000]
    assert _counts(case) == after_first
    assert all(after_first[what] > before[what] for what in case.made), (before, after_first)
    assert (after_first["e-mail"] > before["e-mail"]) == case.emails
    shown = client.get(second["Location"], follow=True).content.decode()
    assert ALREADY in shown or "allerede" in shown


def test_a_repeat_of_the_new_log_form_opens_the_log_the_first_sending_made_R_GEN_08(
    client, holder, unit
):
    client.force_login(holder)
    key = key_on(client, reverse("logs:create"))

    first = client.post(reverse("logs:create"), new_log_data(unit) | {"submission": key})
    second = client.post(reverse("logs:create"), new_log_data(unit) | {"submission": key})

    log = Log.objects.get()
    assert first["Location"] == second["Location"] == reverse("logs:detail", args=[log.pk])
    assert Consent.objects.count() == 1
    assert ALREADY in client.get(second["Location"]).content.decode()


def test_a_repeated_transfer_shows_the_log_not_a_refusal_R_GEN_08(
    client, holder, other_holder, unit, log
):
    """After the first sending the log is read-only (R-TRAN-03); the second must not 403."""
    case = _transfer(holder, log, unit, other_holder)
    client.force_login(holder)
    key = key_on(client, case.url)

    _post(client, case, key)
    second = _post(client, case, key)

    assert second.status_code == 302
    assert second["Location"] == reverse("logs:detail", args=[log.pk])
    assert Transfer.objects.count() == 1


# --- two sendings at the same moment (PostgreSQL) ------------------------------------------


def _at_once(monkeypatch, module, send):
    """Run `send` in two threads at once, each with its own connection. The first to claim
    the key keeps its transaction open a moment, so that the other really waits on it."""
    original = module.claim_submission

    def slow_claim(*args, **kwargs):
        claim = original(*args, **kwargs)
        time.sleep(0.3)
        return claim

    monkeypatch.setattr(module, "claim_submission", slow_claim)
    barrier = threading.Barrier(2)
    responses: list = []

    def run():
        try:
            barrier.wait()
            responses.append(send())
        except Exception as error:  # reported in the assertion
            responses.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return responses


def _needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite's test database cannot be shared between threads; "
            "the sequential double sendings above run on both databases"
        )


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_new_log_posts_make_one_log_and_one_invitation_each_R_GEN_08(
    monkeypatch, holder, unit, settings
):
    _needs_postgresql()
    key = key_on(_logged_in(holder), reverse("logs:create"))
    clients = iter([_logged_in(holder), _logged_in(holder)])

    def send():
        return next(clients).post(reverse("logs:create"), new_log_data(unit) | {"submission": key})

    responses = _at_once(monkeypatch, log_services, send)

    log = Log.objects.get()
    assert [r.status_code for r in responses] == [302, 302], responses
    assert {r["Location"] for r in responses} == {reverse("logs:detail", args=[log.pk])}
    invitations = OutgoingEmail.objects.filter(subject__icontains="invit")
    assert OutgoingEmail.objects.count() == invitations.count() == 2  # one per guardian
    assert Consent.objects.count() == 1
    stored = list((settings.MEDIA_ROOT / "consents").iterdir())
    assert len(stored) == 1
    assert not list((settings.MEDIA_ROOT / "held").iterdir())


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_meeting_posts_make_one_meeting_and_invite_each_person_once_R_GEN_08(
    monkeypatch, holder, unit, actor
):
    _needs_postgresql()
    from meetings import services as meeting_services

    case = _meeting(holder, unit, actor)
    key = key_on(_logged_in(holder), case.url)
    emails = OutgoingEmail.objects.count()
    clients = iter([_logged_in(holder), _logged_in(holder)])

    def send():
        return _post(next(clients), case, key)

    responses = _at_once(monkeypatch, meeting_services, send)

    meeting = Meeting.objects.get()
    assert [r.status_code for r in responses] == [302, 302], responses
    assert {r["Location"] for r in responses} == {reverse("meetings:detail", args=[meeting.pk])}
    assert meeting.invitations.count() == 3  # the holder, the guardian, the actor
    assert OutgoingEmail.objects.count() - emails == 3
