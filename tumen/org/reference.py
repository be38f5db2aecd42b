"""Reference data read at every step, remembered until it changes.

Jurisdictions, work units, crossing points and policy packs change when an administrator
reorganises, yet the write path reads them at every step (which units clear a submission, which
crossings an approval names, which pack is active at intake). A database trigger on each of those
tables gives the one row of `org_reference` a new random token whenever a row changes
(`install`); the hot statements read that token with the row they lock or read anyway
(TOKEN_SQL as an extra column), and `remembered` hands back what this process derived under the
same token, or derives it again. A change commits a new token, so every process sees it at its
next statement: nothing is reused past the transaction that changed it, and a rolled-back change
leaves the old token, whose derivations are still right. A random token, not a counter, so that a
rolled-back change followed by another can never bring an old number back with other data.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from django.db import connections

T = TypeVar("T")

TOKEN_SQL = "(SELECT token FROM org_reference)"  # noqa: S105 (SQL, not a secret)
# The tables whose rows the remembered derivations read.
TABLES = {
    "org": ("org_jurisdiction", "org_workunit"),
    "policy": ("policy_policypack",),
    "authorizations": ("authorizations_crossingpoint",),
}

_REMEMBERED: dict[Hashable, object] = {}
_TOKEN: list[str | None] = [None]


def remembered(token: str | None, key: Hashable, derive: Callable[[], T]) -> T:
    """`derive()` as of reference-data version `token`; derived again when the token is new
    (or None: the row is missing, so nothing is remembered)."""
    if token is None:
        return derive()
    if _TOKEN[0] != token:
        _REMEMBERED.clear()
        _TOKEN[0] = token
    if key not in _REMEMBERED:
        _REMEMBERED[key] = derive()
    return _REMEMBERED[key]  # type: ignore[return-value]


def _statements(vendor: str, tables: tuple[str, ...]) -> list[str]:
    if vendor == "sqlite":
        new = "lower(hex(randomblob(16)))"
        return [
            statement
            for table in tables
            for event in ("INSERT", "UPDATE", "DELETE")
            for statement in (
                f"DROP TRIGGER IF EXISTS org_reference_{table}_{event.lower()}",
                # Table names from TABLES, never from input.
                f"CREATE TRIGGER org_reference_{table}_{event.lower()} AFTER {event} ON {table} "  # noqa: S608
                f"FOR EACH ROW BEGIN UPDATE org_reference SET token = {new}; END",
            )
        ]
    new = "md5(random()::text || clock_timestamp()::text)"
    return [
        "CREATE OR REPLACE FUNCTION org_reference_touch() RETURNS trigger LANGUAGE plpgsql AS "  # noqa: S608
        f"$$ BEGIN UPDATE org_reference SET token = {new}; RETURN NULL; END $$",
        *(
            f"CREATE OR REPLACE TRIGGER org_reference_{table} AFTER INSERT OR UPDATE OR DELETE "
            f"OR TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION org_reference_touch()"
            for table in tables
        ),
    ]


def install(app: str, using: str = "default") -> None:
    """The triggers on `app`'s reference tables (and, for org, the token's one row)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if app == "org":
            cursor.execute("DELETE FROM org_reference")
            cursor.execute("INSERT INTO org_reference (id, token) VALUES (1, 'initial')")
        for statement in _statements(connection.vendor, TABLES[app]):
            cursor.execute(statement)


def uninstall(app: str, using: str = "default") -> None:
    connection = connections[using]
    with connection.cursor() as cursor:
        for table in TABLES[app]:
            if connection.vendor == "sqlite":
                for event in ("insert", "update", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS org_reference_{table}_{event}")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS org_reference_{table} ON {table}")
