"""The statistics page, its charts and its CSV: who sees them, the filter, what they show
and what they never show (R-LEAD-03, R-LEAD-05, R-ROLE-03)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.enums import ACTIVE_ROLE_SESSION_KEY
from logs.enums import Outcome
from logs.services import close_concern, evaluate_measure
from organisations.enums import Role
from organisations.models import MeasureCategory
from tests.factories import (
    CONCERN_SENTINEL,
    VALID_NATIONAL_ID,
    MembershipFactory,
    UnitFactory,
    make_concern,
    make_log,
)

INDEX = reverse("stats:index")
CSV = reverse("stats:csv")
CHILD_SENTINEL = "Sentinelbarnet"


def _logs(holder, unit, count: int, *, start: int = 0, overdue: bool = False):
    logs = []
    for n in range(start, start + count):
        log = make_log(holder, unit, first_name=f"{CHILD_SENTINEL}{n}")
        deadline = timezone.localdate() - timedelta(days=3) if overdue else None
        make_concern(log, deadline=deadline, description=f"{CONCERN_SENTINEL} {n}")
        logs.append(log)
    return logs


@pytest.fixture
def signed_in_leader(client, leader):
    client.force_login(leader)
    return client


def test_the_leader_sees_the_statistics_of_their_unit_R_LEAD_03(signed_in_leader, holder, unit):
    _logs(holder, unit, 6)
    response = signed_in_leader.get(INDEX)
    assert response.status_code == 200
    tables = {
        t.spec.slug: t
        for s in response.context["sections"]
        for e in s["tables"]
        for t in [e["table"]]
    }
    logs = tables["logs-unit-status"]
    assert [row.label for row in logs.rows] == [unit.name]
    assert logs.totals.total.text == "6"
    assert tables["concerns-category"].totals.total.text == "6"


@pytest.mark.parametrize("persona", ["holder", "actor", "outsider"])
def test_anyone_but_a_leader_gets_a_404_R_ROLE_03(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    for url in (INDEX, CSV, reverse("stats:chart", args=["logs-month"])):
        assert client.get(url).status_code == 404


def test_a_leader_working_as_holder_gets_a_404_until_they_switch_R_ROLE_03(client, multi_role_user):
    client.force_login(multi_role_user)
    assert client.get(INDEX).status_code == 200
    session = client.session
    session[ACTIVE_ROLE_SESSION_KEY] = Role.HOLDER.value
    session.save()
    assert client.get(INDEX).status_code == 404


def test_the_municipality_administrator_sees_every_unit_and_the_total_R_LEAD_03(
    client, municipality_admin, holder, holder_other_unit, unit, other_unit
):
    _logs(holder, unit, 5)
    _logs(holder_other_unit, other_unit, 6, start=10)
    client.force_login(municipality_admin)
    response = client.get(INDEX)
    assert response.status_code == 200
    table = response.context["sections"][0]["tables"][0]["table"]
    assert {row.label: row.total.text for row in table.rows} == {
        unit.name: "5",
        other_unit.name: "6",
    }
    assert table.totals.total.text == "11"


def test_a_unit_outside_ones_reach_is_refused_next_to_the_field_R_LEAD_03(
    signed_in_leader, other_unit
):
    response = signed_in_leader.get(INDEX, {"virksomhet": other_unit.pk, "fra": "2025-01-01"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "virksomhet" in form.errors
    assert response.context["sections"] == []
    assert b'value="2025-01-01"' in response.content  # what was typed stays
    assert signed_in_leader.get(CSV, {"virksomhet": other_unit.pk}).status_code == 404
    chart = reverse("stats:chart", args=["logs-month"])
    assert signed_in_leader.get(chart, {"virksomhet": other_unit.pk}).status_code == 404


@pytest.mark.parametrize("value", ["abc", "99999999999999999999999", "-1", "1 OR 1=1"])
def test_a_unit_that_is_no_unit_is_a_message_never_a_500_R_LEAD_03(signed_in_leader, value):
    response = signed_in_leader.get(INDEX, {"virksomhet": value})
    assert response.status_code == 200
    assert "virksomhet" in response.context["form"].errors


def test_an_end_before_the_start_is_refused_next_to_the_end_R_LEAD_03(signed_in_leader):
    response = signed_in_leader.get(INDEX, {"fra": "2026-03-01", "til": "2026-02-01"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["til"] == ["Til-datoen kan ikke være før fra-datoen."]
    assert b'value="2026-03-01"' in response.content and b'value="2026-02-01"' in response.content
    assert signed_in_leader.get(CSV, {"fra": "2026-03-01", "til": "2026-02-01"}).status_code == 404


@pytest.mark.parametrize("fra", ["9999-12-31", "0001-01-01", "2026-13-01", "x"])
def test_an_impossible_date_is_a_message_never_a_500_R_LEAD_03(signed_in_leader, fra):
    response = signed_in_leader.get(INDEX, {"fra": fra})
    assert response.status_code == 200
    assert "fra" in response.context["form"].errors


def test_a_filtered_period_counts_only_what_it_holds_R_LEAD_03(signed_in_leader, holder, unit):
    _logs(holder, unit, 6)
    today = timezone.localdate()
    before = (today - timedelta(days=400)).isoformat()
    response = signed_in_leader.get(
        INDEX, {"fra": before, "til": (today - timedelta(days=300)).isoformat()}
    )
    table = response.context["sections"][0]["tables"][0]["table"]
    assert table.totals.total.text == "0"
    response = signed_in_leader.get(INDEX, {"fra": today.isoformat(), "til": today.isoformat()})
    table = response.context["sections"][0]["tables"][0]["table"]
    assert table.totals.total.text == "6"


def test_a_unit_with_3_overdue_measures_shows_less_than_5_everywhere_R_LEAD_03(
    signed_in_leader, holder, unit
):
    """Three overdue measures among 10: '<5' on the page and in the CSV, and no total or
    other cell lets anyone work the 3 out."""
    _logs(holder, unit, 3, overdue=True)
    _logs(holder, unit, 7, start=3)
    response = signed_in_leader.get(INDEX)
    tables = {
        e["table"].spec.slug: e["table"] for s in response.context["sections"] for e in s["tables"]
    }
    table = tables["measures-unit"]
    overdue = table.columns.index("Frist passert")
    (row,) = table.rows
    assert row.cells[overdue].text == "<5"
    assert table.totals.cells[overdue].text == "<5"
    shown = [c for c in (*row.cells, row.total) if c.value is not None]
    assert len(shown) < len(row.cells)  # the total or a second cell is hidden
    csv = signed_in_leader.get(CSV).content.decode("utf-8-sig")
    assert ";Frist passert;3" not in csv
    assert "Tiltak etter virksomhet og status;Testskolen;Frist passert;<5" in csv


def test_no_child_data_on_the_page_the_csv_or_a_chart_R_ROLE_03(
    signed_in_leader, holder, unit, actor
):
    logs = _logs(holder, unit, 8)
    measure = logs[0].concerns.get().measures.get()
    evaluate_measure(
        measure, by=holder, outcome=Outcome.DESIRED_EFFECT, text=f"{CONCERN_SENTINEL} ok"
    )
    close_concern(logs[0].concerns.get(), by=holder)
    pages = [signed_in_leader.get(INDEX), signed_in_leader.get(CSV)]
    pages += [
        signed_in_leader.get(reverse("stats:chart", args=[slug]))
        for slug in (
            "logs-month",
            "concerns-category",
            "measures-category",
            "measures-month",
            "evaluations-month",
            "what-works",
        )
    ]
    for response in pages:
        assert response.status_code == 200
        content = response.content.decode()
        for secret in (
            CHILD_SENTINEL,
            CONCERN_SENTINEL,
            VALID_NATIONAL_ID,
            "Lesegruppe",
            "Bedre språk",
            "Jeg vil lese mer",
            holder.last_name,
        ):
            assert secret not in content, (response.request["PATH_INFO"], secret)


def test_a_chart_is_an_svg_without_script_from_the_suppressed_numbers_R_LEAD_03(
    signed_in_leader, holder, unit
):
    _logs(holder, unit, 6)
    response = signed_in_leader.get(reverse("stats:chart", args=["logs-month"]))
    assert response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    assert svg.startswith("<svg") and "<script" not in svg
    assert (
        "'unsafe-inline'" in response["Content-Security-Policy"].split("style-src")[1].split(";")[0]
    )
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert (
        signed_in_leader.get(reverse("stats:chart", args=["logs-unit-status"])).status_code == 404
    )
    assert signed_in_leader.get(reverse("stats:chart", args=["nothing"])).status_code == 404


def test_the_csv_is_safe_to_open_in_a_spreadsheet_R_LEAD_03(
    signed_in_leader, holder, unit, municipality
):
    MeasureCategory.objects.create(
        municipality=municipality, name="=HYPERLINK(1)", name_nn="x", name_en="x"
    )
    response = signed_in_leader.get(CSV)
    assert response["Content-Disposition"].startswith('attachment; filename="statistikk-')
    text = response.content.decode("utf-8-sig")
    assert ";'=HYPERLINK(1);" in text
    assert ";=HYPERLINK" not in text


def test_category_names_are_in_the_chosen_language_R_GEN_01(signed_in_leader, holder, unit):
    _logs(holder, unit, 5)
    signed_in_leader.cookies["django_language"] = "en"
    response = signed_in_leader.get(INDEX, HTTP_ACCEPT_LANGUAGE="en")
    tables = {
        e["table"].spec.slug: e["table"] for s in response.context["sections"] for e in s["tables"]
    }
    labels = [row.label for row in tables["concerns-category"].rows]
    assert "Language and communication" in labels or any("anguage" in label for label in labels)


def test_a_leader_of_a_parent_unit_sees_the_units_below_R_LEAD_03(
    client, municipality, holder, unit
):
    top = UnitFactory(municipality=municipality, name="Bydel Nord")
    unit.parent = top
    unit.save()
    boss = MembershipFactory(unit=top, role=Role.LEADER).user
    _logs(holder, unit, 5)
    client.force_login(boss)
    response = client.get(INDEX, {"virksomhet": unit.pk})
    assert response.status_code == 200
    assert response.context["sections"][0]["tables"][0]["table"].totals.total.text == "5"
