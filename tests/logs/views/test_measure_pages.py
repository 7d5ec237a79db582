"""The log pages through the Django test client: a new measure: actors by search, and a new
actor (R-MEAS-01, R-MEET-03, manual §3.4.3); evaluation and deadline (R-MEAS-03, R-MEAS-04).

Each test names the requirement it proves. The services' own rules are in tests/logs/services/;
here the point is that the pages carry them to the person: the error next to the field,
nothing typed lost (R-GEN-04), the confirmation message, the 403 that says why.
"""

import re

from django.contrib.auth import get_user_model

from logs.enums import Level, MeasureStatus, Outcome
from logs.models import Evaluation
from logs.services import (
    evaluate_measure,
    set_level,
)
from organisations.enums import Role
from organisations.models import Membership
from tests.factories import (
    make_concern,
)
from tests.logs.views.helpers import (
    INVALID_CHOICE,
    INVALID_NATIONAL_ID,
    detail_url,
    evaluate_url,
    field_error,
    in_days,
    login,
    measure_data,
    measure_url,
    new_actor_data,
    page,
    reload,
    textarea,
)

# --- a new measure: actors by search, and a new actor (R-MEAS-01, R-MEET-03, manual §3.4.3) -


def test_the_new_measure_form_offers_to_register_a_new_actor_R_MEAS_01_R_MEET_03(
    client, holder, log
):
    concern = make_concern(log)
    login(client, holder)

    html = page(client.get(measure_url(concern)))

    assert 'name="new_actor-national_id"' in html
    assert "Registrer ny aktør" in html


def test_a_new_actor_typed_in_the_new_measure_form_is_registered_and_attached_R_MEAS_01_R_MEET_03(
    client, holder, log, actor, other_unit
):
    set_level(log, by=holder, level=Level.TWO)
    concern = make_concern(log)
    login(client, holder)

    response = client.post(
        measure_url(concern), measure_data(log, actors=[actor]) | new_actor_data(other_unit)
    )

    assert response.status_code == 302
    person = get_user_model().objects.get(email="nina.ny@example.no")
    assert Membership.objects.filter(user=person, unit=other_unit, role=Role.ACTOR).exists()
    measure = concern.measures.get(description="Lesegruppe")
    assert set(measure.actors.all()) == {actor, person}


def test_a_new_actor_in_the_new_measure_with_an_invalid_national_id_keeps_the_typing_R_GEN_04(
    client, holder, log, unit
):
    concern = make_concern(log)
    login(client, holder)
    data = measure_data(log, description="Min egen tekst") | new_actor_data(
        unit, **{"new_actor-national_id": INVALID_NATIONAL_ID}
    )

    response = client.post(measure_url(concern), data)

    html = page(response)
    assert response.status_code == 200
    assert "Ugyldig fødselsnummer" in field_error(html, "id_new_actor-national_id")
    assert textarea(html, "description") == "Min egen tekst"
    assert 'value="Nina"' in html
    assert not get_user_model().objects.filter(email="nina.ny@example.no").exists()
    assert concern.measures.count() == 1


def test_a_new_actor_of_another_unit_in_a_new_measure_at_level_1_is_rolled_back_R_LOG_03(
    client, holder, log, other_unit
):
    concern = make_concern(log)
    login(client, holder)

    response = client.post(measure_url(concern), measure_data(log) | new_actor_data(other_unit))

    assert response.status_code == 200
    assert "På nivå 1 kan bare aktører fra egen virksomhet velges." in field_error(
        page(response), "id_actors"
    )
    assert not get_user_model().objects.filter(email="nina.ny@example.no").exists()
    assert concern.measures.count() == 1


def test_the_search_button_in_the_new_measure_form_finds_and_saves_nothing_R_MEET_04_R_GEN_04(
    client, holder, log, actor_other_unit, actor_other_municipality
):
    concern = make_concern(log)
    login(client, holder)
    data = measure_data(log, description="Min egen tekst", deadline="") | {
        "actors_q": "ppt",
        "actor_search": "actors",
    }

    response = client.post(measure_url(concern), data)

    html = page(response)
    assert response.status_code == 200
    assert "Petra PPT (Testbarnehagen)" in html
    assert "Anne Fjern" not in html
    assert textarea(html, "description") == "Min egen tekst"
    assert not field_error(html, "id_deadline")
    assert concern.measures.count() == 1


def test_the_measure_edit_form_lists_the_measures_actors_ticked_and_searches_R_LOG_08(
    client, holder, log, actor, actor_other_unit
):
    measure = make_concern(log, actors=[actor]).measures.get()
    login(client, holder)
    url = f"/logger/tiltak/{measure.pk}/"

    shown = page(client.get(url))
    searched = page(
        client.post(
            url,
            measure_data(log, actors=[actor], version=str(measure.version))
            | {"actors_q": "petra", "actor_search": "actors"},
        )
    )

    assert re.search(rf'value="{actor.pk}"[^>]*checked', shown)
    assert "Petra PPT" not in shown
    assert re.search(rf'value="{actor.pk}"[^>]*checked', searched)
    assert "Petra PPT (Testbarnehagen)" in searched
    assert reload(measure).description == "Lesegruppe to ganger i uka"


# --- evaluation and deadline (R-MEAS-03, R-MEAS-04) -----------------------------------------


def test_some_effect_offers_a_measure_based_on_the_evaluated_one_R_MEAS_03(client, holder, log):
    concern = make_concern(log)
    measure = concern.measures.get()
    login(client, holder)

    response = client.post(
        evaluate_url(measure),
        {"outcome": Outcome.SOME_EFFECT, "text": "Litt bedre", "child_voice": "Gøy"},
    )

    next_url = f"/logger/tiltak/{measure.pk}/videre/"
    assert response.status_code == 302
    assert response["Location"] == next_url
    evaluation = Evaluation.objects.get(measure=measure)
    assert evaluation.outcome == Outcome.SOME_EFFECT
    assert evaluation.child_voice == "Gøy"

    offer = page(client.get(next_url))
    follow_up = f"/logger/oppmerksomheter/{concern.pk}/tiltak/ny/?basert_paa={measure.pk}"
    assert f'href="{follow_up}"' in offer

    form = page(client.get(follow_up))
    assert textarea(form, "description") == "Lesegruppe to ganger i uka"
    assert f'name="based_on" value="{measure.pk}"' in form

    response = client.post(
        follow_up,
        {
            "based_on": str(measure.pk),
            "category": str(measure.category_id),
            "description": "Lesegruppe tre ganger i uka",
            "deadline": in_days(60).isoformat(),
        },
    )

    assert response.status_code == 302
    new = concern.measures.exclude(pk=measure.pk).get()
    assert new.based_on == measure
    assert new.description == "Lesegruppe tre ganger i uka"


def test_desired_effect_goes_back_to_the_log_R_MEAS_03(client, holder, log):
    measure = make_concern(log).measures.get()
    login(client, holder)

    response = client.post(
        evaluate_url(measure), {"outcome": Outcome.DESIRED_EFFECT, "text": "Virket"}
    )

    assert response.status_code == 302
    assert response["Location"] == detail_url(log)


def test_a_measure_is_evaluated_only_once_through_the_page_R_MEAS_03(client, holder, log):
    measure = make_concern(log).measures.get()
    login(client, holder)
    client.post(evaluate_url(measure), {"outcome": Outcome.SOME_EFFECT, "text": "Første"})

    response = client.post(
        evaluate_url(measure), {"outcome": Outcome.NO_EFFECT, "text": "Andre gang"}, follow=True
    )

    assert response.status_code == 200
    assert "allerede evaluert" in page(response)
    assert 'name="outcome"' not in page(response)
    assert Evaluation.objects.filter(measure=measure).count() == 1
    assert Evaluation.objects.get(measure=measure).outcome == Outcome.SOME_EFFECT


def test_an_evaluated_measure_opens_as_evaluated_not_as_a_form_R_MEAS_03(client, holder, log):
    """Issue 7, item 13: the form used to open, and only its sending was refused."""
    measure = make_concern(log).measures.get()
    evaluate_measure(
        measure, by=holder, outcome=Outcome.SOME_EFFECT, text="Litt bedre", child_voice="Bra"
    )
    login(client, holder)

    response = client.get(evaluate_url(measure))

    html = page(response)
    assert response.status_code == 200
    assert "Tiltaket er evaluert" in html
    assert "Noe effekt" in html and "Litt bedre" in html and "Bra" in html
    assert 'name="outcome"' not in html
    assert "Lagre evaluering" not in html
    # Its own title, naming the measure and the child, like every page about a log.
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert measure.category.name in title and log.child.short_name in title


def test_the_deadline_page_of_an_evaluated_measure_shows_it_as_evaluated_R_MEAS_04(
    client, holder, log
):
    measure = make_concern(log, deadline=in_days(-3)).measures.get()
    evaluate_measure(measure, by=holder, outcome=Outcome.NO_EFFECT, text="Virket ikke")
    login(client, holder)
    url = f"/logger/tiltak/{measure.pk}/frist/"

    shown = client.get(url)
    sent = client.post(url, {"action": "passed", "text": "En gang til"}, follow=True)

    assert "Tiltaket er evaluert" in page(shown)
    assert 'name="action"' not in page(shown)
    assert "allerede evaluert" in page(sent)
    assert Evaluation.objects.get(measure=measure).outcome == Outcome.NO_EFFECT


def test_deadline_passed_is_not_a_choice_on_the_evaluation_page_R_MEAS_03(client, holder, log):
    measure = make_concern(log).measures.get()
    login(client, holder)

    response = client.post(
        evaluate_url(measure), {"outcome": Outcome.DEADLINE_PASSED, "text": "Snarvei"}
    )

    assert response.status_code == 200
    assert INVALID_CHOICE in field_error(page(response), "id_outcome")
    assert not Evaluation.objects.exists()


def test_an_overdue_measure_can_be_closed_as_deadline_passed_R_MEAS_04(client, holder, log):
    measure = make_concern(log, deadline=in_days(-3)).measures.get()
    login(client, holder)
    url = f"/logger/tiltak/{measure.pk}/frist/"
    assert "Avslutt uten effekt" in page(client.get(url))

    response = client.post(url, {"action": "passed", "text": "Ikke gjennomført"}, follow=True)

    assert "Fristen er passert" in page(response)
    assert reload(measure).status == MeasureStatus.EVALUATED
    assert Evaluation.objects.get(measure=measure).outcome == Outcome.DEADLINE_PASSED


def test_a_new_deadline_in_the_past_is_refused_next_to_the_field_R_MEAS_04(client, holder, log):
    measure = make_concern(log, deadline=in_days(-3)).measures.get()
    login(client, holder)
    url = f"/logger/tiltak/{measure.pk}/frist/"

    response = client.post(url, {"action": "extend", "deadline": in_days(-1).isoformat()})

    assert response.status_code == 200
    assert "tilbake i tid" in field_error(page(response), "id_deadline")
    assert reload(measure).deadline == in_days(-3)


def test_an_overdue_measure_can_be_given_a_new_deadline_R_MEAS_04(client, holder, log):
    measure = make_concern(log, deadline=in_days(-3)).measures.get()
    login(client, holder)

    response = client.post(
        f"/logger/tiltak/{measure.pk}/frist/",
        {"action": "extend", "deadline": in_days(14).isoformat()},
    )

    assert response.status_code == 302
    assert reload(measure).deadline == in_days(14)
    assert reload(measure).status == MeasureStatus.OPEN


def test_deadline_passed_on_a_measure_not_yet_due_is_refused_R_MEAS_04(client, holder, log):
    measure = make_concern(log).measures.get()
    login(client, holder)

    response = client.post(f"/logger/tiltak/{measure.pk}/frist/", {"action": "passed"})

    assert response.status_code == 200
    assert "Fristen for tiltaket er ikke passert." in page(response)
    assert not Evaluation.objects.exists()


def test_an_overdue_measure_is_marked_on_the_log_page_R_MEAS_02(client, holder, log):
    concern = make_concern(log, deadline=in_days(-1))
    login(client, holder)

    html = page(client.get(detail_url(log)))

    assert "concern--overdue" in html
    assert "Frist passert" in html
    assert f"/logger/tiltak/{concern.measures.get().pk}/frist/" in html
