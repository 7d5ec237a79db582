"""The holder's day in the browser (issue 3): create a log with two guardians and a consent,
a concern with an actor from another unit (refused at level 1, accepted at level 2),
evaluate *some effect* and follow up, close the concern, set the log passive."""

from datetime import timedelta

import pytest
from django.utils import timezone

from logs.enums import LogStatus
from logs.models import Log
from tests.browser.conftest import check_axe, choose_actor, log_in
from tests.factories import PASSWORD, VALID_NATIONAL_ID, make_pdf

pytestmark = pytest.mark.browser


def _in_days(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _fill_concern(page, actor_name: str):
    page.get_by_label("Beskriv oppmerksomheten").fill("Sara trekker seg unna i friminuttene.")
    page.get_by_label("Kategori", exact=True).select_option(label="Sosial fungering og vennskap")
    page.get_by_label("Beskriv målet").fill("Sara har noen å være sammen med.")
    page.get_by_label("Barnets stemme").fill("Jeg vil ha en venn.")
    page.get_by_label("Tiltakskategori").select_option(label="Samtale med barnet")
    page.get_by_label("Beskriv tiltaket").fill("Samtalegruppe hver uke.")
    page.get_by_label("Tiltaksfrist").fill(_in_days(14))
    choose_actor(page, actor_name, f"{actor_name} (Testbarnehagen)", picker="#id_measure-actors")


def test_holder_journey_from_new_log_to_passive_R_LOG_01_R_CONC_01_R_MEAS_03_R_LOG_06(
    page, holder, actor_other_unit, municipality, tmp_path
):
    from organisations.services import DEFAULT_CONCERN_CATEGORIES, DEFAULT_MEASURE_CATEGORIES
    from tests.factories import concern_category, measure_category

    for name in DEFAULT_CONCERN_CATEGORIES:
        concern_category(municipality, name)
    for name in DEFAULT_MEASURE_CATEGORIES:
        measure_category(municipality, name)
    consent_pdf = tmp_path / "samtykke.pdf"
    consent_pdf.write_bytes(make_pdf())

    log_in(page, holder.email, PASSWORD)
    page.goto("/logger/")
    check_axe(page)
    page.get_by_role("link", name="Nytt stafettbarn").click()
    check_axe(page)

    # R-LOG-01: child, two guardians, consent, level → «Lagre og åpne logg».
    page.locator("#id_child-first_name").fill("Sara")
    page.locator("#id_child-last_name").fill("Stafett")
    page.locator("#id_child-national_id").fill("12345678901")  # invalid first
    page.locator("#id_child-address").fill("Skoleveien 1")
    page.locator("#id_child-postcode").fill("0150")
    page.locator("#id_child-place").fill("Oslo")
    for index, first in enumerate(["Gunn", "Geir"]):
        if index:
            page.get_by_text("Legg til foresatt 2").click()
        page.locator(f"#id_guardian-{index}-first_name").fill(first)
        page.locator(f"#id_guardian-{index}-last_name").fill("Stafett")
        page.locator(f"#id_guardian-{index}-phone").fill("912 34 567")
        page.locator(f"#id_guardian-{index}-address").fill("Skoleveien 1")
        page.locator(f"#id_guardian-{index}-postcode").fill("0150")
        page.locator(f"#id_guardian-{index}-place").fill("Oslo")
    page.get_by_role("button", name="Lagre og åpne logg").click()
    # R-SEC-03, R-GEN-04: the invalid number is refused next to the field, nothing else lost.
    assert page.locator("#id_child-national_id_error").is_visible()
    assert page.locator("#id_guardian-1-first_name").input_value() == "Geir"
    check_axe(page)
    page.locator("#id_child-national_id").fill(VALID_NATIONAL_ID)
    page.locator("#id_consent-file").set_input_files(str(consent_pdf))
    page.locator("#id_consent-valid_until").fill(_in_days(365))
    page.get_by_role("button", name="Lagre og åpne logg").click()

    page.get_by_text("Stafettloggen er opprettet.").wait_for()
    check_axe(page)
    log = Log.objects.get(child__first_name="Sara")
    assert log.guardians.count() == 2
    assert log.consents.count() == 1
    assert VALID_NATIONAL_ID not in page.content()  # masked (R-SEC-03)
    assert "151086 *****" in page.content()

    # R-LOG-03: an actor from another unit is refused at level 1 …
    page.get_by_role("link", name="Ny oppmerksomhet").click()
    check_axe(page)
    _fill_concern(page, actor_other_unit.get_full_name())
    page.get_by_role("button", name="Lagre").click()
    page.get_by_text("På nivå 1 kan bare aktører fra egen virksomhet velges").first.wait_for()
    assert page.get_by_label("Beskriv oppmerksomheten").input_value().startswith("Sara trekker")
    check_axe(page)

    # R-GEN-05: leaving with unsaved changes asks first; «Bli på siden» keeps the text.
    page.get_by_role("link", name="Avbryt").click()
    dialog = page.locator("[data-leave-dialog]")
    dialog.wait_for(state="visible")
    dialog.get_by_role("button", name="Bli på siden").click()
    assert page.get_by_label("Beskriv oppmerksomheten").input_value().startswith("Sara trekker")
    page.get_by_role("link", name="Avbryt").click()
    dialog.get_by_role("button", name="Forlat siden").click()
    page.wait_for_url(f"**/logger/{log.pk}/")

    # … and accepted after raising the level to 2.
    page.get_by_label("Nivå 2 – trenger hjelp fra andre").check()
    page.get_by_role("button", name="Endre nivå").click()
    page.get_by_text("Vurderingsnivået er endret.").wait_for()
    page.get_by_role("link", name="Ny oppmerksomhet").click()
    _fill_concern(page, actor_other_unit.get_full_name())
    page.get_by_role("button", name="Lagre").click()
    page.get_by_text("Ny oppmerksomhet med tiltak er lagt til.").wait_for()
    assert actor_other_unit.get_full_name() in page.content()

    # R-MEAS-03: evaluate «some effect», then the follow-up measure, prefilled and linked.
    page.get_by_role("link", name="Evaluer").first.click()
    check_axe(page)
    page.get_by_label("Noe effekt").check()
    page.get_by_label("Evaluering").fill("Litt bedre, men fortsatt alene ofte.")
    page.get_by_label("Barnets stemme").fill("Det hjelper litt.")
    page.get_by_role("button", name="Lagre evaluering").click()
    check_axe(page)
    page.get_by_role("link", name="Nytt tiltak basert på dette").click()
    check_axe(page)
    assert page.get_by_label("Beskriv tiltaket").input_value() == "Samtalegruppe hver uke."
    page.get_by_label("Beskriv tiltaket").fill("Samtalegruppe og fast friminuttsvenn.")
    page.get_by_label("Tiltaksfrist").fill(_in_days(30))
    page.get_by_role("button", name="Lagre").click()
    page.get_by_text("Nytt tiltak er lagt til.").wait_for()
    first, follow_up = log.concerns.get().measures.order_by("pk")
    assert follow_up.based_on == first

    page.get_by_role("link", name="Evaluer").first.click()
    page.get_by_label("Ønsket effekt").check()
    page.get_by_label("Evaluering").fill("Sara har en venn nå.")
    page.get_by_role("button", name="Lagre evaluering").click()
    page.get_by_text("Tiltaket er evaluert.").wait_for()

    # R-CONC-02 and R-LOG-06: close the concern, then passive with two confirmations.
    page.get_by_role("button", name="Avslutt oppmerksomhet").click()
    page.get_by_text("Oppmerksomheten er avsluttet.").wait_for()
    page.get_by_role("link", name="Sett passiv …").click()
    check_axe(page)
    page.get_by_role("button", name="Sett loggen passiv").click()
    page.get_by_text("Bekreft for å sette loggen passiv.", exact=True).wait_for()
    page.get_by_label("Jeg forstår at en passiv logg aldri kan åpnes igjen").check()
    page.get_by_role("button", name="Sett loggen passiv").click()
    page.get_by_text("Loggen er satt passiv.").wait_for()
    check_axe(page)
    log.refresh_from_db()
    assert log.status == LogStatus.PASSIVE
    assert page.get_by_role("link", name="Ny oppmerksomhet").count() == 0
