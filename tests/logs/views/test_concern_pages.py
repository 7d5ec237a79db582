"""The log pages through the Django test client: a concern and its first measure (R-CONC-01,
R-LOG-03); a new actor inside the concern form (R-CONC-01, R-MEET-03).

Each test names the requirement it proves. The services' own rules are in tests/logs/services/;
here the point is that the pages carry them to the person: the error next to the field,
nothing typed lost (R-GEN-04), the confirmation message, the 403 that says why.
"""

import re

import pytest
from django.contrib.auth import get_user_model

from audit.models import AuditEvent
from logs.enums import Level
from logs.models import Concern, Measure
from logs.services import (
    set_level,
)
from organisations.enums import Role
from organisations.models import ConcernCategory, MeasureCategory, Membership
from tests.factories import (
    MunicipalityFactory,
    make_concern,
)
from tests.logs.views.helpers import (
    CONFLICT,
    INVALID_CHOICE,
    INVALID_NATIONAL_ID,
    concern_data,
    concern_url,
    detail_url,
    field_error,
    login,
    new_actor_data,
    page,
    reload,
    search_data,
    textarea,
)

# --- a concern and its first measure (R-CONC-01, R-LOG-03) ----------------------------------


def test_new_concern_page_creates_the_concern_and_its_first_measure_R_CONC_01(
    client, holder, log, actor
):
    login(client, holder)

    response = client.post(concern_url(log), concern_data(log, actors=[actor]), follow=True)

    concern = Concern.objects.get(log=log)
    measure = concern.measures.get()
    assert response.redirect_chain[-1][0] == detail_url(log)
    assert "Ny oppmerksomhet med tiltak er lagt til." in page(response)
    assert concern.description == "Trekker seg unna i friminuttene"
    assert list(measure.actors.all()) == [actor]


@pytest.mark.parametrize("bad", ["foreign", "999999", "abc"])
def test_a_concern_category_from_another_municipality_is_a_field_error_not_a_500_R_CONC_01(
    client, holder, log, bad
):
    """Bad input rule: ids in form fields are limited to the log's municipality."""
    login(client, holder)
    if bad == "foreign":
        bad = str(ConcernCategory.objects.create(municipality=MunicipalityFactory(), name="X").pk)

    response = client.post(concern_url(log), concern_data(log, category=bad))

    assert response.status_code == 200
    assert INVALID_CHOICE in field_error(page(response), "id_category")
    assert not Concern.objects.exists()
    assert not Measure.objects.exists()


def test_a_measure_category_from_another_municipality_is_a_field_error_R_CONC_01(
    client, holder, log
):
    login(client, holder)
    foreign = MeasureCategory.objects.create(municipality=MunicipalityFactory(), name="X")

    response = client.post(
        concern_url(log), concern_data(log, **{"measure-category": str(foreign.pk)})
    )

    assert response.status_code == 200
    assert INVALID_CHOICE in field_error(page(response), "id_measure-category")
    assert not Concern.objects.exists()


@pytest.mark.parametrize("bad", ["foreign", "999999", "abc"])
def test_a_measure_actor_from_another_municipality_is_a_field_error_not_a_500_R_CONC_01(
    client, holder, log, actor_other_municipality, bad
):
    """Bad input rule: an actor id from another municipality is not a choice at all."""
    login(client, holder)
    if bad == "foreign":
        bad = str(actor_other_municipality.pk)

    response = client.post(concern_url(log), concern_data(log, **{"measure-actors": [bad]}))

    assert response.status_code == 200
    html = page(response)
    error = field_error(html, "id_measure-actors")
    expected = (
        "Velg aktører fra søket." if bad == "abc" else "finnes ikke blant aktørene i kommunen"
    )
    assert expected in error
    assert "Anne Fjern" not in html
    assert not Concern.objects.exists()
    assert not Measure.objects.exists()


def test_the_actor_from_another_municipality_is_not_even_found_R_CONC_01(
    client, holder, log, actor_other_municipality, actor_other_unit
):
    login(client, holder)

    html = page(client.post(concern_url(log), search_data(log, "*")))

    assert "Petra PPT (Testbarnehagen)" in html
    assert "Anne Fjern" not in html


def test_the_concern_form_lists_only_chosen_actors_never_the_municipality_R_CONC_01(
    client, holder, log, actor, actor_other_unit
):
    """At a city's size the municipality has thousands of actors: none is listed unasked."""
    login(client, holder)

    html = page(client.get(concern_url(log)))

    assert "Anders Aktør" not in html
    assert "Petra PPT" not in html
    assert 'name="measure-actors_q"' in html


def test_the_search_button_in_the_concern_form_keeps_what_was_typed_R_GEN_04_R_MEET_04(
    client, holder, log, actor, actor_other_unit
):
    login(client, holder)
    data = search_data(log, "petra", actors=[actor], description="Min egen tekst", goal="") | {
        "new_actor-first_name": "Nina"
    }

    response = client.post(concern_url(log), data)

    html = page(response)
    assert response.status_code == 200
    assert textarea(html, "description") == "Min egen tekst"
    assert textarea(html, "measure-description") == "Samtaler med helsesykepleier"
    assert 'value="Nina"' in html
    assert re.search(rf'value="{actor.pk}"[^>]*checked', html)
    assert "Petra PPT (Testbarnehagen)" in html
    assert not re.search(rf'value="{actor_other_unit.pk}"[^>]*checked', html)
    assert not field_error(html, "id_goal")
    assert not field_error(html, "id_new_actor-last_name")
    assert not Concern.objects.exists()
    assert not get_user_model().objects.filter(first_name="Nina").exists()


def test_at_level_1_an_actor_from_another_unit_is_refused_next_to_the_actors_R_LOG_03_R_CONC_01(
    client, holder, log, actor_other_unit
):
    login(client, holder)
    data = concern_data(log, actors=[actor_other_unit], description="Min egen tekst om språket")

    response = client.post(concern_url(log), data)

    assert response.status_code == 200
    html = page(response)
    assert "På nivå 1 kan bare aktører fra egen virksomhet velges." in field_error(
        html, "id_measure-actors"
    )
    assert textarea(html, "description") == "Min egen tekst om språket"
    assert textarea(html, "measure-description") == "Samtaler med helsesykepleier"
    assert not Concern.objects.exists()

    # Raising the level on the log page lets the very same post through.
    client.post(f"/logger/{log.pk}/niva/", {"level": "2", "version": str(reload(log).version)})
    assert reload(log).level == Level.TWO

    response = client.post(concern_url(log), data)

    assert response.status_code == 302
    measure = Concern.objects.get(log=log).measures.get()
    assert list(measure.actors.all()) == [actor_other_unit]


def test_the_level_form_with_a_stale_version_changes_nothing_R_LOG_03_R_SEC_05(client, holder, log):
    login(client, holder)
    stale = log.version
    set_level(log, by=holder, level=Level.THREE)

    response = client.post(f"/logger/{log.pk}/niva/", {"level": "2", "version": str(stale)})

    assert response.status_code == 302
    assert reload(log).level == Level.THREE
    assert CONFLICT in page(client.get(detail_url(log)))


def test_a_refused_level_is_shown_next_to_the_choices_R_LOG_03_R_GEN_04(
    client, holder, log, actor_other_unit
):
    """R-GEN-04: the reason is next to the radio buttons, with the choice kept, not only in a
    message at the top of the log page."""
    set_level(log, by=holder, level=Level.TWO)
    make_concern(log, actors=[actor_other_unit])
    login(client, holder)

    response = client.post(
        f"/logger/{log.pk}/niva/", {"level": "1", "version": str(reload(log).version)}
    )

    assert response.status_code == 200
    html = page(response)
    assert "kan ikke settes til nivå 1" in field_error(html, "id_level")
    assert re.search(r'<fieldset[^>]*id="id_level"[^>]*aria-describedby="[^"]*id_level_error', html)
    assert re.search(r'<input[^>]*id="id_level_0"[^>]*checked', html)
    assert "<title>Feil: " in html
    assert reload(log).level == Level.TWO
    assert AuditEvent.objects.filter(action="log.viewed", log_id=log.pk).exists()


# --- a new actor inside the concern form (R-CONC-01, R-MEET-03) -----------------------------


def test_a_new_actor_typed_in_the_concern_form_is_registered_and_attached_R_CONC_01_R_MEET_03(
    client, holder, log, other_unit
):
    set_level(log, by=holder, level=Level.TWO)
    login(client, holder)

    response = client.post(concern_url(log), concern_data(log) | new_actor_data(other_unit))

    assert response.status_code == 302
    person = get_user_model().objects.get(email="nina.ny@example.no")
    assert person.get_full_name() == "Nina Ny"
    assert Membership.objects.filter(user=person, unit=other_unit, role=Role.ACTOR).exists()
    measure = Concern.objects.get(log=log).measures.get()
    assert list(measure.actors.all()) == [person]


def test_a_new_actor_is_attached_together_with_the_chosen_ones_R_CONC_01(
    client, holder, log, actor, unit
):
    login(client, holder)

    client.post(concern_url(log), concern_data(log, actors=[actor]) | new_actor_data(unit))

    measure = Concern.objects.get(log=log).measures.get()
    assert sorted(measure.actors.values_list("email", flat=True)) == sorted(
        [actor.email, "nina.ny@example.no"]
    )


def test_a_new_actor_with_an_invalid_national_id_is_a_field_error_and_creates_nothing_R_MEET_03(
    client, holder, log, other_unit
):
    set_level(log, by=holder, level=Level.TWO)
    login(client, holder)
    data = concern_data(log) | new_actor_data(
        other_unit, **{"new_actor-national_id": INVALID_NATIONAL_ID}
    )

    response = client.post(concern_url(log), data)

    assert response.status_code == 200
    html = page(response)
    assert "Ugyldig fødselsnummer" in field_error(html, "id_new_actor-national_id")
    assert 'value="Nina"' in html
    assert not get_user_model().objects.filter(email="nina.ny@example.no").exists()
    assert not Concern.objects.exists()


def test_a_new_actor_from_another_unit_at_level_1_is_refused_and_rolled_back_R_LOG_03_R_CONC_01(
    client, holder, log, other_unit
):
    """The actor is registered inside the refused transaction: nobody is left behind."""
    login(client, holder)
    users_before = get_user_model().objects.count()

    response = client.post(concern_url(log), concern_data(log) | new_actor_data(other_unit))

    assert response.status_code == 200
    assert "På nivå 1 kan bare aktører fra egen virksomhet velges." in field_error(
        page(response), "id_measure-actors"
    )
    assert not get_user_model().objects.filter(email="nina.ny@example.no").exists()
    assert get_user_model().objects.count() == users_before
    assert not Membership.objects.filter(unit=other_unit, role=Role.ACTOR).exists()
    assert not Concern.objects.exists()


def test_a_partly_typed_new_actor_asks_for_the_missing_fields_R_MEET_03_R_GEN_04(
    client, holder, log
):
    login(client, holder)
    data = concern_data(log) | {"new_actor-first_name": "Nina"}

    response = client.post(concern_url(log), data)

    assert response.status_code == 200
    html = page(response)
    for name in ("last_name", "email", "unit", "national_id"):
        assert "Feltet er påkrevet." in field_error(html, f"id_new_actor-{name}"), name
    assert not field_error(html, "id_new_actor-first_name")
    assert 'value="Nina"' in html
    assert not Concern.objects.exists()
    assert not get_user_model().objects.filter(first_name="Nina").exists()


def test_an_empty_new_actor_part_is_ignored_R_CONC_01(client, holder, log):
    login(client, holder)

    response = client.post(concern_url(log), concern_data(log))

    assert response.status_code == 302
    assert not Concern.objects.get().measures.get().actors.exists()
