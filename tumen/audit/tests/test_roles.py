"""The application role printed by `tumen db roles` cannot rewrite the audit log (PostgreSQL)."""

from __future__ import annotations

import os
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from tumen.audit.services import audit_record


def test_the_roles_command_explains_itself_on_sqlite(db):
    if connection.vendor != "sqlite":
        pytest.skip("on PostgreSQL the command prints SQL (see the test below)")
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("db", "roles")


def test_a_role_name_that_is_not_plain_is_refused():
    from tumen.audit.db import application_role_sql

    with pytest.raises(ValueError, match="plain role name"):
        application_role_sql(role="x; DROP TABLE y", database="tumen")


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET action = 'forged'",
        "DELETE FROM audit_auditevent",
        "TRUNCATE audit_auditevent",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_no_change ON audit_auditevent",
        "SET session_replication_role = replica",
    ],
)
def test_the_application_role_cannot_change_or_unprotect_the_audit_table(
    yanji_clerk, postgres_only, statement
):
    role = f"tumen_app_test_{os.getpid()}"
    out = StringIO()
    call_command("db", "roles", "--app-role", role, stdout=out)
    audit_record(actor=yanji_clerk, action="test.before_role")
    with connection.cursor() as cursor:
        cursor.execute(out.getvalue())  # rolled back with the test's transaction
        cursor.execute(f"SET ROLE {role}")
        try:
            # What the application does: read and append.
            audit_record(actor=yanji_clerk, action="test.as_app_role")
            cursor.execute("SELECT count(*) FROM audit_auditevent")
            refused = pytest.raises(DatabaseError, match=r"permission denied|must be owner")
            with refused, transaction.atomic():
                cursor.execute(statement)
        finally:
            cursor.execute("RESET ROLE")
