"""The login page asks the database as often with one municipality's provider as with three
or many (architecture, rule 10): the buttons are one query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oidc.models import EmployeeProvider
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def _add(start, stop):
    for n in range(start, stop):
        EmployeeProvider.objects.create(
            municipality=MunicipalityFactory(),
            name=f"Ansatt i kommune {n}",
            issuer=f"https://login{n}.test",
            client_id="x",
        )


def _queries(client):
    with CaptureQueriesContext(connection) as context:
        response = client.get("/konto/logg-inn/")
    assert response.status_code == 200
    return len(context.captured_queries)


def test_login_page_counts_the_same_with_1_3_and_many_providers_R_SEC_08(client, settings):
    settings.STAFETT_IDPORTEN_ISSUER = "https://idporten.test"
    _add(0, 1)
    one = _queries(client)
    _add(1, 3)
    three = _queries(client)
    _add(3, 20)
    many = _queries(client)
    assert one == three == many
    assert "Ansatt i kommune 19" in client.get("/konto/logg-inn/").content.decode()
