"""A guardian the holder registered with their national ID number, and who has no login,
signs in through ID-porten (a real provider on the loopback address) and is the child's
guardian at once; the refusals when the number's records belong to another login
(R-SEC-02, R-SEC-03, R-SEC-08)."""

import json
import logging

import pytest

from accounts.models import User
from audit.models import AuditEvent
from logs.models import Guardian, Revision
from logs.services import add_guardian
from oidc.models import ProviderLink
from tests.factories import UserFactory, guardian_data, make_log
from tests.oidc.provider import log_in_at_provider

pytestmark = pytest.mark.django_db

START = "/oidc/idporten/logg-inn/"
CALLBACK = "/oidc/tilbake/"
NUMBER = "01019010046"


def _registered_guardian(log, holder, **changes) -> Guardian:
    data = guardian_data(first_name="Ivar", last_name="Idsen", email="", national_id=NUMBER)
    return add_guardian(log, by=holder, **(data | changes))


def _sign_in(client):
    return client.get(CALLBACK, log_in_at_provider(client.get(START)["Location"], NUMBER))


def test_guardian_registered_with_a_number_is_recognised_at_first_login_R_SEC_02(
    client, idporten, holder, unit, log, caplog
):
    caplog.set_level(logging.DEBUG)
    first = _registered_guardian(log, holder)
    second = _registered_guardian(make_log(holder, unit), holder)

    response = _sign_in(client)

    assert response.status_code == 302
    person = User.objects.get(national_id=NUMBER)
    assert int(client.session["_auth_user_id"]) == person.pk
    assert set(Guardian.objects.filter(national_id=NUMBER).values_list("user", flat=True)) == {
        person.pk
    }
    assert {first.pk, second.pk} <= set(person.guardianships.values_list("pk", flat=True))
    home = client.get("/")
    assert "Min side – Foresatt" in home.content.decode()
    child_page = client.get(f"/logger/{log.pk}/")
    assert child_page.status_code == 200
    assert AuditEvent.objects.get(action="auth.login", actor=person).data == {"method": "idporten"}
    # The number from the token: in no log line, URL, page, audit row or history row.
    seen = [response["Location"], home.content.decode(), child_page.content.decode()]
    seen.extend(record.getMessage() for record in caplog.records)
    seen.append(json.dumps(list(AuditEvent.objects.values_list("data", flat=True))))
    seen.append(json.dumps(list(Revision.objects.values_list("before", "after"))))
    seen.extend(ProviderLink.objects.values_list("subject", flat=True))
    for text in seen:
        assert NUMBER not in text

    # The next login finds the same account, makes no other.
    client.logout()
    users = User.objects.count()
    assert _sign_in(client).status_code == 302
    assert int(client.session["_auth_user_id"]) == person.pk
    assert User.objects.count() == users


def _refused(client) -> None:
    response = _sign_in(client)
    assert response.status_code == 403
    html = response.content.decode()
    assert "mer enn én konto" in html
    assert NUMBER not in html
    assert "_auth_user_id" not in client.session
    refused = AuditEvent.objects.filter(action="auth.oidc_refused").latest("pk")
    assert refused.data == {"method": "idporten", "reason": "conflict"}


def test_number_of_a_login_and_of_another_logins_guardian_is_refused_R_SEC_02(
    client, idporten, holder, unit, log
):
    UserFactory(national_id=NUMBER)
    linked = _registered_guardian(log, holder, email="ivar@example.no")
    unlinked = _registered_guardian(make_log(holder, unit), holder)
    before = set(Guardian.objects.values_list("pk", "user"))
    _refused(client)
    assert set(Guardian.objects.values_list("pk", "user")) == before
    assert Guardian.objects.get(pk=unlinked.pk).user is None
    assert Guardian.objects.get(pk=linked.pk).user.national_id is None
    assert not ProviderLink.objects.exists()


def test_records_of_two_logins_are_refused_and_no_account_made_R_SEC_02(
    client, idporten, holder, unit, log
):
    _registered_guardian(log, holder, email="a@example.no")
    _registered_guardian(make_log(holder, unit), holder, email="b@example.no")
    users = User.objects.count()
    _refused(client)
    assert User.objects.count() == users
    assert not User.objects.filter(national_id=NUMBER).exists()
