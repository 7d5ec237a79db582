"""Writing many rows fast: COPY on PostgreSQL, executemany on SQLite, ids chosen by us.

The generator knows every id before it writes a row (so a measure can point at its concern
without a round trip); the tables' sequences are moved past them at the end.
"""

import json
from collections.abc import Callable
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models

BATCH = 20_000


def columns(names: str) -> list[str]:
    return names.split()


class Ids:
    """The next free primary key of each model, read once."""

    def __init__(self) -> None:
        self._next: dict[type[models.Model], int] = {}

    def take(self, model: type[models.Model]) -> int:
        if model not in self._next:
            highest = model._default_manager.aggregate(top=models.Max("pk"))["top"] or 0
            self._next[model] = highest + 1
        value = self._next[model]
        self._next[model] = value + 1
        return value

    def models(self) -> list[type[models.Model]]:
        return list(self._next)


def _converter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    if isinstance(field, models.JSONField):
        return json.dumps
    if connection.vendor == "postgresql":
        return None
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    return None


class Table:
    """The rows of one table, given in the order of `columns` (field names)."""

    def __init__(self, model: type[models.Model], columns: list[str]) -> None:
        self.model = model
        opts = model._meta
        fields, self.columns = [], []
        for name in columns:
            field = opts.get_field(name)
            if not isinstance(field, models.Field) or field.column is None:
                raise ValueError(f"{opts.label}.{name} is no column of its table")
            fields.append(field)
            self.columns.append(field.column)
        given = set(self.columns)
        missing = [
            f.name
            for f in opts.concrete_fields
            if f.column not in given
            and not (f.null or f.primary_key or f.generated)  # the database makes the last
        ]
        if missing:
            raise ValueError(f"{opts.label}: no value for the required fields {missing}")
        self.convert = [(i, c) for i, f in enumerate(fields) if (c := _converter(f))]
        self.rows: list[tuple] = []
        self.written = 0

    def add(self, *values: Any) -> None:
        self.rows.append(values)
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        rows = self.rows
        if not rows:
            return
        self.rows = []
        if self.convert:
            converted: list[tuple[Any, ...]] = []
            for row in rows:
                values = list(row)
                for i, convert in self.convert:
                    if values[i] is not None:
                        values[i] = convert(values[i])
                converted.append(tuple(values))
            rows = converted
        table = connection.ops.quote_name(self.model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                raw = cursor.cursor  # psycopg's own cursor under Django's wrapper
                with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                # Table and column names come from the models, quoted; the values are parameters.
                insert = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
                cursor.executemany(insert, rows)
        self.written += len(rows)


def reset_sequences(model_list: list[type[models.Model]]) -> None:
    """Move each table's id sequence past the ids we chose (PostgreSQL; SQLite follows)."""
    statements = connection.ops.sequence_reset_sql(no_style(), model_list)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
