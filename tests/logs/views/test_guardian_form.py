"""The guardian form's national ID number: entered by the holder, checked like the child's,
never sent back to the browser in full (R-LOG-04, R-SEC-02, R-SEC-03, R-GEN-04)."""

import pytest

from logs.models import Guardian
from tests.factories import guardian_data
from tests.logs.views.helpers import login

pytestmark = pytest.mark.django_db

NUMBER = "01019010046"


def _add(client, log, **changes):
    data = guardian_data(first_name="Ivar", email="") | changes
    return client.post(f"/logger/{log.pk}/foresatte/ny/", data)


def test_holder_adds_a_guardian_with_a_number_typed_as_printed_R_SEC_02(client, holder, log):
    login(client, holder)
    form = client.get(f"/logger/{log.pk}/foresatte/ny/").content.decode()
    assert 'name="national_id"' in form
    assert "ID-porten" in form
    response = _add(client, log, national_id="010190 10046")
    assert response.status_code == 302
    guardian = log.guardians.get(first_name="Ivar")
    assert guardian.national_id == NUMBER
    page = client.get(f"/logger/{log.pk}/").content.decode()
    assert NUMBER not in page and "10046" not in page


def test_the_number_is_optional_R_LOG_04(client, holder, log):
    login(client, holder)
    assert _add(client, log).status_code == 302
    assert log.guardians.get(first_name="Ivar").national_id == ""


def test_a_bad_number_is_shown_next_to_the_field_and_nothing_typed_is_lost_R_GEN_04(
    client, holder, log
):
    login(client, holder)
    response = _add(client, log, national_id="01019010047", last_name="Idsen")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ugyldig fødselsnummer. Sjekk at alle 11 sifrene er riktige." in html
    assert response.context["form"].errors["national_id"]
    assert 'value="01019010047"' in html
    assert 'value="Idsen"' in html
    assert not log.guardians.filter(first_name="Ivar").exists()


def test_the_edit_form_shows_the_number_masked_and_keeps_it_when_left_empty_R_SEC_03(
    client, holder, log
):
    guardian = log.guardians.get()
    Guardian.objects.filter(pk=guardian.pk).update(national_id=NUMBER)
    login(client, holder)
    url = f"/logger/foresatte/{guardian.pk}/"
    html = client.get(url).content.decode()
    assert NUMBER not in html
    assert "010190 *****" in html
    data = guardian_data(first_name="Gunnhild")
    data |= {k: getattr(guardian, k) for k in ("last_name", "phone", "email")}
    response = client.post(url, data | {"national_id": ""})
    assert response.status_code == 302
    guardian.refresh_from_db()
    assert (guardian.first_name, guardian.national_id) == ("Gunnhild", NUMBER)
    bad = client.post(url, data | {"national_id": "12345678901"})
    assert bad.status_code == 200
    assert "Ugyldig fødselsnummer" in bad.content.decode()
    assert NUMBER not in bad.content.decode()


def test_the_new_log_page_takes_a_guardians_number_too_R_SEC_02(client, holder, log):
    login(client, holder)
    html = client.get("/logger/ny/").content.decode()
    assert 'name="guardian-0-national_id"' in html
