"""Database triggers that make the audit table append-only, on SQLite and PostgreSQL."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connections

TABLE = "audit_auditevent"
MESSAGE = "audit events are append-only"

_SQLITE_INSTALL = [
    f"CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: UPDATE refused'); END",
    f"CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: DELETE refused'); END",
]
_SQLITE_DROP = ["DROP TRIGGER IF EXISTS audit_no_update", "DROP TRIGGER IF EXISTS audit_no_delete"]

_PG_INSTALL = [
    "CREATE OR REPLACE FUNCTION tumen_audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN RAISE EXCEPTION '{MESSAGE}: % refused', TG_OP; END $$",
    f"CREATE OR REPLACE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION tumen_audit_refuse()",
    f"CREATE OR REPLACE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {TABLE} "
    "FOR EACH STATEMENT EXECUTE FUNCTION tumen_audit_refuse()",
]
_PG_DROP = [
    f"DROP TRIGGER IF EXISTS audit_no_change ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE}",
]


def _statements(vendor: str, *, install: bool) -> list[str]:
    if vendor == "sqlite":
        return _SQLITE_INSTALL if install else _SQLITE_DROP
    if vendor == "postgresql":
        return _PG_INSTALL if install else _PG_DROP
    raise RuntimeError(f"Tumen's audit triggers support SQLite and PostgreSQL, not {vendor}.")


def install_triggers(using: str = "default") -> None:
    connection = connections[using]
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor, install=True):
            cursor.execute(statement)


def drop_triggers(using: str = "default") -> None:
    connection = connections[using]
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor, install=False):
            cursor.execute(statement)


def install_triggers_after_migrate(*, using: str = "default", **kwargs) -> None:
    if TABLE in connections[using].introspection.table_names():
        install_triggers(using)


@contextmanager
def triggers_suspended(using: str = "default"):
    """For maintenance and tests only: the chain still exposes whatever is changed meanwhile."""
    drop_triggers(using)
    try:
        yield
    finally:
        install_triggers(using)


def application_role_sql(*, role: str, database: str) -> str:
    """SQL (PostgreSQL) that creates `role` for the application: it reads and writes every table
    but may only SELECT and INSERT audit events, and owns nothing, so it cannot UPDATE, DELETE or
    TRUNCATE them nor disable (or drop) the triggers, which only the table's owner may do.

    Run it as the owner that ran the migrations; the application then connects as `role`.
    """
    if not role.replace("_", "").isalnum() or not role.isascii() or role[0].isdigit():
        raise ValueError(f"{role!r} is not a plain role name (letters, digits, underscores).")
    quoted_db = '"' + database.replace('"', '""') + '"'
    return "\n".join(
        [
            f"-- The application role for Tumen; run as the owner of database {quoted_db}.",
            "-- Give it a password with \\password, or let it sign in by certificate or peer.",
            f"CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;",
            f"GRANT CONNECT ON DATABASE {quoted_db} TO {role};",
            f"GRANT USAGE ON SCHEMA public TO {role};",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};",
            f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {TABLE} FROM {role};",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA public "
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role};",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA public "
            f"GRANT USAGE, SELECT ON SEQUENCES TO {role};",
            "",
        ]
    )
