"""Small counts hidden so that no child can be singled out (R-LEAD-03).

A count from 1 to 4 is never shown ("<5", primary suppression). Hiding it alone is not
enough: in a table with row and column totals, one hidden cell in a row is the total minus
the cells shown. So a second entry of that row (or column) is hidden as well (complementary
suppression), and again until every row and column has none or at least two hidden entries.

Every number is named by a `Key`: what is counted (logs, concerns …) and the fixed values of
its dimensions (unit, month, status …); a total is the key without the dimension summed over.
The same key in two tables is the same number, so a number hidden in one table is hidden in
every table, and no table gives away what another hides.
"""

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass

SMALL = 5  # counts from 1 to SMALL - 1 are hidden

# A count's name: what is counted, and its dimensions' values sorted by dimension. Plain
# tuples: a city's page builds tens of thousands of them.
Key = tuple[str, tuple[tuple[str, Hashable], ...]]


def key(population: str, **values: Hashable) -> Key:
    return (population, tuple(sorted(values.items())))


@dataclass(frozen=True)
class Line:
    """A row or a column of a table: its cells and the total they add up to."""

    cells: tuple[Key, ...]
    total: Key


def is_small(count: int) -> bool:
    return 0 < count < SMALL


def suppress(lines: Iterable[Line], count: Callable[[Key], int]) -> set[Key]:
    """The keys to hide among `lines` (every row and column of every table shown together).

    First every count from 1 to 4. Then, while a line has exactly one hidden entry (a cell or
    its total), the smallest non-zero cell shown in that line is hidden too; a total only
    when no cell is left to hide, since a total is shared by more tables. A line with one
    hidden entry always has a non-zero entry left: were all the others zero, the total would
    equal the hidden count, and be hidden itself. Zeros stay shown: they give nothing away
    that the hidden cells' range does not already say.
    """
    lines = list(lines)
    known = {k: count(k) for line in lines for k in (*line.cells, line.total)}
    hidden = {k for k, n in known.items() if 0 < n < SMALL}
    # Only a line with a hidden entry can need another; most lines of a big table have none.
    pending = [line for line in lines if any(k in hidden for k in (*line.cells, line.total))]
    changed = True
    while changed:
        changed = False
        for line in pending:
            entries: Sequence[Key] = (*line.cells, line.total)
            if sum(1 for k in entries if k in hidden) != 1:
                continue
            candidates = [k for k in line.cells if k not in hidden and known[k] > 0]
            if not candidates and line.total not in hidden and known[line.total] > 0:
                candidates = [line.total]
            if candidates:
                hidden.add(min(candidates, key=known.__getitem__))
                changed = True
        if changed:
            pending = [
                line for line in lines if any(k in hidden for k in (*line.cells, line.total))
            ]
    return hidden
