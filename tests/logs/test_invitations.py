"""Guardians are invited: by e-mail when they have an address, by a printed letter when they
have none (R-LOG-04, R-GUAR-02)."""

import re
from io import BytesIO

import pytest
from pypdf import PdfReader

from accounts.models import ActivationToken, User
from audit.models import AuditEvent
from logs.services import add_guardian, create_log, update_guardian
from notifications.enums import EmailStatus, Kind
from notifications.models import OutgoingEmail
from tests.factories import VALID_NATIONAL_ID, UserFactory, child_data, guardian_data

CODE = re.compile(r"(?:[A-Z2-7]{4} ){6}[A-Z2-7]{4}")


def _invitations():
    return OutgoingEmail.objects.filter(kind=Kind.GUARDIAN_INVITATION)


def test_a_guardian_with_email_gets_a_login_and_an_invitation_R_LOG_04(holder, unit):
    log = create_log(by=holder, unit=unit, child=child_data(), guardians=[guardian_data()])

    guardian = log.guardians.get()
    user = User.objects.get(email="gunn@example.no")
    assert guardian.user == user
    assert not user.has_usable_password()
    email = _invitations().get()
    assert (email.to, email.user, email.status) == ("gunn@example.no", user, EmailStatus.PENDING)
    assert "/konto/aktiver/" in email.body
    assert ActivationToken.objects.get(guardian=guardian, user=user).used_at is None


def test_the_invitation_names_no_child_and_no_national_id_R_NOTIFY_01(holder, unit):
    log = create_log(by=holder, unit=unit, child=child_data(), guardians=[guardian_data()])
    email = _invitations().get()
    text = email.subject + email.body
    assert VALID_NATIONAL_ID not in text
    assert log.child.first_name not in text
    assert log.unit.name not in text  # which service follows the child is not for e-mail
    assert "Testkommune" in text


def test_an_existing_person_is_linked_only_when_they_confirm_logged_in_R_LOG_04(
    client, holder, unit
):
    """A mistyped address that belongs to someone else must not open the child's log."""
    parent = UserFactory(email="gunn@example.no")
    log = create_log(by=holder, unit=unit, child=child_data(), guardians=[guardian_data()])

    guardian = log.guardians.get()
    assert guardian.user is None
    assert User.objects.filter(email__iexact="gunn@example.no").count() == 1
    email = _invitations().get()
    assert email.user == parent
    link = re.search(r"https?://[^/\s]+(/konto/aktiver/\S+/)", email.body).group(1)

    # Not logged in: the link asks them to log in first, and changes nothing.
    assert client.get(link)["Location"].startswith("/konto/logg-inn/")
    client.force_login(parent)
    assert "Bekreft at jeg er foresatt" in client.get(link).content.decode()
    guardian.refresh_from_db()
    assert guardian.user is None

    response = client.post(link)

    assert response["Location"] == f"/logger/{log.pk}/"
    guardian.refresh_from_db()
    assert guardian.user == parent
    assert client.get(f"/logger/{log.pk}/").status_code == 200
    assert 'id="activation-problem"' in client.post(link).content.decode()  # single use


def test_someone_else_logged_in_cannot_confirm_the_invitation_R_LOG_04(client, holder, unit):
    UserFactory(email="gunn@example.no")
    log = create_log(by=holder, unit=unit, child=child_data(), guardians=[guardian_data()])
    link = re.search(r"https?://[^/\s]+(/konto/aktiver/\S+/)", _invitations().get().body).group(1)
    client.force_login(holder)

    response = client.post(link)

    assert response["Location"].startswith("/konto/logg-inn/")
    assert log.guardians.get().user is None


def test_a_guardian_without_email_gets_no_email_and_no_login_R_LOG_04(holder, unit):
    log = create_log(by=holder, unit=unit, child=child_data(), guardians=[guardian_data(email="")])
    assert log.guardians.get().user is None
    assert not _invitations().exists()


def test_adding_a_guardian_with_email_invites_them_R_LOG_04(holder, log):
    before = _invitations().count()
    guardian = add_guardian(
        log, by=holder, **guardian_data(first_name="Per", email="per@example.no")
    )
    assert guardian.user.email == "per@example.no"
    assert _invitations().count() == before + 1


def test_correcting_the_email_before_activation_moves_the_invitation_R_LOG_04(holder, log):
    guardian = log.guardians.get()
    wrong = guardian.user
    update_guardian(guardian, by=holder, **{**guardian_data(), "email": "riktig@example.no"})

    guardian.refresh_from_db()
    assert guardian.user.email == "riktig@example.no"
    assert guardian.user != wrong
    assert not wrong.guardianships.exists()
    assert _invitations().filter(to="riktig@example.no").exists()
    assert not ActivationToken.objects.filter(
        user=wrong, used_at__isnull=True, revoked_at__isnull=True
    ).exists()


# --- the printed letter ----------------------------------------------------------------------


@pytest.fixture
def silent_log(holder, unit):
    return create_log(
        by=holder,
        unit=unit,
        child=child_data(),
        guardians=[guardian_data(first_name="Stine", email="")],
    )


def _letter_text(response) -> str:
    reader = PdfReader(BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_holder_sees_the_print_button_only_for_a_guardian_without_email_R_LOG_04(
    client, holder, silent_log, log
):
    client.force_login(holder)
    assert (
        "Skriv ut invitasjon til Stine" in client.get(f"/logger/{silent_log.pk}/").content.decode()
    )
    assert "Skriv ut invitasjon" not in client.get(f"/logger/{log.pk}/").content.decode()


def test_the_letter_is_an_a4_pdf_with_the_way_in_and_the_code_R_LOG_04(
    client, holder, silent_log, settings
):
    settings.STAFETT_SITE_URL = "https://stafett.example.no"
    guardian = silent_log.guardians.get()
    client.force_login(holder)

    response = client.post(f"/logger/foresatte/{guardian.pk}/invitasjon/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content.startswith(b"%PDF")
    page = PdfReader(BytesIO(response.content)).pages[0]
    assert round(float(page.mediabox.width)) == 595  # A4: 210 mm
    text = _letter_text(response)
    assert "Testkommune" in text
    assert "Testskolen" in text
    assert "https://stafett.example.no/konto/aktiver/" in text
    assert "7 dager" in text
    assert CODE.search(text)
    assert VALID_NATIONAL_ID not in text
    token = ActivationToken.objects.get(guardian=guardian)
    assert token.channel == ActivationToken.Channel.LETTER
    assert AuditEvent.objects.filter(
        action="guardian.invitation_printed", log_id=silent_log.pk
    ).exists()


def test_the_code_in_the_letter_activates_the_guardian_R_GUAR_02(client, holder, silent_log):
    guardian = silent_log.guardians.get()
    client.force_login(holder)
    code = CODE.search(_letter_text(client.post(f"/logger/foresatte/{guardian.pk}/invitasjon/")))
    client.logout()

    client.post("/konto/aktiver/", {"code": code.group(0)})
    response = client.post(
        "/konto/aktiver/",
        {
            "step": "password",
            "email": "stine@example.no",
            "password1": "blå-fjord-maskin-tavle",
            "password2": "blå-fjord-maskin-tavle",
        },
    )
    assert response["Location"] == f"/logger/{silent_log.pk}/"


def test_printing_again_invalidates_the_previous_code_R_LOG_04(client, holder, silent_log):
    guardian = silent_log.guardians.get()
    client.force_login(holder)
    client.post(f"/logger/foresatte/{guardian.pk}/invitasjon/")
    client.post(f"/logger/foresatte/{guardian.pk}/invitasjon/")
    tokens = ActivationToken.objects.filter(guardian=guardian).order_by("id")
    assert [t.revoked_at is not None for t in tokens] == [True, False]


def test_a_guardian_who_can_log_in_gets_no_letter_but_a_message_R_LOG_04(
    client, holder, log, guardian_user
):
    guardian = log.guardians.get()
    client.force_login(holder)
    response = client.post(f"/logger/foresatte/{guardian.pk}/invitasjon/", follow=True)
    assert response.redirect_chain[-1][0] == f"/logger/{log.pk}/"
    assert "har allerede en innlogging" in response.content.decode()
    assert not ActivationToken.objects.filter(channel=ActivationToken.Channel.LETTER).exists()


def test_another_holder_cannot_print_a_letter_404_R_ROLE_07(client, other_holder, silent_log):
    guardian = silent_log.guardians.get()
    client.force_login(other_holder)
    response = client.post(f"/logger/foresatte/{guardian.pk}/invitasjon/")
    assert response.status_code == 404
    assert not ActivationToken.objects.filter(guardian=guardian).exists()


def test_removing_the_email_before_activation_withdraws_the_invitation_R_LOG_04(holder, log):
    guardian = log.guardians.get()
    invited = guardian.user
    update_guardian(guardian, by=holder, **{**guardian_data(), "email": ""})

    guardian.refresh_from_db()
    assert guardian.user is None
    assert not ActivationToken.objects.filter(
        user=invited, used_at__isnull=True, revoked_at__isnull=True
    ).exists()
    assert AuditEvent.objects.filter(action="guardian.unlinked", log_id=log.pk).exists()


def test_an_activated_guardian_keeps_the_login_when_the_holder_edits_the_email_R_LOG_04(
    holder, log, guardian_user
):
    guardian = log.guardians.get()
    update_guardian(guardian, by=holder, **{**guardian_data(), "email": "ny@example.no"})
    guardian.refresh_from_db()
    assert guardian.user == guardian_user
