"""Activation by e-mail link or printed code (R-GUAR-02, R-LEAD-01, R-LOG-04).

Tokens: at least 128 bits, single use, 7 days (architecture.md, security defaults).
"""

import hashlib
import math
import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import ActivationToken, User
from accounts.services import (
    CODE_ALPHABET,
    CODE_LENGTH,
    activate,
    issue_activation,
)
from audit.models import AuditEvent
from logs.services import create_log, issue_guardian_letter
from notifications.enums import Kind
from notifications.models import OutgoingEmail
from organisations.services import register_actor
from tests.factories import VALID_NATIONAL_ID, child_data, guardian_data

CODE_URL = "/konto/aktiver/"
NEW_PASSWORD = "blå-fjord-maskin-tavle"


def _link_path(email: OutgoingEmail) -> str:
    link = re.search(r"https?://[^/\s]+(/konto/aktiver/[^/\s]+/)", email.body)
    assert link is not None, "no activation link in the e-mail"
    return link.group(1)


@pytest.fixture
def silent_guardian(holder, unit):
    """A guardian without e-mail on a log of `holder`: the one who gets a printed letter."""
    log = create_log(by=holder, unit=unit, child=child_data(), guardians=[guardian_data(email="")])
    return log.guardians.get()


def _password(**extra):
    return {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, **extra}


# --- the token -------------------------------------------------------------------------------


def test_link_and_code_carry_at_least_128_bits_and_are_stored_hashed_R_GUAR_02(holder):
    issued = issue_activation(channel=ActivationToken.Channel.EMAIL, user=holder)

    # token_urlsafe(32): 32 random bytes; the code: 28 symbols of a 32-letter alphabet.
    assert len(issued.link_token) >= 43
    assert len(issued.code) == CODE_LENGTH
    assert set(issued.code) <= set(CODE_ALPHABET)
    assert CODE_LENGTH * math.log2(len(CODE_ALPHABET)) >= 128
    token = ActivationToken.objects.get()
    assert token.token_hash == hashlib.sha256(issued.link_token.encode()).hexdigest()
    assert token.code_hash == hashlib.sha256(issued.code.encode()).hexdigest()
    stored = str(ActivationToken.objects.values().get())
    assert issued.link_token not in stored
    assert issued.code not in stored


def test_two_tokens_never_share_a_secret_R_GUAR_02(holder):
    first = issue_activation(channel=ActivationToken.Channel.EMAIL, user=holder)
    second = issue_activation(channel=ActivationToken.Channel.EMAIL, user=holder)
    assert first.link_token != second.link_token
    assert first.code != second.code


def test_a_token_is_valid_for_7_days_R_GUAR_02(holder):
    issued = issue_activation(channel=ActivationToken.Channel.EMAIL, user=holder)
    token = issued.token
    assert token.expires_at - token.created_at == timedelta(days=7)
    assert token.problem(token.expires_at - timedelta(seconds=1)) == ""
    assert token.problem(token.expires_at) == "expired"


def test_an_expired_link_shows_a_message_and_changes_nothing_R_GUAR_02(client, holder):
    holder.set_unusable_password()
    holder.save()
    issued = issue_activation(channel=ActivationToken.Channel.EMAIL, user=holder)
    ActivationToken.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    path = f"/konto/aktiver/{issued.link_token}/"

    for response in (client.get(path), client.post(path, _password())):
        assert response.status_code == 200
        assert "er utløpt" in response.content.decode()
    holder.refresh_from_db()
    assert not holder.has_usable_password()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="activation.refused", data__reason="expired").exists()


def test_an_unknown_link_shows_a_message_never_a_500_R_GUAR_02(client, db):
    response = client.get("/konto/aktiver/ikke-en-ekte-lenke/")
    assert response.status_code == 200
    assert "Vi fant ikke denne lenken eller koden" in response.content.decode()


def test_opening_the_link_uses_nothing_only_the_form_does_R_GUAR_02(client, holder):
    issued = issue_activation(channel=ActivationToken.Channel.EMAIL, user=holder)
    client.get(f"/konto/aktiver/{issued.link_token}/")
    client.get(f"/konto/aktiver/{issued.link_token}/")
    assert ActivationToken.objects.get().used_at is None


# --- staff: the activation e-mail (R-LEAD-01) ----------------------------------------------------


@pytest.fixture
def new_actor(holder, unit):
    return register_actor(
        by=holder,
        unit=unit,
        first_name="Nina",
        last_name="Ny",
        email="nina.ny@example.no",
        phone="912 34 567",
        national_id=VALID_NATIONAL_ID,
    )


def test_a_new_actor_gets_an_activation_email_with_a_link_R_LEAD_01(new_actor):
    email = OutgoingEmail.objects.get(kind=Kind.ACTIVATION)
    assert email.to == "nina.ny@example.no"
    assert email.user == new_actor
    assert "/konto/aktiver/" in email.body
    assert "7 dager" in email.body
    assert not new_actor.has_usable_password()


def test_giving_an_existing_person_a_new_role_sends_no_second_activation_R_LEAD_01(
    new_actor, holder, other_unit
):
    from organisations.enums import Role
    from organisations.services import add_membership

    add_membership(user=new_actor, unit=other_unit, role=Role.ACTOR, by=holder)
    assert OutgoingEmail.objects.filter(kind=Kind.ACTIVATION).count() == 1


def test_the_link_sets_the_password_logs_in_and_is_single_use_R_LEAD_01(client, new_actor):
    path = _link_path(OutgoingEmail.objects.get(kind=Kind.ACTIVATION))
    page = client.get(path)
    assert page.status_code == 200
    assert "nina.ny@example.no" in page.content.decode()

    response = client.post(path, _password())

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert int(client.session["_auth_user_id"]) == new_actor.pk
    new_actor.refresh_from_db()
    assert new_actor.check_password(NEW_PASSWORD)
    assert ActivationToken.objects.get().used_at is not None
    assert AuditEvent.objects.filter(action="account.activated", actor=new_actor).exists()

    client.logout()
    again = client.post(path, _password(password1="enda-et-passord-x", password2="x"))
    assert again.status_code == 200
    assert "allerede brukt" in again.content.decode()
    new_actor.refresh_from_db()
    assert new_actor.check_password(NEW_PASSWORD)


def test_staff_meet_totp_enrolment_after_activation_when_2fa_is_required_R_LEAD_01(
    client, new_actor, settings
):
    settings.STAFETT_REQUIRE_2FA = True
    path = _link_path(OutgoingEmail.objects.get(kind=Kind.ACTIVATION))
    response = client.post(path, _password(), follow=True)
    assert response.redirect_chain[-1][0] == "/konto/tofaktor/"


def test_a_weak_or_mismatched_password_is_a_field_message_R_LEAD_01(client, new_actor):
    path = _link_path(OutgoingEmail.objects.get(kind=Kind.ACTIVATION))
    weak = client.post(path, {"password1": "12345", "password2": "12345"})
    assert weak.status_code == 200
    assert 'aria-invalid="true"' in weak.content.decode()
    mismatched = client.post(path, _password(password2="noe-helt-annet-her"))
    assert "Passordene er ikke like." in mismatched.content.decode()
    assert ActivationToken.objects.get().used_at is None
    assert "_auth_user_id" not in client.session


# --- guardians: the printed code (R-GUAR-02) -----------------------------------------------------


def test_the_code_flow_creates_the_login_and_lands_on_the_log_read_only_R_GUAR_02(
    client, holder, silent_guardian
):
    code = issue_guardian_letter(silent_guardian, by=holder).printable_code

    step = client.post(CODE_URL, {"code": code.lower()})
    assert step.status_code == 200
    assert 'name="email"' in step.content.decode()
    response = client.post(CODE_URL, _password(step="password", email="Gunn.Ny@Example.no"))

    log = silent_guardian.log
    assert response.status_code == 302
    assert response["Location"] == f"/logger/{log.pk}/"
    user = User.objects.get(email="gunn.ny@example.no")
    assert user.check_password(NEW_PASSWORD)
    assert (user.first_name, user.last_name) == (
        silent_guardian.first_name,
        silent_guardian.last_name,
    )
    silent_guardian.refresh_from_db()
    assert silent_guardian.user == user
    assert client.session["active_role"] == "guardian"
    assert log.revisions.filter(action="guardian.linked").exists()

    page = client.get(f"/logger/{log.pk}/").content.decode()
    assert "Ny oppmerksomhet" not in page
    assert f"/logger/{log.pk}/barn/" not in page
    assert "Skriv ut invitasjon" not in page


def test_a_used_code_shows_a_message_R_GUAR_02(client, holder, silent_guardian):
    code = issue_guardian_letter(silent_guardian, by=holder).code
    client.post(CODE_URL, {"code": code})
    client.post(CODE_URL, _password(step="password", email="en@example.no"))
    client.logout()

    response = client.post(CODE_URL, {"code": code})
    assert response.status_code == 200
    assert "allerede brukt" in response.content.decode()


def test_an_expired_code_shows_a_message_R_GUAR_02(client, holder, silent_guardian):
    code = issue_guardian_letter(silent_guardian, by=holder).code
    ActivationToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(CODE_URL, {"code": code})
    assert response.status_code == 200
    assert "er utløpt" in response.content.decode()
    assert 'name="password1"' not in response.content.decode()


def test_a_code_that_expires_between_the_two_steps_is_refused_R_GUAR_02(
    client, holder, silent_guardian
):
    code = issue_guardian_letter(silent_guardian, by=holder).code
    client.post(CODE_URL, {"code": code})
    ActivationToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(CODE_URL, _password(step="password", email="sen@example.no"))
    assert response.status_code == 200
    assert "er utløpt" in response.content.decode()
    assert not User.objects.filter(email="sen@example.no").exists()


def test_a_wrong_code_is_a_field_message_R_GUAR_02(client, db):
    response = client.post(CODE_URL, {"code": "ABCD EFGH IJKL MNOP QRST UVWX YZ23"})
    assert response.status_code == 200
    assert "Vi fant ikke denne lenken eller koden" in response.content.decode()


def test_the_password_step_without_a_code_goes_back_to_the_code_R_GUAR_02(client, db):
    response = client.post(CODE_URL, _password(step="password", email="x@example.no"))
    assert response.status_code == 302
    assert response["Location"] == CODE_URL


def test_a_new_letter_makes_the_previous_code_worthless_R_LOG_04(client, holder, silent_guardian):
    old = issue_guardian_letter(silent_guardian, by=holder).code
    new = issue_guardian_letter(silent_guardian, by=holder).code

    assert "allerede brukt" in client.post(CODE_URL, {"code": old}).content.decode()
    assert 'name="password1"' in client.post(CODE_URL, {"code": new}).content.decode()


def test_an_email_already_in_use_is_refused_at_the_field_R_GUAR_02(client, holder, silent_guardian):
    code = issue_guardian_letter(silent_guardian, by=holder).code
    client.post(CODE_URL, {"code": code})
    response = client.post(CODE_URL, _password(step="password", email=holder.email.upper()))
    assert response.status_code == 200
    assert "allerede i bruk" in response.content.decode()
    assert ActivationToken.objects.get().used_at is None


def test_activate_refuses_a_used_token_in_the_service_too_R_GUAR_02(holder, silent_guardian):
    issued = issue_guardian_letter(silent_guardian, by=holder)
    activate(issued.token, password=NEW_PASSWORD, email="a@example.no")
    with pytest.raises(ValidationError) as error:
        activate(issued.token, password=NEW_PASSWORD, email="b@example.no")
    assert error.value.code == "used"


def test_every_activation_step_is_audited_without_secrets_R_SEC_01(client, holder, silent_guardian):
    issued = issue_guardian_letter(silent_guardian, by=holder)
    client.post(CODE_URL, {"code": "feil"})
    client.post(CODE_URL, {"code": issued.code})
    client.post(CODE_URL, _password(step="password", email="gunn.ny@example.no"))

    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    for action in (
        "activation.issued",
        "guardian.invitation_printed",
        "activation.refused",
        "user.registered",
        "guardian.linked",
        "account.activated",
    ):
        assert action in actions
    everything = str(list(AuditEvent.objects.values("data")))
    assert issued.code not in everything
    assert issued.link_token not in everything
    assert NEW_PASSWORD not in everything


def test_after_the_7_days_a_new_person_can_still_get_in_through_forgot_password_R_LEAD_01(
    client, new_actor
):
    from django.core import mail

    from notifications.tasks import deliver

    response = client.post("/konto/glemt-passord/", {"email": "nina.ny@example.no"})
    assert response.status_code == 302
    # Through the outbox (R-SEC-04), with the link on the site's own address.
    reset = OutgoingEmail.objects.get(kind=Kind.PASSWORD_RESET)
    assert reset.to == "nina.ny@example.no"
    assert "http://127.0.0.1:8000/konto/nytt-passord/" in reset.body
    deliver(reset.pk)
    assert [m.to for m in mail.outbox] == [["nina.ny@example.no"]]


def test_activation_pages_are_never_cached_R_GUAR_02(client, db):
    for path in (CODE_URL, "/konto/aktiver/ukjent/"):
        assert "no-store" in client.get(path)["Cache-Control"]


def test_a_role_given_in_the_admin_to_a_person_without_password_sends_activation_R_LEAD_01(
    client, municipality, unit
):
    from organisations.models import Membership
    from organisations.services import create_municipality

    _own, admin = create_municipality(
        name="Adminkommune",
        org_number="123456787",
        admin_email="it@test.kommune.no",
        admin_first_name="Ida",
        admin_last_name="IT",
    )
    admin.administered_municipalities.set([municipality])
    person = User.objects.create_user("ny.leder@example.no", first_name="Ny", last_name="Leder")
    # Someone of the municipality (R-SEC-07): a role here already, given before any e-mail.
    Membership.objects.create(user=person, unit=unit, role="actor")
    client.force_login(admin)

    response = client.post(
        "/admin/organisations/membership/add/",
        {"user": person.pk, "unit": unit.pk, "role": "leader"},
    )

    assert response.status_code == 302
    assert Membership.objects.filter(user=person, unit=unit, role="leader").exists()
    email = OutgoingEmail.objects.get(kind=Kind.ACTIVATION, user=person)
    assert "/konto/aktiver/" in email.body
    assert AuditEvent.objects.filter(action="membership.created", actor=admin).exists()


def test_a_link_cannot_replace_a_password_already_chosen_R_GUAR_02_R_SEC_02(holder):
    """A forgotten letter or e-mail must not become a second way into an activated account."""
    issued = issue_activation(channel=ActivationToken.Channel.EMAIL, user=holder)

    with pytest.raises(ValidationError) as excinfo:
        activate(issued.token, password="et-helt-nytt-passord-2026")

    assert excinfo.value.code == "used"
    holder.refresh_from_db()
    assert holder.check_password("riktig-hest-batteri-stift")


def test_setting_a_password_by_reset_closes_open_activations_R_GUAR_02(client, new_actor):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    open_token = ActivationToken.objects.get(user=new_actor, used_at__isnull=True)
    uid = urlsafe_base64_encode(force_bytes(new_actor.pk))
    token = default_token_generator.make_token(new_actor)
    form_url = client.get(f"/konto/nytt-passord/{uid}/{token}/")["Location"]
    client.post(
        form_url, {"new_password1": "lang-nok-passord-99", "new_password2": "lang-nok-passord-99"}
    )

    open_token.refresh_from_db()
    assert open_token.revoked_at is not None


def test_an_unverified_session_cannot_replace_the_authenticator_app_R_SEC_02(client, holder):
    from tests.factories import totp_device

    device = totp_device(holder)
    client.force_login(holder)  # signed in without the second factor

    response = client.get("/konto/tofaktor/")

    assert response["Location"] == "/konto/logg-inn/"
    assert "_auth_user_id" not in client.session
    assert list(holder.totpdevice_set.filter(confirmed=True)) == [device]
