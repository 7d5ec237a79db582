"""An operator adds and changes municipalities and names their administrators in the admin
(R-ROLE-02): through services that give an administrator what the admin needs, take it
back, and write the audit trail (R-SEC-01)."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied

from accounts.models import User
from audit.models import AuditEvent
from organisations.models import ConcernCategory, MeasureCategory, Municipality
from organisations.services import (
    ADMIN_GROUP,
    delete_municipality,
    save_municipality,
    set_administrators,
)
from tests.factories import MunicipalityFactory, make_person


def _post(client, municipality: Municipality, administrators: list[User], **changes):
    data = {
        "name": municipality.name,
        "org_number": municipality.org_number,
        "retention_years": municipality.retention_years or "",
        "administrators": [person.pk for person in administrators],
        **changes,
    }
    return client.post(f"/admin/organisations/municipality/{municipality.pk}/change/", data)


def test_an_administrator_named_by_an_operator_can_work_in_the_admin_R_ROLE_02(
    client, operator, municipality, municipality_admin
):
    newcomer = make_person(first_name="Nina", last_name="Ny")
    client.force_login(operator)

    assert _post(client, municipality, [municipality_admin, newcomer]).status_code == 302

    newcomer.refresh_from_db()
    assert newcomer.is_staff
    assert newcomer.groups.filter(name=ADMIN_GROUP).exists()
    event = AuditEvent.objects.get(action="municipality.administrators_changed")
    assert event.actor == operator
    assert event.object_id == str(municipality.pk)
    assert event.data == {"added": [newcomer.pk], "removed": []}
    client.force_login(newcomer)
    assert client.get("/admin/organisations/unit/").status_code == 200


def test_an_administrator_removed_loses_the_admin_unless_still_needed_R_ROLE_02(
    operator, municipality, municipality_admin
):
    """Removed from their one municipality: no longer staff, out of the group. One who
    administers another municipality, or an operator, keeps what they have."""
    elsewhere = MunicipalityFactory()
    both = make_person(is_staff=True)
    set_administrators(elsewhere, [both], by=operator)
    set_administrators(municipality, [municipality_admin, both, operator], by=operator)

    set_administrators(municipality, [], by=operator)

    for person in (municipality_admin, both, operator):
        person.refresh_from_db()
    assert not municipality_admin.is_staff
    assert not municipality_admin.groups.filter(name=ADMIN_GROUP).exists()
    assert both.is_staff and both.groups.filter(name=ADMIN_GROUP).exists()
    assert operator.is_staff and operator.is_superuser
    last = AuditEvent.objects.filter(action="municipality.administrators_changed").first()
    assert last is not None
    assert last.data == {
        "added": [],
        "removed": sorted([municipality_admin.pk, both.pk, operator.pk]),
    }


def test_naming_the_same_administrators_again_changes_and_records_nothing_R_SEC_01(
    operator, municipality, municipality_admin
):
    before = AuditEvent.objects.count()

    set_administrators(municipality, [municipality_admin], by=operator)

    assert AuditEvent.objects.count() == before
    assert list(municipality.administrators.all()) == [municipality_admin]


def test_only_an_operator_changes_a_municipality_or_its_administrators_R_ROLE_02(
    municipality, municipality_admin
):
    """Administrators view their municipality; they cannot make others administrators or
    change its retention period, in the admin (tests/organisations/test_admin.py) or here."""
    stranger = make_person()
    municipality.retention_years = 1
    for by in (municipality_admin, stranger):
        with pytest.raises(PermissionDenied):
            set_administrators(municipality, [stranger], by=by)
        with pytest.raises(PermissionDenied):
            save_municipality(municipality, by=by, changed=["retention_years"])
    municipality.refresh_from_db()
    assert municipality.retention_years != 1
    assert list(municipality.administrators.all()) == [municipality_admin]


def test_a_change_of_a_municipality_is_audited_with_its_fields_R_SEC_01_R_SEC_06(
    client, operator, municipality, municipality_admin
):
    client.force_login(operator)

    response = _post(client, municipality, [municipality_admin], retention_years="3")

    assert response.status_code == 302
    municipality.refresh_from_db()
    assert municipality.retention_years == 3
    event = AuditEvent.objects.get(action="municipality.changed")
    assert (event.actor, event.data) == (operator, {"fields": ["retention_years"]})
    assert not AuditEvent.objects.filter(action="municipality.administrators_changed").exists()


def test_a_municipality_added_in_the_admin_gets_its_category_lists_R_ROLE_02(client, operator):
    """As create_municipality gives them: without them no concern could be written."""
    chosen = make_person()
    client.force_login(operator)

    response = client.post(
        "/admin/organisations/municipality/add/",
        {"name": "Nyby", "org_number": "123456785", "administrators": [chosen.pk]},
    )

    assert response.status_code == 302
    added = Municipality.objects.get(name="Nyby")
    assert ConcernCategory.objects.filter(municipality=added).count() >= 5
    assert MeasureCategory.objects.filter(municipality=added).count() >= 5
    assert list(added.administrators.all()) == [chosen]
    assert AuditEvent.objects.filter(action="municipality.created", actor=operator).exists()


def test_one_removed_keeps_staff_given_for_more_than_the_administration_R_ROLE_02(
    operator, municipality
):
    """Someone with other rights in the admin (here a group of their own) leaves only the
    administrators' group."""
    support = make_person(is_staff=True)
    support.groups.add(Group.objects.create(name="Brukerstøtte"))
    set_administrators(municipality, [support], by=operator)

    set_administrators(municipality, [], by=operator)

    support.refresh_from_db()
    assert support.is_staff
    assert list(support.groups.values_list("name", flat=True)) == ["Brukerstøtte"]


def test_a_save_audits_only_what_it_changed_R_SEC_01(
    client, operator, municipality, municipality_admin
):
    """Administrators changed: their own row, not a change of the municipality's fields.
    Nothing changed: no row."""
    client.force_login(operator)
    other = make_person()

    assert _post(client, municipality, [municipality_admin, other]).status_code == 302
    assert _post(client, municipality, [municipality_admin, other]).status_code == 302

    actions = list(
        AuditEvent.objects.filter(actor=operator)
        .exclude(action__startswith="auth.")
        .values_list("action", flat=True)
    )
    assert actions == ["municipality.administrators_changed"]


def test_an_operator_deletes_an_empty_municipality_audited_R_ROLE_02_R_SEC_01(
    client, operator, municipality_admin
):
    empty = MunicipalityFactory(name="Feilregistrert")
    client.force_login(municipality_admin)
    client.post(f"/admin/organisations/municipality/{empty.pk}/delete/", {"post": "yes"})
    assert Municipality.objects.filter(pk=empty.pk).exists()  # administrators only view
    with pytest.raises(PermissionDenied):
        delete_municipality(empty, by=municipality_admin)

    client.force_login(operator)
    response = client.post(f"/admin/organisations/municipality/{empty.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Municipality.objects.filter(pk=empty.pk).exists()
    event = AuditEvent.objects.get(action="municipality.deleted")
    assert (event.actor, event.object_id) == (operator, str(empty.pk))
