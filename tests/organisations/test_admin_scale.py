"""The operators' and administrators' pages at a city's scale (issue 9, R-ROLE-02): lists in
a constant number of queries, and no page that lists every person of the city."""

from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import UnitFactory, UserFactory, make_log


def test_the_unit_list_takes_constant_queries_however_deep_the_tree_R_ROLE_02(
    client, operator, municipality
):
    """1, 3 and 30 units, each under the one before: the parent is read with each row."""
    client.force_login(operator)
    client.get("/admin/organisations/unit/")  # the permissions, read once and kept
    counts = []
    parent = UnitFactory(municipality=municipality, name="Toppen")
    for more in (1, 2, 27):
        for _ in range(more):
            parent = UnitFactory(municipality=municipality, parent=parent)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/admin/organisations/unit/")
        assert response.status_code == 200
        assert parent.parent is not None
        assert parent.parent.name in response.content.decode()
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2], counts


def test_a_municipalitys_administrators_are_chosen_by_search_not_from_everyone_R_ROLE_02(
    client, operator, municipality, municipality_admin
):
    """The change page names the administrators it has, and offers no one else: a city's
    tens of thousands of people made it 2 MB and 12 seconds. The picker searches for them."""
    people = [UserFactory(first_name="Mange", last_name=f"Folk{i}") for i in range(30)]
    client.force_login(operator)
    url = f"/admin/organisations/municipality/{municipality.pk}/change/"

    page = client.get(url).content.decode()
    assert municipality_admin.get_full_name() in page
    for person in people:
        assert person.get_full_name() not in page
    assert 'data-allow-clear="false"' in page  # no "remove all" inside the list of chosen

    found = client.get(
        "/admin/autocomplete/",
        {
            "term": "Folk2",
            "app_label": "organisations",
            "model_name": "municipality",
            "field_name": "administrators",
        },
    ).json()
    assert {result["text"] for result in found["results"]} >= {"Mange Folk2", "Mange Folk20"}

    response = client.post(
        url,
        {
            "name": municipality.name,
            "org_number": municipality.org_number,
            "retention_years": municipality.retention_years or "",
            "administrators": [municipality_admin.pk, people[2].pk],
        },
    )
    assert response.status_code == 302
    assert set(municipality.administrators.all()) == {municipality_admin, people[2]}


def test_an_administrator_sees_their_municipality_without_anyone_else_R_ROLE_02(
    client, municipality, municipality_admin
):
    """Administrators only view their municipality: its administrators by name, and no
    picker to search the people with."""
    client.force_login(municipality_admin)

    page = client.get(f"/admin/organisations/municipality/{municipality.pk}/change/")

    assert page.status_code == 200
    assert municipality_admin.get_full_name() in page.content.decode()
    assert "admin-autocomplete" not in page.content.decode()


def test_a_units_delete_page_takes_constant_queries_however_many_logs_R_ROLE_03(
    client, municipality_admin, holder, unit
):
    """The page counts what blocks the delete; naming each log (after its child) had been a
    query a log: 872 queries for a city's school."""
    client.force_login(municipality_admin)
    url = f"/admin/organisations/unit/{unit.pk}/delete/"
    client.get(url)  # the permissions, read once and kept
    counts = []
    for more, total in ((1, 1), (2, 3), (9, 12)):
        for _ in range(more):
            make_log(holder, unit)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert f"Stafettlogger: {total}" in response.content.decode()
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2], counts


def test_a_delete_page_names_what_the_administrator_may_not_delete_R_ROLE_02(
    client, municipality_admin, unit, holder
):
    """As Django's own page: each kind of object the deletion reaches that the administrator
    may not delete is named (here a membership, which holds the unit)."""
    group = municipality_admin.groups.get()
    group.permissions.remove(Permission.objects.get(codename="delete_membership"))
    client.force_login(municipality_admin)
    url = f"/admin/organisations/unit/{unit.pk}/delete/"

    assert "<li>medlemskap</li>" in client.get(url).content.decode()

    group.permissions.add(Permission.objects.get(codename="delete_membership"))
    page = client.get(url).content.decode()
    assert "<li>medlemskap</li>" not in page
    assert "Medlemskap: 1" in page  # the holder's membership still holds the unit
