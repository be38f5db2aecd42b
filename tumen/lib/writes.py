"""Plain SQL for the hot write path, where the profile showed the ORM's query compilation costing
more than the work itself (docs/performance.md, "The lean write path").

Each statement has a name, is built once per model and set of columns, takes its values through
the fields' own `get_db_prep_save` (so a datetime, a JSON value or a foreign key is stored exactly
as the ORM would store it) and is tested on SQLite and PostgreSQL (tumen/lib/tests/test_writes.py).
Nothing here checks anything: the services that call it have locked and authorised the rows.

UPDATE_COLUMNS  UPDATE <table> SET <only the named columns> WHERE pk = %s [RETURNING <expr>]
INSERT_ROWS     INSERT INTO <table> (<every column but an automatic id>) VALUES (…), (…)
                [RETURNING <id>, when the caller needs the new ids: they are set on the objects]
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

_SQL: dict[tuple, tuple[str, list[models.Field]]] = {}


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def current():
    """The default connection itself: `django.db.connection` is a proxy that looks the
    connection up (an asgiref Local) at every attribute; a hot loop takes it once."""
    return connections[DEFAULT_DB_ALIAS]


def _prepared(fields: Sequence[models.Field], obj: models.Model, db) -> list:
    return [field.get_db_prep_save(getattr(obj, field.attname), db) for field in fields]


def update_columns(
    obj: models.Model, fields: Sequence[str], *, returning: str = "", returning_params=()
):
    """UPDATE_COLUMNS: write only `fields` of `obj`'s row; the RETURNING row if asked, else None.

    `returning` is an SQL expression over the updated row (its table named as the table itself),
    with `returning_params` for its placeholders.
    """
    db = current()
    meta = type(obj)._meta
    key = ("update", meta.label, tuple(fields), returning, db.vendor)
    cached = _SQL.get(key)
    if cached is None:
        columns = [meta.get_field(name) for name in fields]
        sets = ", ".join(f"{_quote(field.column)} = %s" for field in columns)
        # Identifiers from the model's metadata, quoted; every value is a parameter.
        table, pk = _quote(meta.db_table), _quote(meta.pk.column)
        sql = f"UPDATE {table} SET {sets} WHERE {pk} = %s"  # noqa: S608
        if returning:
            sql += f" RETURNING {returning}"
        cached = _SQL[key] = (sql, columns)
    sql, columns = cached
    with db.cursor() as cursor:
        cursor.execute(sql, [*_prepared(columns, obj, db), obj.pk, *returning_params])
        return cursor.fetchone() if returning else None


def insert_rows(
    model: type[models.Model], objs: Sequence[models.Model], *, returning_ids: bool = False
) -> None:
    """INSERT_ROWS: new rows in one statement (per engine's parameter limit); with
    `returning_ids`, each object gets its new id, as bulk_create gives it (in the order of the
    rows, which both engines keep for a single INSERT … VALUES … RETURNING)."""
    meta = model._meta
    columns = [field for field in meta.concrete_fields if field is not meta.auto_field]
    # As many rows per statement as the engine takes parameters (SQLite: 999 by default).
    limit = connection.features.max_query_params or 10_000
    size = max(1, limit // len(columns))
    for start in range(0, len(objs), size):
        _insert_batch(model, objs[start : start + size], returning_ids)


def _insert_batch(model: type[models.Model], objs: Sequence[models.Model], returning: bool) -> None:
    if not objs:
        return
    db = current()
    meta = model._meta
    key = ("insert", meta.label, len(objs), returning, db.vendor)
    cached = _SQL.get(key)
    if cached is None:
        columns = [field for field in meta.concrete_fields if field is not meta.auto_field]
        names = ", ".join(_quote(field.column) for field in columns)
        row = "(" + ", ".join(["%s"] * len(columns)) + ")"
        rows = ", ".join([row] * len(objs))
        sql = f"INSERT INTO {_quote(meta.db_table)} ({names}) VALUES {rows}"  # noqa: S608
        if returning:
            sql += f" RETURNING {_quote(meta.pk.column)}"
        cached = _SQL[key] = (sql, columns)
    sql, columns = cached
    params = [value for obj in objs for value in _prepared(columns, obj, db)]
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        if returning:
            for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
                obj.pk = pk
                obj._state.adding, obj._state.db = False, db.alias
