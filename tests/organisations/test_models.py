"""Category names in bokmål, nynorsk and English (issue 7 item 17; R-GEN-06 is the issue's
accessibility requirement: a page in English speaks English)."""

import pytest
from django.utils import translation

from organisations.models import ConcernCategory, MeasureCategory
from organisations.services import (
    DEFAULT_CONCERN_CATEGORIES,
    DEFAULT_MEASURE_CATEGORIES,
    create_municipality,
)
from tests.factories import concern_category, make_concern, measure_category
from tests.meetings.conftest import make_meeting


@pytest.mark.parametrize(
    ("language", "expected"), [("nb", "Atferd"), ("nn", "Åtferd"), ("en", "Behaviour")]
)
def test_a_category_is_named_in_the_active_language_R_GEN_06(municipality, language, expected):
    category = concern_category(municipality, "Atferd")

    with translation.override(language):
        assert str(category) == category.display_name == expected


def test_a_category_without_a_translation_is_named_in_bokmal_R_GEN_06(municipality):
    category = MeasureCategory.objects.create(municipality=municipality, name="Lokalt tiltak")

    with translation.override("en"):
        assert str(category) == "Lokalt tiltak"


def test_a_new_municipalitys_categories_are_named_in_nb_nn_and_en_R_ROLE_02_R_GEN_06(db):
    municipality, _admin = create_municipality(
        name="Ny",
        org_number="123456784",
        admin_email="a@ny.no",
        admin_first_name="A",
        admin_last_name="B",
    )

    for model, defaults in (
        (ConcernCategory, DEFAULT_CONCERN_CATEGORIES),
        (MeasureCategory, DEFAULT_MEASURE_CATEGORIES),
    ):
        rows = model.objects.filter(municipality=municipality)
        assert [c.name for c in rows] == defaults
        assert all(c.name_nn and c.name_en for c in rows)
    with translation.override("en"):
        assert ConcernCategory.objects.filter(municipality=municipality)[0].display_name == (
            "Language and communication"
        )


@pytest.mark.parametrize(
    ("language", "concern", "measure"),
    [("nn", "Åtferd", "Rettleiing"), ("en", "Behaviour", "Guidance")],
)
def test_every_page_shows_categories_in_the_readers_language_R_GEN_06(
    client, holder, log, language, concern, measure
):
    municipality = log.unit.municipality
    shown = make_concern(log)
    shown.category = concern_category(municipality, "Atferd")
    shown.save(update_fields=["category"])
    first = shown.measures.get()
    first.category = measure_category(municipality, "Veiledning")
    first.save(update_fields=["category"])
    meeting = make_meeting(log, concerns=[shown])
    client.force_login(holder)
    client.cookies["django_language"] = language

    pages = {
        "log": f"/logger/{log.pk}/",
        "new concern (choices)": f"/logger/{log.pk}/oppmerksomheter/ny/",
        "new measure": f"/logger/oppmerksomheter/{shown.pk}/tiltak/ny/",
        "evaluate": f"/logger/tiltak/{first.pk}/evaluer/",
        "deadline": f"/logger/tiltak/{first.pk}/frist/",
        "meeting": f"/moter/{meeting.pk}/",
        "meeting form (concern choices)": f"/moter/{meeting.pk}/endre/",
    }
    wrong = {}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        html = response.content.decode()
        if concern not in html and measure not in html:
            wrong[name] = "no translated name"
        elif ">Atferd<" in html or ">Veiledning<" in html or "Atferd –" in html:
            wrong[name] = "bokmål name"
    assert wrong == {}
