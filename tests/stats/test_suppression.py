"""Small counts are hidden, and so is any count that would give one away (R-LEAD-03)."""

import random

from stats.queries import EVALUATED, MEASURES, ON_TIME, OVERDUE, STATE, UNIT, Counts
from stats.suppression import Key, Line, key, suppress
from stats.tables import HIDDEN_TEXT, SMALL_TEXT, Cell, Labelling, Spec, build_tables


def _grid(values: list[list[int]]) -> tuple[list[Line], dict[Key, int]]:
    """A table of rows × columns with its totals, as lines and counts."""
    counts: dict[Key, int] = {}
    rows, cols = range(len(values)), range(len(values[0]))
    for r in rows:
        for c in cols:
            counts[key("t", r=r, c=c)] = values[r][c]
        counts[key("t", r=r)] = sum(values[r])
    for c in cols:
        counts[key("t", c=c)] = sum(values[r][c] for r in rows)
    counts[key("t")] = sum(map(sum, values))
    lines = [Line(tuple(key("t", r=r, c=c) for c in cols), key("t", r=r)) for r in rows]
    lines += [Line(tuple(key("t", r=r, c=c) for r in rows), key("t", c=c)) for c in cols]
    lines.append(Line(tuple(key("t", c=c) for c in cols), key("t")))
    lines.append(Line(tuple(key("t", r=r) for r in rows), key("t")))
    return lines, counts


def _no_line_with_one_hidden(lines: list[Line], hidden: set[Key]) -> bool:
    return all(sum(k in hidden for k in (*line.cells, line.total)) != 1 for line in lines)


def test_counts_from_1_to_4_are_hidden_and_0_and_5_shown_R_LEAD_03():
    lines, counts = _grid([[0, 5, 10], [7, 8, 9]])
    assert suppress(lines, counts.__getitem__) == set()
    lines, counts = _grid([[1, 5, 10], [7, 8, 9]])
    hidden = suppress(lines, counts.__getitem__)
    assert key("t", r=0, c=0) in hidden


def test_a_hidden_cell_takes_a_second_cell_of_its_row_and_column_R_LEAD_03():
    """One hidden cell in a row is its total minus the others: a second one goes too, the
    smallest that is not zero, and the same down its column."""
    lines, counts = _grid([[3, 5, 10], [7, 8, 9], [6, 12, 20]])
    hidden = suppress(lines, counts.__getitem__)
    assert key("t", r=0, c=0) in hidden
    assert key("t", r=0, c=1) in hidden  # 5: the smallest other in its row
    assert key("t", r=2, c=0) in hidden or key("t", r=1, c=0) in hidden
    assert _no_line_with_one_hidden(lines, hidden)
    assert key("t") not in hidden  # totals stay when cells can be hidden instead


def test_a_small_total_is_hidden_with_a_second_total_R_LEAD_03():
    lines, counts = _grid([[1, 2, 0], [7, 8, 9], [6, 12, 20]])
    hidden = suppress(lines, counts.__getitem__)
    assert key("t", r=0) in hidden  # 3 in all
    assert _no_line_with_one_hidden(lines, hidden)


def test_random_tables_never_leave_a_line_with_one_hidden_entry_R_LEAD_03():
    rng = random.Random(5)
    for _ in range(300):
        values = [
            [rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 9, 20]) for _c in range(4)] for _r in range(5)
        ]
        lines, counts = _grid(values)
        hidden = suppress(lines, counts.__getitem__)
        assert _no_line_with_one_hidden(lines, hidden)
        assert all(k in hidden for k, n in counts.items() if 0 < n < 5)
        assert not any(counts[k] == 0 for k in hidden)


def _measures(units: dict[int, dict[str, int]]) -> Counts:
    counts = Counts()
    rows = [
        {"unit": u, "state": s, "n": n} for u, states in units.items() for s, n in states.items()
    ]
    counts.add(MEASURES, (UNIT, STATE), rows)
    return counts


def test_a_unit_with_3_overdue_measures_shows_less_than_5_and_no_total_reveals_it_R_LEAD_03():
    counts = _measures(
        {1: {ON_TIME: 20, OVERDUE: 3, EVALUATED: 12}, 2: {ON_TIME: 9, OVERDUE: 8, EVALUATED: 30}}
    )
    labels = Labelling(
        units=[(1, "A-skolen"), (2, "B-skolen")],
        months=[],
        concern_categories=[],
        measure_categories=[],
    )
    spec = Spec("m", "Tiltak", MEASURES, UNIT, STATE)
    (table,) = build_tables([spec], counts, labels)
    a, b = table.rows
    overdue = table.columns.index("Frist passert")
    assert a.cells[overdue] == Cell(SMALL_TEXT, None)
    # The column's total (11) and A's total (35) would give 3 back: a second cell of each
    # line is hidden, and what stays shown cannot be subtracted down to A's overdue.
    assert b.cells[overdue].text == HIDDEN_TEXT
    shown_a = [c.value for c in (*a.cells, a.total) if c.value is not None]
    assert len(shown_a) <= len(a.cells) - 1
    column = [a.cells[overdue], b.cells[overdue], table.totals.cells[overdue]]
    assert sum(c.value is None for c in column) >= 2
    assert "3" not in [
        c.text for row in (*table.rows, table.totals) for c in (*row.cells, row.total)
    ]
