"""Queries that run on (nearly) every request, with their SQL compiled once per process.

Turning a queryset into SQL costs Django's ORM more than running it: 0.3 to 0.8 ms of CPU
for the header's units or a list's versions, against 0.1 ms to send the text and read the
rows (issue 9). Such a query has the same shape on every request; only a few values change
(the person's id). A `CompiledRows` builds the queryset once with stand-ins for those
values, keeps its SQL, and on each call puts the real values where the stand-ins were.

To be sure no other value hides in the SQL, the queryset is built twice with different
stand-ins: the two SQL texts must be equal and their parameters may differ only where the
stand-ins are. A value that changes by itself ("now") is refused at once (`NotCompilable`),
on the first call, so such a query fails its tests rather than go stale. A value that
changes more slowly cannot be seen that way, so the SQL is kept per language and per day
too: a query that holds today's date or words in the person's language is compiled anew
when those change.

A `CompiledRows` gives the rows of a `values_list` queryset, their columns through the
database's converters as Django's own iterator gives them; a `CompiledObjects` builds model
instances from them, with their related objects attached as `select_related` would.
"""

from collections.abc import Callable, Hashable, Sequence
from datetime import date
from itertools import count
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import get_language

# Positive and within a 32-bit column's range: Django turns a lookup of a value its column
# cannot hold (a negative one on a PositiveIntegerField) into an empty query.
_stand_ins = count(1_973_004_301)
# The ids a database column holds (a 64-bit integer).
_SMALLEST, _LARGEST = -(2**63), 2**63 - 1
# The SQL, its parameters, where the values go (parameter position, value index), the
# columns' converters, and how many columns are the query's own (None: all).
_Compiled = tuple[str, tuple, list[tuple[int, int]], Any, int | None]


_MISSING: Any = object()


class NotCompilable(Exception):
    """The queryset's SQL depends on more than the values given as stand-ins."""


class CompiledRows:
    """`build(shape, *values)` → a `values_list` queryset. `shape` picks the form of the
    query (a role, a page size: part of the key the SQL is kept under); `values` are the
    ids that change from call to call (a person's, a log's)."""

    def __init__(
        self, model: type[Model], build: Callable[..., QuerySet[Any]], name: str = ""
    ) -> None:
        self.model = model
        self.build = build
        self.name = name or build.__qualname__
        self._kept: dict[tuple[Any, ...], _Compiled | None] = {}
        self._day: date | None = None

    def rows(self, shape: Hashable, *values: int) -> list[tuple[Any, ...]]:
        found = self.statement(shape, *values)
        if found is None:
            return []
        sql, params, convert = found
        with connections[router.db_for_read(self.model)].cursor() as cursor:
            cursor.execute(sql, params)
            return [convert(row) for row in cursor.fetchall()]

    def statement(
        self, shape: Hashable, *values: int
    ) -> tuple[str, list[Any], Callable[[Sequence[Any]], tuple[Any, ...]]] | None:
        """The SQL and parameters `rows` sends, and the function that makes one row of its
        answer what `rows` gives: for a caller that reads the rows within a statement of
        its own (accounts.sessions). None when no row can match."""
        if not all(_SMALLEST <= value <= _LARGEST for value in values):
            return None  # no row has such an id (an address typed by hand)
        using = router.db_for_read(self.model)
        today = timezone.localdate()
        if today != self._day:  # yesterday's SQL is never asked for again
            self._kept.clear()
            self._day = today
        key = (using, shape, len(values), get_language())
        # One read of the dictionary: another thread may empty it at midnight.
        kept = self._kept.get(key, _MISSING)
        if kept is _MISSING:
            kept = self._compile(using, shape, len(values))
            self._kept[key] = kept
        if kept is None:
            return None
        sql, params, places, converters, width = kept
        filled = list(params)
        for position, index in places:
            filled[position] = values[index]
        connection = connections[using]

        def convert(row: Sequence[Any]) -> tuple[Any, ...]:
            if width is not None:  # columns Django adds for its own use (an ordering)
                row = row[:width]
            if not converters:
                return tuple(row)
            return convert_row(row, converters, connection)

        return sql, filled, convert

    def _compile(self, using: str, shape: Hashable, size: int) -> "_Compiled | None":
        first = [next(_stand_ins) for _ in range(size)]
        second = [next(_stand_ins) for _ in range(size)]
        try:
            sql, params, compiler = self._as_sql(using, shape, first)
            other_sql, other_params, _ = self._as_sql(using, shape, second)
        except EmptyResultSet as error:
            if self.build(shape, *first).query.is_empty():
                return None  # `.none()`: nothing to ask the database
            raise NotCompilable(f"{self.name}: a stand-in made the query empty") from error
        if sql != other_sql or len(params) != len(other_params):
            raise NotCompilable(f"{self.name}: the SQL's form changes")
        places = []
        for position, (one, other) in enumerate(zip(params, other_params, strict=True)):
            if one == other:
                if one in first:  # pragma: no cover - a stand-in in a place that never changes
                    raise NotCompilable(f"{self.name}: a value is fixed")
                continue
            if one not in first or other != second[first.index(one)]:
                raise NotCompilable(
                    f"{self.name}: parameter {position} changes by itself ({one!r}, {other!r})"
                )
            places.append((position, first.index(one)))
        columns = [select[0] for select in compiler.select[: compiler.col_count]]
        converters = compiler.get_converters(columns)
        width = compiler.col_count if compiler.has_extra_select else None
        return sql, tuple(params), places, converters, width

    def _as_sql(self, using: str, shape: Hashable, values: Sequence[int]) -> tuple[str, tuple, Any]:
        queryset = self.build(shape, *values)
        compiler = queryset.query.get_compiler(using)
        sql, params = compiler.as_sql()
        return sql, tuple(params), compiler


def convert_row(row: Sequence[Any], converters: dict, connection: Any) -> tuple[Any, ...]:
    """A row as the database gave it, through a compiler's converters (`get_converters`), as
    Django's own iterator converts it."""
    values = list(row)
    for position, (functions, expression) in converters.items():
        value = values[position]
        for function in functions:
            value = function(value, expression, connection)
        values[position] = value
    return tuple(values)


class CompiledObjects:
    """`build(shape, *values)` → a queryset of `model`, as for CompiledRows; its rows come
    back as model instances with the objects on the `related` paths (as `select_related`
    would give them: "child", "unit__municipality") attached, and the queryset's
    annotations as attributes. One query, compiled once."""

    def __init__(
        self,
        model: type[Model],
        build: Callable[..., QuerySet[Any]],
        *,
        related: Sequence[str] = (),
    ) -> None:
        self.model = model
        # Each path's model, its fields and where among them its primary key is; the model
        # itself first and every parent before its children: "unit", "unit__municipality".
        self.parts: list[tuple[str, type[Model], list[str], int]] = []
        for path in ("", *sorted(related, key=lambda p: p.count("__"))):
            part_model = _model_at(model, path)
            fields = [field.attname for field in part_model._meta.concrete_fields]
            self.parts.append((path, part_model, fields, fields.index(part_model._meta.pk.attname)))
        columns = [
            f"{path}__{name}" if path else name
            for path, _, fields, _ in self.parts
            for name in fields
        ]
        # The annotations' names, as the queryset has them (the same on every build).
        self._annotations: tuple[str, ...] = ()

        def rows_query(*args: Any) -> QuerySet[Any]:
            queryset = build(*args)
            self._annotations = tuple(queryset.query.annotation_select)
            return queryset.values_list(*columns, *self._annotations)

        self._rows = CompiledRows(model, rows_query, name=build.__qualname__)

    def get(self, shape: Hashable, *values: int) -> list[Any]:
        return self.objects(self._rows.rows(shape, *values))

    def statement(
        self, shape: Hashable, *values: int
    ) -> tuple[str, list[Any], Callable[[Sequence[Any]], tuple[Any, ...]]] | None:
        """As CompiledRows.statement; `objects` makes the converted rows model instances."""
        return self._rows.statement(shape, *values)

    def objects(self, rows: list[tuple[Any, ...]]) -> list[Any]:
        """Model instances, with their related objects and annotations, from rows as `get`
        reads them."""
        using = router.db_for_read(self.model)
        found = []
        for row in rows:
            objects: dict[str, Model | None] = {}
            start = 0
            for path, part_model, fields, pk_at in self.parts:
                part = row[start : start + len(fields)]
                start += len(fields)
                # No primary key: a nullable relation that is empty.
                objects[path] = (
                    None if part[pk_at] is None else part_model.from_db(using, fields, part)
                )
                if path:
                    parent_path, _, name = path.rpartition("__")
                    parent = objects[parent_path]
                    if parent is not None:
                        parent._meta.get_field(name).set_cached_value(parent, objects[path])  # type: ignore[union-attr]
            for name, value in zip(self._annotations, row[start:], strict=True):
                setattr(objects[""], name, value)
            found.append(objects[""])
        return found


def _model_at(model: type[Model], path: str) -> type[Model]:
    for name in path.split("__") if path else ():
        related = model._meta.get_field(name).related_model
        if related is None or isinstance(related, str):  # pragma: no cover - not a relation
            raise NotCompilable(f"{model.__name__}: {name} is no relation")
        model = related
    return model
