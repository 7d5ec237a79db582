"""The municipality administrator sets their municipality's identity provider in the admin,
and only theirs; the secret is written, never shown back (R-SEC-08, R-SEC-07)."""

import pytest

from audit.models import AuditEvent
from oidc.models import EmployeeProvider
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db
ADD = "/admin/oidc/employeeprovider/add/"


def _data(municipality, **changes):
    data = {
        "municipality": municipality.pk,
        "name": "Ansatt i Testkommune",
        "issuer": "https://login.test/tenant/v2.0",
        "client_id": "stafett",
        "auth_method": "client_secret_basic",
        "client_secret": "s3cret-value-1234",
        "private_key": "",
        "claim": "email",
        "match_on": "email",
        "scope": "openid profile email",
        "enabled": "on",
    }
    data.update(changes)
    return data


def test_administrator_adds_their_provider_and_the_secret_is_not_shown_again(
    client, municipality, municipality_admin
):
    client.force_login(municipality_admin)
    response = client.post(ADD, _data(municipality))
    assert response.status_code == 302, response.content.decode()[:2000]
    config = EmployeeProvider.objects.get()
    assert config.client_secret == "s3cret-value-1234"
    assert AuditEvent.objects.filter(action="employee_provider.created").exists()
    page = client.get(f"/admin/oidc/employeeprovider/{config.pk}/change/").content.decode()
    assert "s3cret-value-1234" not in page
    # Saved again with the field left empty, the stored secret stays.
    client.post(
        f"/admin/oidc/employeeprovider/{config.pk}/change/", _data(municipality, client_secret="")
    )
    config.refresh_from_db()
    assert config.client_secret == "s3cret-value-1234"


def test_another_municipality_is_out_of_reach_R_SEC_07(client, municipality_admin):
    other = MunicipalityFactory()
    theirs = EmployeeProvider.objects.create(
        municipality=other, name="B", issuer="https://b.test", client_id="b"
    )
    client.force_login(municipality_admin)
    response = client.post(ADD, _data(other))
    assert response.status_code == 200  # the choice is not offered: an error on the field
    assert not EmployeeProvider.objects.filter(name="Ansatt i Testkommune").exists()
    changelist = client.get("/admin/oidc/employeeprovider/").content.decode()
    assert "https://b.test" not in changelist
    assert client.get(f"/admin/oidc/employeeprovider/{theirs.pk}/change/").status_code in (
        302,
        403,
        404,
    )
