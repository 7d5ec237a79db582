"""Every way a password is set goes through accounts.services.change_password: one
transaction with the closed activations and the audit row (R-SEC-07, R-GUAR-02)."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts import services
from accounts.models import ActivationToken
from accounts.services import change_password, issue_activation
from audit.models import AuditEvent
from notifications.enums import Kind
from notifications.models import OutgoingEmail
from tests.factories import PASSWORD, UserFactory

NEW_PASSWORD = "blå-fjord-maskin-tavle"


def _open_token(user) -> ActivationToken:
    return issue_activation(channel=ActivationToken.Channel.EMAIL, user=user).token


def _events(action: str, user) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, object_id=str(user.pk)))


def _revoked(token: ActivationToken) -> bool:
    token.refresh_from_db()
    return token.revoked_at is not None


def test_a_person_changing_their_password_is_audited_and_closes_activations_R_SEC_07(
    client, holder
):
    token = _open_token(holder)
    client.force_login(holder)

    response = client.post(
        "/konto/passord/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    holder.refresh_from_db()
    assert holder.check_password(NEW_PASSWORD)
    [event] = _events("account.password_changed", holder)
    assert (event.actor, event.data) == (holder, {"via": "password_changed"})
    assert _revoked(token)
    assert "_auth_user_id" in client.session  # still signed in after the change


def test_a_password_changed_without_open_activations_is_audited_too_R_SEC_07(client, holder):
    client.force_login(holder)

    client.post(
        "/konto/passord/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert len(_events("account.password_changed", holder)) == 1
    assert not _events("account.activations_revoked", holder)


def test_a_password_set_through_forgot_password_is_audited_and_closes_activations_R_SEC_07(
    client, holder
):
    token = _open_token(holder)
    uid = urlsafe_base64_encode(force_bytes(holder.pk))
    reset = default_token_generator.make_token(holder)
    form_url = client.get(f"/konto/nytt-passord/{uid}/{reset}/")["Location"]

    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert response.status_code == 302
    holder.refresh_from_db()
    assert holder.check_password(NEW_PASSWORD)
    [event] = _events("account.password_changed", holder)
    assert (event.actor, event.data) == (holder, {"via": "password_reset"})
    assert _revoked(token)


def test_an_operator_setting_a_password_is_audited_in_the_same_service_R_SEC_07(client, holder):
    operator = UserFactory(is_staff=True, is_superuser=True)
    token = _open_token(holder)
    client.force_login(operator)

    response = client.post(
        f"/admin/accounts/user/{holder.pk}/password/",
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    holder.refresh_from_db()
    assert holder.check_password(NEW_PASSWORD)
    [event] = _events("user.password_set", holder)
    assert event.actor == operator
    assert _revoked(token)
    assert OutgoingEmail.objects.filter(kind=Kind.ACCOUNT_CHANGED, to=holder.email).exists()


def test_an_operator_removing_a_password_is_audited_R_SEC_07(client, holder):
    operator = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(operator)

    response = client.post(
        f"/admin/accounts/user/{holder.pk}/password/",
        {"usable_password": "false", "unset-password": "1"},
    )

    assert response.status_code == 302
    holder.refresh_from_db()
    assert not holder.has_usable_password()
    assert len(_events("user.password_set", holder)) == 1


def test_change_password_is_one_transaction_R_SEC_07(holder, monkeypatch):
    """A failure after the password is written leaves the old password (and no audit row)."""

    def broken_revoke(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "revoke_activations", broken_revoke)

    with pytest.raises(RuntimeError):
        change_password(holder, by=holder, password=NEW_PASSWORD, reason="password_changed")

    holder.refresh_from_db()
    assert holder.check_password(PASSWORD)
    assert not _events("account.password_changed", holder)


def test_change_password_refuses_an_unknown_reason(holder):
    with pytest.raises(ValueError):
        change_password(holder, by=holder, password=NEW_PASSWORD, reason="guessed")
