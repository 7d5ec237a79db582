"""The hand-overs in the admin: the operators read them; a municipality administrator does
not see them; nobody changes one by hand (R-ARCH-01)."""

import pytest

from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("passive_log")]

LIST = "/admin/archive/archivehandover/"


def test_an_operator_reads_the_handovers_R_ARCH_01(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(LIST)
    assert response.status_code == 200
    assert "Venter" in response.content.decode()
    assert client.get(LIST + "add/").status_code == 403


def test_a_municipality_administrator_does_not_see_them_R_ARCH_01(client, municipality_admin):
    client.force_login(municipality_admin)
    assert client.get(LIST).status_code == 403
