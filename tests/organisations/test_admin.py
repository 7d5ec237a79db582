"""Municipality administration through the Django admin (R-ROLE-02)."""

from organisations.models import ConcernCategory, MeasureCategory, Municipality
from organisations.services import create_municipality
from tests.factories import MunicipalityFactory, UnitFactory


def test_create_municipality_seeds_categories_and_an_administrator_R_ROLE_02(db):
    municipality, admin = create_municipality(
        name="Nykommune",
        org_number="123456789",
        admin_email="it@ny.kommune.no",
        admin_first_name="Ida",
        admin_last_name="IT",
    )
    assert ConcernCategory.objects.filter(municipality=municipality).count() >= 5
    assert MeasureCategory.objects.filter(municipality=municipality).count() >= 5
    assert admin.is_staff and not admin.is_superuser
    assert not admin.has_usable_password()
    assert list(admin.administered_municipalities.all()) == [municipality]


def test_administrator_sees_only_their_own_municipality_R_ROLE_02(client, db):
    municipality, admin = create_municipality(
        name="Egen",
        org_number="123456780",
        admin_email="a@egen.no",
        admin_first_name="A",
        admin_last_name="B",
    )
    UnitFactory(municipality=municipality, name="Egen skole")
    UnitFactory(municipality=MunicipalityFactory(name="Fremmed"), name="Fremmed skole")
    client.force_login(admin)

    units = client.get("/admin/organisations/unit/").content.decode()
    assert "Egen skole" in units
    assert "Fremmed skole" not in units
    categories = client.get("/admin/organisations/concerncategory/").content.decode()
    assert "Språk og kommunikasjon" in categories
    assert client.get("/admin/organisations/unit/add/").status_code == 200


def test_unit_tree_and_category_lists_are_editable_in_the_admin_R_ROLE_02(client, db):
    municipality, admin = create_municipality(
        name="Tre",
        org_number="123456781",
        admin_email="a@tre.no",
        admin_first_name="A",
        admin_last_name="B",
    )
    parent = UnitFactory(municipality=municipality, name="Oppvekst")
    client.force_login(admin)
    response = client.post(
        "/admin/organisations/unit/add/",
        {
            "municipality": municipality.pk,
            "parent": parent.pk,
            "name": "Nord skole",
            "org_number": "",
        },
    )
    assert response.status_code == 302
    assert municipality.units.get(name="Nord skole").parent == parent
    assert Municipality.objects.count() == 1


def test_a_signed_in_non_operator_is_told_not_sent_round_in_circles_R_ROLE_02(client, holder):
    client.force_login(holder)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert "bare for driftsansvarlige" in response.content.decode()


def test_a_municipality_administrator_cannot_set_passwords_or_national_ids_R_ROLE_02_R_SEC_02(
    client, db
):
    from organisations.enums import Role
    from tests.factories import MembershipFactory, UserFactory

    municipality, admin = create_municipality(
        name="Vakt",
        org_number="123456782",
        admin_email="a@vakt.no",
        admin_first_name="A",
        admin_last_name="B",
    )
    holder = UserFactory()
    MembershipFactory(user=holder, unit=UnitFactory(municipality=municipality), role=Role.HOLDER)
    operator = UserFactory(is_staff=True)
    MembershipFactory(user=operator, unit=UnitFactory(municipality=municipality))
    client.force_login(admin)

    assert client.get(f"/admin/accounts/user/{holder.pk}/password/").status_code == 403
    page = client.get(f"/admin/accounts/user/{holder.pk}/change/").content.decode()
    assert 'name="national_id"' not in page
    assert client.get(f"/admin/accounts/user/{operator.pk}/change/").status_code == 302


def test_changes_in_the_administration_are_audited_R_ROLE_02_R_SEC_01(client, db):
    from audit.models import AuditEvent

    municipality, admin = create_municipality(
        name="Spor",
        org_number="123456783",
        admin_email="a@spor.no",
        admin_first_name="A",
        admin_last_name="B",
    )
    client.force_login(admin)
    client.post(
        "/admin/organisations/unit/add/",
        {"municipality": municipality.pk, "name": "Ny skole", "org_number": ""},
    )
    unit = municipality.units.get(name="Ny skole")
    client.post(f"/admin/organisations/unit/{unit.pk}/delete/", {"post": "yes"})

    actions = set(AuditEvent.objects.filter(actor=admin).values_list("action", flat=True))
    assert {"unit.created", "unit.deleted"} <= actions
    assert not municipality.units.filter(name="Ny skole").exists()
