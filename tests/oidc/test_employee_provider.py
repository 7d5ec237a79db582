"""The municipality's own identity provider for employees (a real provider standing in for
Entra ID): matching to the existing account, the unknown employee, the second factor from
`amr`, and the administrator who sets it up (R-SEC-08, R-SEC-07, R-LEAD-01)."""

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from oidc.models import EmployeeProvider, ProviderLink
from oidc.services import save_provider
from organisations.enums import Role
from tests.factories import (
    MembershipFactory,
    MunicipalityFactory,
    UnitFactory,
    UserFactory,
    totp_device,
)
from tests.oidc.provider import SECRET, log_in_at_provider

pytestmark = pytest.mark.django_db
CALLBACK = "/oidc/tilbake/"
EMAIL = "leder@nordby.kommune.no"


@pytest.fixture
def config(employee_server, municipality):
    return EmployeeProvider.objects.create(
        municipality=municipality,
        name="Ansatt i Testkommune",
        issuer=employee_server.issuer,
        client_id="stafett-basic",
        client_secret=SECRET,
        claim="email",
    )


@pytest.fixture
def employee(unit):
    person = UserFactory(email=EMAIL)
    MembershipFactory(user=person, unit=unit, role=Role.LEADER)
    return person


def _start(client, config):
    response = client.get(f"/oidc/employee-{config.pk}/logg-inn/")
    assert response.status_code == 302
    return response["Location"]


def test_login_page_offers_the_municipalitys_provider(client, config, settings):
    settings.STAFETT_IDPORTEN_ISSUER = "https://idporten.test"
    html = client.get("/konto/logg-inn/").content.decode()
    assert html.index("Logg inn med ID-porten") < html.index("Ansatt i Testkommune")
    assert html.index("Ansatt i Testkommune") < html.index('name="password"')


def test_employee_with_mfa_signs_in_without_totp_R_SEC_08(client, config, employee, settings):
    settings.STAFETT_REQUIRE_2FA = True
    totp_device(employee)
    answer = log_in_at_provider(_start(client, config), EMAIL, acr="mfa")
    response = client.get(CALLBACK, answer)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert int(client.session["_auth_user_id"]) == employee.pk
    assert client.get("/").status_code == 200  # verified: not sent to the TOTP page
    assert AuditEvent.objects.get(action="auth.login").data == {"method": "employee_idp"}
    link = ProviderLink.objects.get(user=employee)
    assert link.subject == "entra-oid-leder"


def test_employee_without_mfa_is_asked_for_totp_R_SEC_08(client, config, employee, settings):
    settings.STAFETT_REQUIRE_2FA = True
    totp_device(employee)
    answer = log_in_at_provider(_start(client, config), EMAIL, acr="pwd")
    response = client.get(CALLBACK, answer)
    assert response["Location"] == "/konto/logg-inn/kode/"
    assert "_auth_user_id" not in client.session


def test_employee_without_mfa_nor_device_must_enrol_R_SEC_08(client, config, employee, settings):
    settings.STAFETT_REQUIRE_2FA = True
    client.get(CALLBACK, log_in_at_provider(_start(client, config), EMAIL, acr="pwd"))
    assert int(client.session["_auth_user_id"]) == employee.pk
    assert client.get("/")["Location"] == "/konto/tofaktor/"


def test_unknown_employee_gets_a_page_saying_their_leader_must_add_them(client, config):
    answer = log_in_at_provider(_start(client, config), "ukjent@nordby.kommune.no")
    response = client.get(CALLBACK, answer)
    assert response.status_code == 403
    assert "Lederen din må legge deg til" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_account_of_another_municipality_is_not_matched_R_SEC_08(client, config):
    elsewhere = UserFactory(email=EMAIL)
    MembershipFactory(user=elsewhere, unit=UnitFactory(), role=Role.HOLDER)
    response = client.get(CALLBACK, log_in_at_provider(_start(client, config), EMAIL))
    assert response.status_code == 403
    assert not ProviderLink.objects.exists()


def test_two_accounts_for_one_answer_are_refused_and_nothing_linked_R_SEC_08(
    client, config, employee, unit
):
    twin = UserFactory(email=EMAIL.upper())
    MembershipFactory(user=twin, unit=unit, role=Role.HOLDER)
    response = client.get(CALLBACK, log_in_at_provider(_start(client, config), EMAIL))
    assert response.status_code == 403
    assert "mer enn én konto" in response.content.decode()
    assert not ProviderLink.objects.exists()
    assert "_auth_user_id" not in client.session


def test_later_logins_go_by_the_stable_subject(client, config, employee):
    client.get(CALLBACK, log_in_at_provider(_start(client, config), EMAIL))
    client.logout()
    employee.email = "nytt.navn@nordby.kommune.no"
    employee.save()
    response = client.get(CALLBACK, log_in_at_provider(_start(client, config), EMAIL))
    assert int(client.session["_auth_user_id"]) == employee.pk, response


def test_subject_matching_needs_a_link(client, config, employee):
    config.match_on = "subject"
    config.save()
    response = client.get(CALLBACK, log_in_at_provider(_start(client, config), EMAIL))
    assert response.status_code == 403


def test_disabled_provider_is_gone(client, config):
    config.enabled = False
    config.save()
    assert client.get(f"/oidc/employee-{config.pk}/logg-inn/").status_code == 404
    assert "Ansatt i Testkommune" not in client.get("/konto/logg-inn/").content.decode()


def test_administrator_sets_only_their_own_municipalitys_provider_R_SEC_07(municipality):
    administrator = UserFactory()
    municipality.administrators.add(administrator)
    mine = EmployeeProvider(
        municipality=municipality, name="Ansatt", issuer="https://login.test", client_id="x"
    )
    save_provider(mine, by=administrator, created=True)
    assert AuditEvent.objects.get(action="employee_provider.created").actor_id == administrator.pk
    theirs = EmployeeProvider(
        municipality=MunicipalityFactory(), name="B", issuer="https://b.test", client_id="y"
    )
    with pytest.raises(PermissionDenied):
        save_provider(theirs, by=administrator, created=True)
    mine.municipality = theirs.municipality
    with pytest.raises(PermissionDenied):
        save_provider(mine, by=administrator, created=False)
