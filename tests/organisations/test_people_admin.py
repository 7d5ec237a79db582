"""The people pages of the Django admin (R-SEC-07, R-SEC-03, R-ROLE-02).

A municipality administrator manages the people of their municipality, never their way in:
no login e-mail, no password, no second factor, no activation link. Each test posts the
forms directly, as an attacker would, rather than trusting what the page shows.
"""

import pytest
from django.contrib import admin as django_admin
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import ActivationToken, User
from accounts.services import issue_activation
from audit.models import AuditEvent
from notifications.enums import Kind
from notifications.models import OutgoingEmail
from organisations.enums import Role
from organisations.models import Membership
from tests.factories import VALID_NATIONAL_ID

NEW_ADDRESS = "angriper@example.no"
NEW_PASSWORD = "blå-fjord-maskin-tavle"


def change_url(user) -> str:
    return f"/admin/accounts/user/{user.pk}/change/"


def person_data(user, **changes) -> dict:
    """The change form as a municipality administrator sees it, with `changes` on top."""
    data = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": user.phone,
        "language": user.language,
        "is_active": "on" if user.is_active else None,
        **changes,
    }
    return {key: value for key, value in data.items() if value is not None}


def operator_data(user, **changes) -> dict:
    """The change form as an operator sees it."""
    operator_fields = {
        "email": user.email,
        "national_id": user.national_id or "",
        "is_staff": "on" if user.is_staff else None,
        "is_superuser": "on" if user.is_superuser else None,
    }
    return person_data(user, **{**operator_fields, **changes})


# --- item 1: no way into someone else's login ------------------------------------------------


def test_a_municipality_administrator_cannot_change_a_login_email_R_SEC_07(
    client, municipality_admin, holder
):
    address = holder.email
    client.force_login(municipality_admin)

    page = client.get(change_url(holder)).content.decode()
    response = client.post(change_url(holder), person_data(holder, email=NEW_ADDRESS))

    assert 'name="email"' not in page
    assert address in page  # shown, read-only
    assert holder.password.split("$")[-1] not in page  # nor the password's hash
    assert response.status_code == 302
    holder.refresh_from_db()
    assert holder.email == address
    assert not User.objects.filter(email__iexact=NEW_ADDRESS).exists()


def test_the_service_refuses_a_login_change_by_a_municipality_administrator_R_SEC_07(
    municipality_admin, holder
):
    from organisations.services import change_person

    for changes in (
        {"email": NEW_ADDRESS},
        {"national_id": VALID_NATIONAL_ID},
        {"is_staff": True},
        {"is_superuser": True},
    ):
        with pytest.raises(PermissionDenied):
            change_person(holder, by=municipality_admin, changes=changes)
    holder.refresh_from_db()
    assert holder.email != NEW_ADDRESS
    assert not holder.is_staff


def test_an_operator_changing_a_login_email_tells_the_old_address_and_is_audited_R_SEC_07(
    client, operator, holder
):
    old_address = holder.email
    client.force_login(operator)

    response = client.post(change_url(holder), operator_data(holder, email="Ny@Example.no"))

    assert response.status_code == 302
    holder.refresh_from_db()
    assert holder.email == "ny@example.no"  # as logins look it up
    notice = OutgoingEmail.objects.get(kind=Kind.ACCOUNT_CHANGED)
    assert notice.to == old_address
    assert "ny@example.no" not in notice.body
    event = AuditEvent.objects.get(action="user.email_changed")
    assert event.actor == operator
    assert event.object_id == str(holder.pk)
    assert old_address not in str(event.data) and "ny@example.no" not in str(event.data)


def test_an_email_change_closes_the_activation_links_sent_to_the_old_address_R_SEC_07(
    client, operator, holder
):
    issued = issue_activation(channel=ActivationToken.Channel.EMAIL, user=holder)
    client.force_login(operator)

    client.post(change_url(holder), operator_data(holder, email="ny@example.no"))

    issued.token.refresh_from_db()
    assert issued.token.revoked_at is not None


def test_an_operator_setting_a_password_is_told_to_the_person_and_audited_R_SEC_07(
    client, operator, holder
):
    client.force_login(operator)

    response = client.post(
        f"/admin/accounts/user/{holder.pk}/password/",
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    notice = OutgoingEmail.objects.get(kind=Kind.ACCOUNT_CHANGED)
    assert notice.to == holder.email
    assert AuditEvent.objects.filter(action="user.password_set", actor=operator).exists()


def test_a_municipality_administrator_adds_a_person_without_a_password_R_SEC_07_R_LEAD_01(
    client, municipality_admin, unit
):
    client.force_login(municipality_admin)

    form = client.get("/admin/accounts/user/add/").content.decode()
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "email": "Ny.Person@example.no",
            "first_name": "Nina",
            "last_name": "Ny",
            "phone": "",
            "unit": unit.pk,
            "role": Role.HOLDER,
            # Posted anyway: ignored, the person chooses their own.
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )

    assert 'name="password1"' not in form
    assert response.status_code == 302
    person = User.objects.get(email="ny.person@example.no")
    assert not person.has_usable_password()
    assert Membership.objects.filter(user=person, unit=unit, role=Role.HOLDER).exists()
    activation = OutgoingEmail.objects.get(kind=Kind.ACTIVATION)
    assert activation.to == person.email
    assert response.url == change_url(person)  # the new person is in the administrator's reach
    assert AuditEvent.objects.filter(
        action="user.registered", actor=municipality_admin, object_id=str(person.pk)
    ).exists()


def test_deactivating_closes_open_activation_links_and_reactivating_tells_the_person_R_SEC_07(
    client, municipality_admin, holder
):
    issued = issue_activation(channel=ActivationToken.Channel.EMAIL, user=holder)
    client.force_login(municipality_admin)

    client.post(change_url(holder), person_data(holder, is_active=None))
    holder.refresh_from_db()
    issued.token.refresh_from_db()
    assert not holder.is_active
    # A link lying in a mailbox must not become a way in again when the account comes back.
    assert issued.token.revoked_at is not None
    assert not OutgoingEmail.objects.filter(kind=Kind.ACCOUNT_CHANGED).exists()

    client.post(change_url(holder), person_data(holder, is_active="on"))
    holder.refresh_from_db()
    assert holder.is_active
    notice = OutgoingEmail.objects.get(kind=Kind.ACCOUNT_CHANGED)
    assert notice.to == holder.email
    actions = list(
        AuditEvent.objects.filter(actor=municipality_admin, action__startswith="user.")
        .exclude(action="user.changed")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["user.deactivated", "user.reactivated"]


def test_a_municipality_administrator_reaches_no_login_secrets_in_the_admin_R_SEC_07(
    client, municipality_admin
):
    """TOTP devices, lockouts, tasks (they carry e-mail ids), groups and permissions are the
    operators' alone; activation tokens are in no admin at all."""
    client.force_login(municipality_admin)

    reachable = set()
    for model in django_admin.site._registry:
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        if client.get(url).status_code == 200:
            reachable.add(opts.label_lower)

    assert reachable == {
        "accounts.user",
        "organisations.municipality",
        "organisations.unit",
        "organisations.membership",
        "organisations.concerncategory",
        "organisations.measurecategory",
        "notifications.outgoingemail",
        # Their own municipality's identity provider for employees (R-SEC-08); its secret
        # and key are written there, never shown again (tests/oidc/test_admin.py).
        "oidc.employeeprovider",
    }
    assert ActivationToken not in django_admin.site._registry
    assert client.get(reverse("admin:otp_totp_totpdevice_changelist")).status_code == 403


# --- item 3: national ID numbers masked (R-SEC-03) -------------------------------------------


def test_the_admin_never_shows_a_municipality_administrator_a_full_national_id_R_SEC_03(
    client, municipality_admin, holder
):
    holder.national_id = VALID_NATIONAL_ID
    holder.save(update_fields=["national_id"])
    client.force_login(municipality_admin)
    client.post(change_url(holder), person_data(holder, first_name="Hanna"))  # a history row

    pages = {
        "list": client.get("/admin/accounts/user/").content.decode(),
        "change": client.get(change_url(holder)).content.decode(),
        "history": client.get(f"/admin/accounts/user/{holder.pk}/history/").content.decode(),
        "error": client.post(change_url(holder), person_data(holder, phone="x")).content.decode(),
    }

    assert {name for name, html in pages.items() if VALID_NATIONAL_ID in html} == set()
    assert "151086 *****" in pages["change"]
    assert "151086 *****" in pages["error"]


def test_the_admin_never_shows_an_operator_a_full_national_id_either_R_SEC_03(
    client, operator, holder
):
    holder.national_id = VALID_NATIONAL_ID
    holder.save(update_fields=["national_id"])
    client.force_login(operator)

    change = client.get(change_url(holder)).content.decode()
    error = client.post(
        change_url(holder), operator_data(holder, phone="x", national_id="")
    ).content.decode()
    kept = client.post(change_url(holder), operator_data(holder, national_id=""))

    assert VALID_NATIONAL_ID not in change and VALID_NATIONAL_ID not in error
    assert "151086 *****" in change
    assert kept.status_code == 302
    holder.refresh_from_db()
    assert holder.national_id == VALID_NATIONAL_ID
    assert not OutgoingEmail.objects.filter(kind=Kind.ACCOUNT_CHANGED).exists()


def test_an_operator_changing_a_national_id_tells_the_person_and_is_audited_R_SEC_07(
    client, operator, holder
):
    """The national ID number decides who an ID-porten login becomes (R-SEC-02)."""
    client.force_login(operator)
    spaced = f"{VALID_NATIONAL_ID[:6]} {VALID_NATIONAL_ID[6:]}"

    response = client.post(change_url(holder), operator_data(holder, national_id=spaced))

    assert response.status_code == 302
    holder.refresh_from_db()
    assert holder.national_id == VALID_NATIONAL_ID
    notice = OutgoingEmail.objects.get(kind=Kind.ACCOUNT_CHANGED)
    assert notice.to == holder.email and "ID-porten" in notice.body
    event = AuditEvent.objects.get(action="user.national_id_changed")
    assert event.actor == operator and VALID_NATIONAL_ID not in str(event.data)
