"""The statistics' own rows follow every save, and the monthly tallies add up to what the
facts say (R-LEAD-03; the performance of a city's statistics)."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from logs.enums import Outcome
from logs.services import (
    accept_transfer,
    close_concern,
    evaluate_measure,
    set_level,
    set_log_passive,
    transfer_log,
)
from organisations.models import Unit
from stats import queries
from stats.models import Fact, Tally
from stats.queries import default_period
from stats.services import rebuild
from stats.tables import statistics
from tests.factories import make_concern, make_log


def _snapshot():
    facts = sorted(
        Fact.objects.values_list(
            "kind", "object_id", "unit_id", "day", "category_id", "status", "level", "outcome"
        )
    )
    tallies = sorted(
        Tally.objects.exclude(n=0).values_list(
            "grain",
            "kind",
            "municipality_id",
            "unit_id",
            "month",
            "category_id",
            "status",
            "level",
            "outcome",
            "n",
        )
    )
    return facts, tallies


def _busy_unit(holder, unit, actor, holder_other_unit, other_unit):
    logs = [make_log(holder, unit, first_name=f"Barn{n}") for n in range(4)]
    for log in logs:
        make_concern(log, actors=[actor])
    set_level(logs[0], by=holder, level=2)
    set_level(logs[2], by=holder, level=3)
    measure = logs[1].concerns.get().measures.get()
    evaluate_measure(measure, by=holder, outcome=Outcome.SOME_EFFECT, text="Bra")
    close_concern(logs[1].concerns.get(), by=holder)
    set_log_passive(logs[1], by=holder, confirmed=True)
    transfer = transfer_log(
        logs[2],
        by=holder,
        to_user=holder_other_unit,
        to_unit=other_unit,
        reason="Flytter",
        consent_confirmed=True,
    )
    accept_transfer(transfer, by=holder_other_unit)
    make_concern(logs[3], deadline=timezone.localdate() - timedelta(days=1))
    return logs


def test_every_save_keeps_facts_and_tallies_as_a_rebuild_makes_them_R_LEAD_03(
    holder, unit, actor, holder_other_unit, other_unit
):
    _busy_unit(holder, unit, actor, holder_other_unit, other_unit)
    kept = _snapshot()
    assert Fact.objects.filter(kind="log").count() == 4
    moved = Fact.objects.filter(log__child__first_name="Barn2")
    assert set(moved.values_list("unit_id", flat=True)) == {other_unit.pk}
    rebuild()
    assert _snapshot() == kept


def test_the_tallies_answer_as_the_facts_do_R_LEAD_03(
    monkeypatch, holder, unit, actor, holder_other_unit, other_unit, municipality
):
    """A whole municipality over whole months is added up from the tallies; the same
    numbers as from the facts."""
    _busy_unit(holder, unit, actor, holder_other_unit, other_unit)
    units = list(Unit.objects.filter(municipality=municipality).order_by("name"))
    today = timezone.localdate()
    period = default_period(today)

    def texts():
        return [
            [c.text for row in (*t.rows, t.totals) for c in (*row.cells, row.total)]
            for t in statistics(units, period, today=today)
        ]

    from_tallies = texts()
    monkeypatch.setattr(queries, "_is_whole_months", lambda period, today: False)
    assert texts() == from_tallies
    assert any(text != "0" for table in from_tallies for text in table)


def test_a_save_costs_the_same_queries_whatever_the_unit_holds_R_LEAD_03(holder, unit):
    """Keeping the statistics costs a save a fixed few queries (read the fact, write it,
    move the tallies), with 1, 3 or 12 logs in the unit."""
    counts = []
    for total in (1, 3, 12):
        while Fact.objects.filter(kind="log").count() < total:
            make_concern(make_log(holder, unit))
        log = make_log(holder, unit)
        with CaptureQueriesContext(connection) as context:
            make_concern(log)
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1] == counts[2]
