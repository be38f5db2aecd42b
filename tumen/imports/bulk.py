"""Writing many rows at the speed of the database: `executemany` on SQLite, `COPY` on PostgreSQL.

Building and saving a model instance costs tens of microseconds a row in Python; a bulk import of a
province's register cannot pay that. `TableWriter` takes plain dicts keyed by the model's attribute
names, fills every other column with the field's default (so a column added later with a default
needs no change here), hands out ids itself and writes the rows in the caller's transaction.
The column list comes from the model, so a renamed or new NOT NULL column fails loudly.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from operator import itemgetter

from django.db import connection, models
from django.db.models.fields import NOT_PROVIDED

# A column without a default: every row must give it.
REQUIRED = object()


def _default(field: models.Field, now):
    if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
        return now
    if isinstance(field, models.DateTimeField) and field.has_default() and callable(field.default):
        return now  # "the time of the write" (clock.now): one instant for the whole batch
    if field.has_default():
        return field.get_default()
    if field.null:
        return None
    if field.empty_strings_allowed:
        return ""
    return REQUIRED


class TableWriter:
    """Insert rows of one model; `ids(n)` reserves n primary keys in the current transaction."""

    def __init__(self, model: type[models.Model], *, now) -> None:
        self.model = model
        self.table = model._meta.db_table
        self.fields = list(model._meta.concrete_fields)
        self.attnames = [f.attname for f in self.fields]
        self.columns = [f.column for f in self.fields]
        self.postgres = connection.vendor == "postgresql"
        self._prepare = [self._preparer(f) for f in self.fields]
        self.defaults = []
        for f, prepare in zip(self.fields, self._prepare, strict=True):
            if f.primary_key:
                self.defaults.append(None)
                continue
            default = f.default if f.default is not NOT_PROVIDED else None
            value = _default(f, now) if default is None or callable(default) else default
            if value is not REQUIRED and prepare and value is not None:
                value = prepare(value)
            self.defaults.append(value)
        self._index = {name: i for i, name in enumerate(self.attnames)}
        self._required = {
            name for name, value in zip(self.attnames, self.defaults, strict=True)
            if value is REQUIRED
        }  # fmt: skip

    def _preparer(self, field: models.Field):
        """How a Python value becomes what the driver is given; None when it passes as it is."""
        if isinstance(field, models.JSONField):
            return lambda value: json.dumps(value, ensure_ascii=False)
        if isinstance(field, models.DateTimeField):
            if self.postgres:
                return None
            return lambda value: connection.ops.adapt_datetimefield_value(value)
        if isinstance(field, models.DateField) and not self.postgres:
            return lambda value: value.isoformat()
        return None

    def ids(self, count: int) -> list[int]:
        if count == 0:
            return []
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [self.table, count],
                )
                return [row[0] for row in cursor.fetchall()]
            # SQLite: the connection holds the write lock (BEGIN IMMEDIATE) until commit.
            cursor.execute(f'SELECT COALESCE(MAX("id"), 0) FROM "{self.table}"')  # noqa: S608
            start = cursor.fetchone()[0] + 1
        return list(range(start, start + count))

    def tuples(self, rows: Sequence[dict]) -> list[list]:
        """Each row as the column values, in column order: its own values over the defaults."""
        index, template, prepare = self._index, self.defaults, self._prepare
        required = self._required
        out = []
        for row in rows:
            if not required <= row.keys():
                missing = ", ".join(sorted(required - row.keys()))
                raise ValueError(f"{self.model.__name__}: no value and no default for {missing}")
            values = list(template)
            for name, value in row.items():
                position = index[name]
                convert = prepare[position]
                values[position] = convert(value) if convert and value is not None else value
            out.append(values)
        return out

    def filler(self, names: Sequence[str]) -> Callable[[Sequence], tuple]:
        """A faster `tuples` for one row at a time given as values in the order of `names`:
        `fill((v1, v2, …))` is the row in column order, the other columns at their defaults.

        One C-level item pick per row (`itemgetter` over the values followed by the defaults)
        instead of a dict per row; the few values that need converting are converted.
        """
        names = list(names)
        unknown = [name for name in names if name not in self._index]
        if unknown:
            raise ValueError(f"{self.model.__name__}: no column {', '.join(unknown)}")
        missing = self._required - set(names)
        if missing:
            missing_names = ", ".join(sorted(missing))
            raise ValueError(f"{self.model.__name__}: no value and no default for {missing_names}")
        given = {self._index[name]: i for i, name in enumerate(names)}
        width = len(names)
        picks = [given.get(position, width + position) for position in range(len(self.columns))]
        if len(picks) < 2:
            raise ValueError(f"{self.model.__name__}: a filler needs two columns or more")
        pick = itemgetter(*picks)
        tail = tuple(self.defaults)
        converts = [
            (i, self._prepare[self._index[name]])
            for i, name in enumerate(names)
            if self._prepare[self._index[name]]
        ]
        if not converts:
            return lambda values: pick((*values, *tail))

        def fill(values: Sequence) -> tuple:
            values = list(values)
            for i, convert in converts:
                if values[i] is not None:
                    values[i] = convert(values[i])
            return pick((*values, *tail))

        return fill

    def write(self, rows: Sequence[dict]) -> None:
        if rows:
            self.insert(self.tuples(rows))

    def insert(self, data: Sequence[Sequence]) -> None:
        """The database's own bulk path for rows already in column order (`tuples`, `filler`)."""
        names = ", ".join(f'"{c}"' for c in self.columns)
        connection.ensure_connection()
        raw = connection.connection
        if self.postgres:
            with (
                raw.cursor() as cursor,
                cursor.copy(f'COPY "{self.table}" ({names}) FROM STDIN') as copy,
            ):
                for values in data:
                    copy.write_row(values)
        else:
            marks = ", ".join("?" for _c in self.columns)
            raw.executemany(f'INSERT INTO "{self.table}" ({names}) VALUES ({marks})', data)  # noqa: S608
