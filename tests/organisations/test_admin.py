"""Municipality administration through the Django admin (R-ROLE-02, R-SEC-07)."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group

from accounts.models import User
from organisations.enums import Role
from organisations.models import ConcernCategory, MeasureCategory, Membership, Municipality, Unit
from organisations.services import create_municipality
from tests.factories import MunicipalityFactory, UnitFactory, concern_category


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


# --- every posted id belongs to the administrator's municipality (R-SEC-07) ------------------


@pytest.fixture
def foreign(outsider):
    """What belongs to another municipality: a person, their unit, membership, categories."""
    membership = outsider.memberships.get()
    elsewhere = membership.unit.municipality
    return SimpleNamespace(
        user=outsider,
        unit=membership.unit,
        membership=membership,
        municipality=elsewhere,
        concern_category=ConcernCategory.objects.create(municipality=elsewhere, name="Fremmed"),
        measure_category=MeasureCategory.objects.create(municipality=elsewhere, name="Fremmed"),
    )


@pytest.fixture
def own(municipality, unit, other_unit, holder):
    return SimpleNamespace(
        municipality=municipality,
        unit=unit,
        other_unit=other_unit,
        user=holder,
        membership=holder.memberships.get(),
        concern_category=ConcernCategory.objects.create(municipality=municipality, name="Egen"),
        measure_category=MeasureCategory.objects.create(municipality=municipality, name="Egen"),
    )


def _category(category, **changes):
    return {
        "municipality": category.municipality_id,
        "name": category.name,
        "name_nn": category.name,
        "name_en": category.name,
        "position": category.position,
        "is_active": "on",
        **changes,
    }


def _unit(unit, **changes):
    return {
        "municipality": unit.municipality_id,
        "parent": unit.parent_id or "",
        "name": unit.name,
        "org_number": unit.org_number,
        **changes,
    }


def _membership(membership, **changes):
    return {
        "user": membership.user_id,
        "unit": membership.unit_id,
        "role": membership.role,
        **changes,
    }


def _state(own, foreign):
    """Everything a foreign id could change, as plain values."""
    return {
        "memberships": sorted(Membership.objects.values_list("user", "unit", "role")),
        "units": sorted(Unit.objects.values_list("pk", "municipality", "parent", "name")),
        "concern": sorted(ConcernCategory.objects.values_list("pk", "municipality", "position")),
        "measure": sorted(MeasureCategory.objects.values_list("pk", "municipality", "position")),
        "administrators": sorted(Municipality.administrators.through.objects.values_list()),
        "users": sorted(
            User.objects.values_list("pk", "email", "is_staff", "is_superuser", "is_active")
        ),
        "groups": sorted(User.groups.through.objects.values_list("user", "group")),
    }


# (what is posted, url, data): `own` and `foreign` are the fixtures above.
FOREIGN_POSTS = {
    "membership.user on add": lambda o, f: (
        "/admin/organisations/membership/add/",
        _membership(o.membership, user=f.user.pk, unit=o.other_unit.pk),
    ),
    "membership.unit on add": lambda o, f: (
        "/admin/organisations/membership/add/",
        _membership(o.membership, unit=f.unit.pk),
    ),
    "membership.user on change": lambda o, f: (
        f"/admin/organisations/membership/{o.membership.pk}/change/",
        _membership(o.membership, user=f.user.pk),
    ),
    "membership.unit on change": lambda o, f: (
        f"/admin/organisations/membership/{o.membership.pk}/change/",
        _membership(o.membership, unit=f.unit.pk),
    ),
    "a foreign membership": lambda o, f: (
        f"/admin/organisations/membership/{f.membership.pk}/change/",
        _membership(f.membership, role=Role.LEADER),
    ),
    "unit.municipality on add": lambda o, f: (
        "/admin/organisations/unit/add/",
        _unit(o.unit, name="Ny", municipality=f.municipality.pk),
    ),
    "unit.parent on add": lambda o, f: (
        "/admin/organisations/unit/add/",
        _unit(o.unit, name="Ny", parent=f.unit.pk),
    ),
    "unit.municipality on change": lambda o, f: (
        f"/admin/organisations/unit/{o.unit.pk}/change/",
        _unit(o.unit, municipality=f.municipality.pk),
    ),
    "unit.parent on change": lambda o, f: (
        f"/admin/organisations/unit/{o.unit.pk}/change/",
        _unit(o.unit, parent=f.unit.pk),
    ),
    "a foreign unit": lambda o, f: (
        f"/admin/organisations/unit/{f.unit.pk}/change/",
        _unit(f.unit, parent=o.unit.pk),
    ),
    "a foreign unit deleted": lambda o, f: (
        "/admin/organisations/unit/",
        {"action": "delete_selected", "_selected_action": [f.unit.pk], "post": "yes"},
    ),
    "concern category municipality on add": lambda o, f: (
        "/admin/organisations/concerncategory/add/",
        _category(o.concern_category, name="Ny", municipality=f.municipality.pk),
    ),
    "concern category municipality on change": lambda o, f: (
        f"/admin/organisations/concerncategory/{o.concern_category.pk}/change/",
        _category(o.concern_category, municipality=f.municipality.pk),
    ),
    "measure category municipality on add": lambda o, f: (
        "/admin/organisations/measurecategory/add/",
        _category(o.measure_category, name="Ny", municipality=f.municipality.pk),
    ),
    "measure category municipality on change": lambda o, f: (
        f"/admin/organisations/measurecategory/{o.measure_category.pk}/change/",
        _category(o.measure_category, municipality=f.municipality.pk),
    ),
    "a foreign category in the editable list": lambda o, f: (
        "/admin/organisations/concerncategory/",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000",
            "form-0-id": f.concern_category.pk,
            "form-0-position": "99",
            "_save": "Lagre",
        },
    ),
    "municipality.administrators": lambda o, f: (
        f"/admin/organisations/municipality/{o.municipality.pk}/change/",
        {
            "name": o.municipality.name,
            "org_number": o.municipality.org_number,
            "administrators": [f.user.pk],
        },
    ),
    "user.groups and operator rights": lambda o, f: (
        f"/admin/accounts/user/{o.user.pk}/change/",
        {
            "first_name": o.user.first_name,
            "last_name": o.user.last_name,
            "language": o.user.language,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "groups": list(Group.objects.values_list("pk", flat=True)),
        },
    ),
    "a foreign user": lambda o, f: (
        f"/admin/accounts/user/{f.user.pk}/change/",
        {"first_name": "X", "last_name": "Y", "language": "nb"},
    ),
    "user.unit on add": lambda o, f: (
        "/admin/accounts/user/add/",
        {
            "email": "ny@example.no",
            "first_name": "N",
            "last_name": "Y",
            "unit": f.unit.pk,
            "role": Role.HOLDER,
        },
    ),
}

# Fields left out of the administrator's form: the rest of the form saves, these are ignored.
IGNORED = {"user.groups and operator rights"}


@pytest.mark.parametrize("case", FOREIGN_POSTS)
def test_every_foreign_id_a_municipality_administrator_posts_is_refused_R_SEC_07(
    client, municipality_admin, own, foreign, case
):
    url, data = FOREIGN_POSTS[case](own, foreign)
    before = _state(own, foreign)
    client.force_login(municipality_admin)

    response = client.post(url, data)

    assert _state(own, foreign) == before
    if case in IGNORED:
        return
    if response.status_code == 200:  # the form again, with the error next to the field
        assert "errorlist" in response.content.decode()
    else:
        # 400/403, or sent away as "not found" (the admin's index), or back to the same list
        # with nothing done (an action on rows outside the administrator's reach).
        assert response.status_code in (400, 403) or (
            response.status_code == 302 and response.url in ("/admin/", url)
        ), f"{case}: answered {response.status_code} {getattr(response, 'url', '')}"


def test_categories_are_named_in_nb_nn_and_en_in_the_admin_R_ROLE_02_R_GEN_06(
    client, municipality, municipality_admin
):
    client.force_login(municipality_admin)
    data = {"municipality": municipality.pk, "position": "3", "is_active": "on"}

    missing = client.post(
        "/admin/organisations/measurecategory/add/", {**data, "name": "Leksehjelp"}
    )
    complete = client.post(
        "/admin/organisations/measurecategory/add/",
        {**data, "name": "Leksehjelp", "name_nn": "Leksehjelp", "name_en": "Homework help"},
    )

    assert missing.status_code == 200
    assert 'name="name_nn"' in missing.content.decode()
    assert complete.status_code == 302
    category = MeasureCategory.objects.get(municipality=municipality, name="Leksehjelp")
    assert (category.name_nn, category.name_en) == ("Leksehjelp", "Homework help")


# --- accessibility of the administration (R-GEN-06; the browser test runs axe on it) -------

# Django's admin strings that its nb/nn catalogues lack (locale_django/ translates them).
ENGLISH = [
    "Skip to main content",
    "Toggle theme",
    "Breadcrumbs",
    "Sidebar",
    "Filter navigation items",
    "Start typing to filter",
    "Add link",
    "Model name",
    "View selected",
    "Show counts",
    "Select all objects",
    "Select this object",
    "Please correct the error",
]


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_the_administration_shows_no_english_on_a_norwegian_page_R_GEN_06(
    client, municipality_admin, holder, language
):
    concern_category(holder.memberships.get().unit.municipality)
    client.force_login(municipality_admin)
    client.cookies["django_language"] = language

    pages = [
        client.get("/admin/"),
        client.get("/admin/accounts/user/"),
        client.get(f"/admin/accounts/user/{holder.pk}/change/"),
        client.post("/admin/organisations/membership/add/", {}),  # with its errors
        client.get("/admin/organisations/concerncategory/"),
    ]

    html = "".join(page.content.decode() for page in pages)
    assert f'<html lang="{language}"' in html
    assert [phrase for phrase in ENGLISH if phrase in html] == []


def test_the_editable_category_list_labels_each_input_with_its_category_R_GEN_06(
    client, municipality, municipality_admin
):
    concern_category(municipality, "Atferd")
    client.force_login(municipality_admin)

    html = client.get("/admin/organisations/concerncategory/").content.decode()

    assert 'aria-label="Rekkefølge: Atferd"' in html
    assert 'aria-label="I bruk: Atferd"' in html
    assert '<span lang="en">Behaviour</span>' in html
    assert "/static/css/admin.css" in html  # underlined breadcrumbs


# --- delete pages name no child (R-ROLE-03) ---------------------------------------------------


def test_deleting_a_unit_with_logs_counts_them_and_names_no_child_R_ROLE_03_R_SEC_07(
    client, municipality_admin, log
):
    """Django's delete page lists what blocks a delete by name, and a log is named after its
    child: the administrator sees how many logs there are, never whose they are."""
    client.force_login(municipality_admin)

    response = client.get(f"/admin/organisations/unit/{log.unit_id}/delete/")

    page = response.content.decode()
    assert response.status_code == 200
    assert log.child.first_name not in page
    assert log.child.full_name not in page
    assert "Stafettlogger: 1" in page
