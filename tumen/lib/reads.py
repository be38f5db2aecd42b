"""Model instances from plain SQL rows, as the ORM would make them.

The write path's hottest reads are named plain statements (docs/performance.md): compiling the
same ORM query at every step cost more than running it. `columns` lists a model's columns under
an alias for such a statement; `from_row` turns the leading columns of a row back into an
instance with the ORM's conversions (aware datetimes, decoded JSON), and hands back the rest.
"""

from __future__ import annotations

from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

M = TypeVar("M", bound=models.Model)

_CONVERTERS: dict[tuple, list] = {}


_COLUMNS: dict[tuple, str] = {}


def columns(model: type[models.Model], alias: str) -> str:
    """The model's columns under `alias`, comma-separated, in from_row's order."""
    key = (model._meta.label, alias, connection.vendor)
    if key not in _COLUMNS:
        quote = connection.ops.quote_name
        _COLUMNS[key] = ", ".join(
            f"{alias}.{quote(field.column)}" for field in model._meta.concrete_fields
        )
    return _COLUMNS[key]


def from_row(model: type[M], row) -> tuple[M, tuple]:
    """The model instance the first columns of `row` make, and the columns left over."""
    db = connections[DEFAULT_DB_ALIAS]  # once: `connection` is a proxy looked up per attribute
    fields = model._meta.concrete_fields
    key = (model._meta.label, db.vendor)
    if key not in _CONVERTERS:
        _CONVERTERS[key] = (
            [
                (
                    db.ops.get_db_converters(field.get_col(model._meta.db_table))
                    + field.get_db_converters(db),
                    field.get_col(model._meta.db_table),
                )
                for field in fields
            ],
            [f.attname for f in fields],
        )
    converted, names = _CONVERTERS[key]
    values = []
    for value, (converters, column) in zip(row, converted, strict=False):
        for converter in converters:
            value = converter(value, column, db)
        values.append(value)
    obj = model.from_db(db.alias, names, values)
    return obj, tuple(row[len(fields) :])
