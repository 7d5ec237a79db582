"""The staff pages (R-LEAD-01, R-ROLE-03): what a leader sees and does, bad input, no child
data anywhere, sessions ended on deactivation."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.models import User
from notifications.enums import Kind
from notifications.models import OutgoingEmail
from organisations.enums import Role
from organisations.models import Membership
from tests.factories import (
    CONCERN_SENTINEL,
    PASSWORD,
    MembershipFactory,
    make_concern,
    make_log,
)

pytestmark = pytest.mark.django_db

CHILD_SENTINEL = "Sentinelbarn"


def _new_data(unit, **changes):
    return {
        "first_name": "Nora",
        "last_name": "Ny",
        "email": "nora@example.no",
        "phone": "",
        "unit": unit.pk,
        "role": Role.HOLDER.value,
    } | changes


def test_the_list_shows_the_staff_of_the_leaders_units_only_R_LEAD_01(
    client, leader, holder, actor, holder_other_unit, outsider
):
    actor.is_active = False
    actor.save()
    client.force_login(leader)
    page = client.get(reverse("staff:list")).content.decode()
    assert "Hanne Holder" in page and "Testskolen: Stafettholder" in page
    assert "Anders Aktør" in page and "Deaktivert" in page
    assert reverse("staff:edit", args=[holder.pk]) in page
    assert "Ny stafettholder / aktør" in page
    assert "Berit" not in page and "Ute" not in page
    table = page.split("<table")[1]
    assert "Lena" not in table  # leaders are the administrator's to manage


def test_a_leader_creates_a_holder_through_the_form_R_LEAD_01(client, leader, unit):
    client.force_login(leader)
    response = client.post(reverse("staff:create"), _new_data(unit))
    person = User.objects.get(email="nora@example.no")
    assert response.status_code == 302
    assert response.url == reverse("staff:edit", args=[person.pk])
    assert OutgoingEmail.objects.filter(kind=Kind.ACTIVATION, to=person.email).exists()


@pytest.mark.parametrize("case", ["other_municipality", "unit_outside", "bad_phone", "leader"])
def test_bad_input_is_a_message_next_to_the_field_and_nothing_typed_is_lost_R_LEAD_01(
    client, leader, unit, other_unit, outsider, case
):
    data = _new_data(unit, first_name="Skrevet", last_name="Inn", phone="912 34 567")
    field = {
        "other_municipality": "email",
        "unit_outside": "unit",
        "bad_phone": "phone",
        "leader": "role",
    }[case]
    if case == "other_municipality":
        data["email"] = outsider.email
    elif case == "unit_outside":
        data["unit"] = other_unit.pk
    elif case == "bad_phone":
        data["phone"] = "ikke et nummer"
    else:
        data["role"] = Role.LEADER.value
    client.force_login(leader)
    response = client.post(reverse("staff:create"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    page = response.content.decode()
    assert 'value="Skrevet"' in page and 'value="Inn"' in page
    assert outsider.first_name not in page
    assert not User.objects.filter(first_name="Skrevet").exists()


def test_a_person_outside_the_reach_is_not_found_on_any_page_R_ROLE_03(
    client, leader, holder_other_unit, outsider
):
    client.force_login(leader)
    for person in (holder_other_unit, outsider):
        for name in ("staff:edit", "staff:deactivate", "staff:hand_over"):
            assert client.get(reverse(name, args=[person.pk])).status_code == 404
            assert client.post(reverse(name, args=[person.pk])).status_code == 404
        membership = person.memberships.get()
        url = reverse("staff:role_remove", args=[person.pk, membership.pk])
        assert client.post(url).status_code == 404
    assert Membership.objects.filter(user=outsider).exists()


def test_edit_keeps_a_locked_email_and_saves_the_rest_R_SEC_07(client, leader, holder):
    client.force_login(leader)
    url = reverse("staff:edit", args=[holder.pk])
    data = {"first_name": "Hanna", "last_name": "Holder", "phone": "", "email": "x@example.no"}
    assert client.post(url, data).status_code == 302
    holder.refresh_from_db()
    assert holder.first_name == "Hanna" and holder.email != "x@example.no"


def test_a_role_is_added_and_removed_through_a_confirmation_page_R_LEAD_01(
    client, leader, unit, holder
):
    client.force_login(leader)
    url = reverse("staff:role_add", args=[holder.pk])
    response = client.post(url, {"role-unit": unit.pk, "role-role": Role.ACTOR.value})
    assert response.status_code == 302
    membership = Membership.objects.get(user=holder, role=Role.ACTOR)
    confirm = reverse("staff:role_remove", args=[holder.pk, membership.pk])
    assert "Ja, fjern rollen" in client.get(confirm).content.decode()
    assert client.post(confirm).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    # The last role: refused, said on the page, kept.
    last = holder.memberships.get()
    response = client.post(reverse("staff:role_remove", args=[holder.pk, last.pk]))
    assert response.status_code == 200 and "eneste rolle" in response.content.decode()
    assert Membership.objects.filter(pk=last.pk).exists()


def test_deactivating_oneself_is_refused_on_the_page_R_LEAD_01(client, leader, unit):
    MembershipFactory(user=leader, unit=unit, role=Role.ACTOR)
    client.force_login(leader)
    url = reverse("staff:deactivate", args=[leader.pk])
    assert "deg selv" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 200 and "deg selv" in response.content.decode()
    leader.refresh_from_db()
    assert leader.is_active


def test_deactivation_signs_the_person_out_at_once_and_they_cannot_log_in_R_LEAD_01(
    client, leader, actor
):
    theirs = Client()
    login = {"username": actor.email, "password": PASSWORD}
    assert theirs.post(reverse("accounts:login"), login).status_code == 302
    assert theirs.get(reverse("home")).status_code == 200
    client.force_login(leader)
    response = client.post(reverse("staff:deactivate", args=[actor.pk]))
    assert response.status_code == 302
    # The session is gone from the store, and their next request is signed out.
    live = [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id")]
    assert str(actor.pk) not in {s.get_decoded()["_auth_user_id"] for s in live}
    response = theirs.get(reverse("home"))
    assert response.status_code == 302 and reverse("accounts:login") in response.url
    again = Client()
    assert again.post(reverse("accounts:login"), login).status_code == 200
    assert again.get(reverse("home")).status_code == 302


def test_deactivating_a_holder_hands_their_logs_over_counting_only_R_LEAD_01_R_ROLE_03(
    client, leader, unit, holder, other_holder
):
    log = make_log(holder, unit, first_name=CHILD_SENTINEL)
    make_concern(log, description=CONCERN_SENTINEL)
    client.force_login(leader)
    url = reverse("staff:deactivate", args=[holder.pk])
    page = client.get(url).content.decode()
    assert "1 aktiv logg" in page and "Ola Annen" in page
    assert CHILD_SENTINEL not in page and CONCERN_SENTINEL not in page
    # Nobody chosen: a message next to the field, nothing done.
    response = client.post(url, {})
    assert response.status_code == 200
    assert f"holder_{unit.pk}" in response.context["form"].errors
    holder.refresh_from_db()
    assert holder.is_active
    response = client.post(url, {f"holder_{unit.pk}": other_holder.pk})
    assert response.status_code == 302
    log.refresh_from_db()
    holder.refresh_from_db()
    assert log.holder == other_holder and not holder.is_active


def test_no_staff_page_shows_child_data_R_ROLE_03(client, leader, unit, holder, actor):
    """Leak test with sentinels: a child's name and a concern text on every staff page."""
    log = make_log(holder, unit, first_name=CHILD_SENTINEL)
    make_concern(log, actors=[actor], description=CONCERN_SENTINEL)
    client.force_login(leader)
    membership = holder.memberships.get()
    urls = [
        reverse("staff:list"),
        reverse("staff:create"),
        reverse("staff:edit", args=[holder.pk]),
        reverse("staff:edit", args=[actor.pk]),
        reverse("staff:role_remove", args=[holder.pk, membership.pk]),
        reverse("staff:hand_over", args=[holder.pk]),
        reverse("staff:deactivate", args=[holder.pk]),
    ]
    for url in urls:
        page = client.get(url).content.decode()
        assert CHILD_SENTINEL not in page, url
        assert CONCERN_SENTINEL not in page, url
        assert "15108695088" not in page, url


def test_a_holders_logs_are_handed_over_without_deactivating_them_R_LEAD_01(
    client, leader, unit, holder, other_holder
):
    log = make_log(holder, unit)
    client.force_login(leader)
    url = reverse("staff:hand_over", args=[holder.pk])
    assert "1 aktiv logg" in client.get(url).content.decode()
    response = client.post(url, {f"holder_{unit.pk}": other_holder.pk})
    assert response.status_code == 302
    log.refresh_from_db()
    holder.refresh_from_db()
    assert log.holder == other_holder and holder.is_active
    # Now the holder role can go.
    membership = holder.memberships.get(role=Role.HOLDER)
    MembershipFactory(user=holder, unit=unit, role=Role.ACTOR)
    client.post(reverse("staff:role_remove", args=[holder.pk, membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_a_holder_chosen_from_another_unit_is_refused_next_to_the_field_R_LEAD_01(
    client, leader, unit, holder, holder_other_unit
):
    make_log(holder, unit)
    client.force_login(leader)
    url = reverse("staff:deactivate", args=[holder.pk])
    response = client.post(url, {f"holder_{unit.pk}": holder_other_unit.pk})
    assert response.status_code == 200
    assert f"holder_{unit.pk}" in response.context["form"].errors
    holder.refresh_from_db()
    assert holder.is_active


def test_a_deactivated_person_is_reactivated_through_a_confirmation_page_R_LEAD_01(
    client, leader, actor
):
    client.force_login(leader)
    client.post(reverse("staff:deactivate", args=[actor.pk]))
    assert "Aktiver igjen" in client.get(reverse("staff:edit", args=[actor.pk])).content.decode()
    url = reverse("staff:reactivate", args=[actor.pk])
    assert "Ja, aktiver igjen" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    actor.refresh_from_db()
    assert actor.is_active
    response = client.post(url)
    assert response.status_code == 200 and "Personen er aktiv." in response.content.decode()


def test_a_municipality_administrator_manages_the_staff_of_every_unit_R_LEAD_01(
    client, municipality_admin, holder, holder_other_unit, outsider
):
    client.force_login(municipality_admin)
    page = client.get(reverse("staff:list")).content.decode()
    assert "Hanne Holder" in page and "Berit Barnehage" in page and "Ute" not in page
    url = reverse("staff:deactivate", args=[holder_other_unit.pk])
    assert client.post(url).status_code == 302
    holder_other_unit.refresh_from_db()
    assert not holder_other_unit.is_active
    assert client.get(reverse("staff:edit", args=[outsider.pk])).status_code == 404
