"""The statistics' tables: which counts go where, their labels, and what is hidden.

Every table has rows, columns, a total per row and per column and a grand total; all the
tables of one page are suppressed together (stats.suppression), so a number hidden in one
is hidden in each table that shows it. Charts and the CSV are drawn from these tables, never
from the raw counts, so they show no more than the tables do.
"""

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from logs.enums import ConcernStatus, Level, LogStatus, Outcome
from organisations.models import Category, ConcernCategory, MeasureCategory, Unit
from stats.queries import (
    CATEGORY,
    CONCERNS,
    EVALUATED,
    EVALUATIONS,
    LEVEL,
    LOGS,
    MEASURES,
    MONTH,
    ON_TIME,
    OUTCOME,
    OVERDUE,
    STATE,
    STATUS,
    UNIT,
    Counts,
    Period,
    count_everything,
)
from stats.suppression import Key, Line, is_small, key, suppress

SMALL_TEXT = "<5"
# A count of five or more hidden so that a small one cannot be worked out by subtraction.
HIDDEN_TEXT = "*"

Labels = list[tuple[Hashable, str]]

# Charts: "months" draws the rows along time, "categories" as horizontal bars.
MONTHS_CHART = "months"
CATEGORIES_CHART = "categories"


@dataclass(frozen=True)
class Spec:
    """What one table counts (population), split by its rows and its columns."""

    slug: str
    caption: StrOrPromise
    population: str
    row_dim: str
    col_dim: str
    chart: str = ""


SPECS = [
    Spec("logs-unit-status", gettext_lazy("Logger etter virksomhet og status"), LOGS, UNIT, STATUS),
    Spec(
        "logs-month",
        gettext_lazy("Nye logger per måned, etter status"),
        LOGS,
        MONTH,
        STATUS,
        MONTHS_CHART,
    ),
    Spec("logs-level", gettext_lazy("Nye logger per måned, etter nivå"), LOGS, MONTH, LEVEL),
    Spec(
        "concerns-category",
        gettext_lazy("Oppmerksomheter etter kategori, åpne og avsluttede"),
        CONCERNS,
        CATEGORY,
        STATUS,
        CATEGORIES_CHART,
    ),
    Spec(
        "concerns-month",
        gettext_lazy("Nye oppmerksomheter per måned, åpne og avsluttede"),
        CONCERNS,
        MONTH,
        STATUS,
    ),
    Spec(
        "measures-category",
        gettext_lazy("Tiltak etter kategori og status"),
        MEASURES,
        CATEGORY,
        STATE,
        CATEGORIES_CHART,
    ),
    Spec("measures-unit", gettext_lazy("Tiltak etter virksomhet og status"), MEASURES, UNIT, STATE),
    Spec(
        "measures-month",
        gettext_lazy("Nye tiltak per måned, etter status"),
        MEASURES,
        MONTH,
        STATE,
        MONTHS_CHART,
    ),
    Spec(
        "evaluations-month",
        gettext_lazy("Evalueringer per måned, etter resultat"),
        EVALUATIONS,
        MONTH,
        OUTCOME,
        MONTHS_CHART,
    ),
    Spec(
        "what-works",
        gettext_lazy("Hva virker: resultat av evalueringene etter kategori for tiltak"),
        EVALUATIONS,
        CATEGORY,
        OUTCOME,
        CATEGORIES_CHART,
    ),
]
SPEC_BY_SLUG = {spec.slug: spec for spec in SPECS}


@dataclass(frozen=True)
class Cell:
    """A count as shown: its text, and its value when it is shown (None when hidden)."""

    text: str
    value: int | None


@dataclass(frozen=True)
class Row:
    label: str
    cells: list[Cell]
    total: Cell


@dataclass(frozen=True)
class Table:
    spec: Spec
    row_heading: str
    columns: list[str]
    rows: list[Row]
    totals: Row

    @property
    def is_empty(self) -> bool:
        return self.totals.total.value == 0


def _cell(k: Key, counts: Counts, hidden: set[Key]) -> Cell:
    n = counts(k)
    if k in hidden:
        return Cell(SMALL_TEXT if is_small(n) else HIDDEN_TEXT, None)
    return Cell(str(n), n)


@dataclass(frozen=True)
class _Grid:
    """The keys of one table's cells, its row and column totals and its grand total, made
    once (a city's table has thousands) and in `key`'s order of dimensions."""

    cells: list[list[Key]]
    row_totals: list[Key]
    col_totals: list[Key]
    grand: Key

    @classmethod
    def of(cls, spec: Spec, rows: Labels, cols: Labels) -> "_Grid":
        pop, r, c = spec.population, spec.row_dim, spec.col_dim
        cells: list[list[Key]]
        if r < c:
            cells = [[(pop, ((r, rv), (c, cv))) for cv, _l in cols] for rv, _l in rows]
        else:
            cells = [[(pop, ((c, cv), (r, rv))) for cv, _l in cols] for rv, _l in rows]
        return cls(
            cells,
            [(pop, ((r, rv),)) for rv, _l in rows],
            [(pop, ((c, cv),)) for cv, _l in cols],
            key(pop),
        )

    def lines(self) -> list[Line]:
        """Every row and column of the table, the total row and total column included."""
        lines = [
            Line(tuple(row), total) for row, total in zip(self.cells, self.row_totals, strict=True)
        ]
        lines += [
            Line(tuple(row[j] for row in self.cells), total)
            for j, total in enumerate(self.col_totals)
        ]
        lines.append(Line(tuple(self.col_totals), self.grand))
        lines.append(Line(tuple(self.row_totals), self.grand))
        return lines


@dataclass
class Labelling:
    """The rows and columns each dimension has on this page, with their labels."""

    units: Labels
    months: Labels
    concern_categories: Labels
    measure_categories: Labels

    def of(self, population: str, dim: str) -> Labels:
        if dim == UNIT:
            return self.units
        if dim == MONTH:
            return self.months
        if dim == CATEGORY:
            return self.concern_categories if population == CONCERNS else self.measure_categories
        if dim == STATUS and population == CONCERNS:
            return [(s.value, str(s.label)) for s in ConcernStatus]
        return FIXED_LABELS[dim]()

    def heading(self, dim: str) -> str:
        return {
            UNIT: _("Virksomhet"),
            MONTH: _("Måned"),
            CATEGORY: _("Kategori"),
        }.get(dim, "")


def _level_labels() -> Labels:
    return [(level.value, _("Nivå %(level)s") % {"level": level.value}) for level in Level]


def _state_labels() -> Labels:
    return [
        (ON_TIME, _("Pågår, i rute")),
        (OVERDUE, _("Frist passert")),
        (EVALUATED, _("Evaluert")),
    ]


FIXED_LABELS: dict[str, Callable[[], Labels]] = {
    STATUS: lambda: [(s.value, str(s.label)) for s in LogStatus],
    LEVEL: _level_labels,
    STATE: _state_labels,
    OUTCOME: lambda: [(o.value, str(o.label)) for o in Outcome],
}


def _categories(model: type[Category], municipality_ids: set[int], seen: set[Hashable]) -> Labels:
    """The categories in use in the municipality, and any other that has counts, in the
    municipality's order; the names in the active language (R-GEN-01)."""
    found = model._default_manager.filter(
        Q(municipality_id__in=municipality_ids, is_active=True) | Q(pk__in=seen)
    ).order_by("position", "name", "pk")
    return [(category.pk, category.display_name) for category in found]


def labelling(units: Sequence[Unit], period: Period, counts: Counts) -> Labelling:
    """The labels of the page's rows: two queries (the two kinds of category)."""
    municipalities = {unit.municipality_id for unit in units}
    return Labelling(
        units=[(unit.pk, unit.name) for unit in units],
        months=[(month, date_format(month, "YEAR_MONTH_FORMAT")) for month in period.months()],
        concern_categories=_categories(
            ConcernCategory, municipalities, counts.values_of(CONCERNS, CATEGORY)
        ),
        measure_categories=_categories(
            MeasureCategory,
            municipalities,
            counts.values_of(MEASURES, CATEGORY) | counts.values_of(EVALUATIONS, CATEGORY),
        ),
    )


def build_tables(specs: Iterable[Spec], counts: Counts, labels: Labelling) -> list[Table]:
    """The tables, suppressed together: what one hides, none shows."""
    specs = list(specs)
    axes = [
        (labels.of(spec.population, spec.row_dim), labels.of(spec.population, spec.col_dim))
        for spec in specs
    ]
    grids = [_Grid.of(spec, rows, cols) for spec, (rows, cols) in zip(specs, axes, strict=True)]
    hidden = suppress((line for grid in grids for line in grid.lines()), counts)
    texts: dict[int, Cell] = {}

    def cell(k: Key) -> Cell:
        if k in hidden:
            return _cell(k, counts, hidden)
        n = counts(k)
        if n not in texts:
            texts[n] = Cell(str(n), n)
        return texts[n]

    tables = []
    for spec, (rows, cols), grid in zip(specs, axes, grids, strict=True):
        body = [
            Row(label, [cell(k) for k in keys], cell(total))
            for (_v, label), keys, total in zip(rows, grid.cells, grid.row_totals, strict=True)
        ]
        totals = Row(_("Totalt"), [cell(k) for k in grid.col_totals], cell(grid.grand))
        columns = [label for _v, label in cols]
        tables.append(Table(spec, labels.heading(spec.row_dim), columns, body, totals))
    return tables


def statistics(units: Sequence[Unit], period: Period, *, today: date) -> list[Table]:
    """Every table of the page for these units and this period: eight queries in all."""
    counts = count_everything(units, period, today=today)
    return build_tables(SPECS, counts, labelling(units, period, counts))
