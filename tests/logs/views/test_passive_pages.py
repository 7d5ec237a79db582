"""The log pages through the Django test client: close a concern, set the log passive
(R-CONC-02, R-LOG-06).

Each test names the requirement it proves. The services' own rules are in tests/logs/services/;
here the point is that the pages carry them to the person: the error next to the field,
nothing typed lost (R-GEN-04), the confirmation message, the 403 that says why.
"""

from logs.enums import ConcernStatus, LogStatus, Outcome
from logs.services import (
    evaluate_measure,
)
from tests.factories import (
    make_concern,
)
from tests.logs.views.helpers import (
    detail_url,
    field_error,
    finish,
    login,
    page,
    passive_url,
    reload,
)

# --- close a concern, set the log passive (R-CONC-02, R-LOG-06) -----------------------------


def test_closing_a_concern_with_an_open_measure_is_refused_R_CONC_02(client, holder, log):
    concern = make_concern(log)
    login(client, holder)

    response = client.post(f"/logger/oppmerksomheter/{concern.pk}/avslutt/", follow=True)

    assert "Alle tiltak må være evaluert før oppmerksomheten kan avsluttes." in page(response)
    assert reload(concern).status == ConcernStatus.OPEN


def test_closing_a_concern_with_every_measure_evaluated_closes_it_R_CONC_02(client, holder, log):
    concern = make_concern(log)
    evaluate_measure(concern.measures.get(), by=holder, outcome=Outcome.DESIRED_EFFECT, text="Ok")
    login(client, holder)

    response = client.post(f"/logger/oppmerksomheter/{concern.pk}/avslutt/", follow=True)

    assert "Oppmerksomheten er avsluttet." in page(response)
    assert reload(concern).status == ConcernStatus.CLOSED


def test_set_passive_without_the_checkbox_is_refused_R_LOG_06(client, holder, log):
    login(client, holder)

    response = client.post(passive_url(log), {})

    assert response.status_code == 200
    assert "Bekreft for å sette loggen passiv." in field_error(page(response), "id_confirm")
    assert reload(log).status == LogStatus.ACTIVE


def test_set_passive_with_an_open_concern_is_refused_R_LOG_06(client, holder, log):
    make_concern(log)
    login(client, holder)
    assert "Loggen har 1 åpen oppmerksomhet" in page(client.get(passive_url(log)))

    response = client.post(passive_url(log), {"confirm": "on"})

    assert response.status_code == 200
    assert "Alle oppmerksomheter må være avsluttet" in page(response)
    assert reload(log).status == LogStatus.ACTIVE


def test_a_passive_log_answers_403_with_the_reason_on_every_edit_page_R_LOG_06(client, holder, log):
    concern = make_concern(log)
    finish(concern, holder)
    login(client, holder)

    response = client.post(passive_url(log), {"confirm": "on"}, follow=True)

    assert "Loggen er satt passiv." in page(response)
    assert reload(log).status == LogStatus.PASSIVE
    measure = concern.measures.get()
    guardian = log.guardians.get()
    edit_pages = [
        ("get", f"/logger/{log.pk}/oppmerksomheter/ny/"),
        ("post", f"/logger/{log.pk}/oppmerksomheter/ny/"),
        ("get", f"/logger/{log.pk}/barn/"),
        ("post", f"/logger/{log.pk}/barn/"),
        ("get", f"/logger/{log.pk}/lysglimt/ny/"),
        ("post", f"/logger/{log.pk}/lysglimt/ny/"),
        ("get", f"/logger/{log.pk}/samtykke/"),
        ("post", f"/logger/{log.pk}/samtykke/"),
        ("post", f"/logger/{log.pk}/niva/"),
        ("get", f"/logger/{log.pk}/foresatte/ny/"),
        ("get", f"/logger/foresatte/{guardian.pk}/"),
        ("post", f"/logger/foresatte/{guardian.pk}/fjern/"),
        ("get", passive_url(log)),
        ("get", f"/logger/oppmerksomheter/{concern.pk}/tiltak/ny/"),
        ("post", f"/logger/oppmerksomheter/{concern.pk}/avslutt/"),
        ("get", f"/logger/tiltak/{measure.pk}/evaluer/"),
        ("get", f"/logger/tiltak/{measure.pk}/frist/"),
    ]
    for method, url in edit_pages:
        response = getattr(client, method)(url)
        assert response.status_code == 403, (method, url, response.status_code)
        assert "Loggen er passiv" in page(response), (method, url)
    assert reload(log).status == LogStatus.PASSIVE


def test_a_passive_log_page_offers_no_editing_R_LOG_06(client, holder, log):
    finish(make_concern(log), holder)
    login(client, holder)
    client.post(passive_url(log), {"confirm": "on"})

    html = page(client.get(detail_url(log)))

    assert "Loggen er passiv og kan ikke endres." in html
    assert f"/logger/{log.pk}/oppmerksomheter/ny/" not in html
    assert f"/logger/{log.pk}/barn/" not in html
    assert f"/logger/{log.pk}/lysglimt/ny/" not in html
