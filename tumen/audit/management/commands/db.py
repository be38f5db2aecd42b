"""`tumen db roles`: the SQL for an application role that cannot rewrite the audit log."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from tumen.audit.db import application_role_sql


class Command(BaseCommand):
    help = "Database administration helpers."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        roles = sub.add_parser(
            "roles",
            help="Print the PostgreSQL SQL that creates an application role which does not own "
            "the audit table (pipe it to psql as the owner).",
        )
        roles.add_argument("--app-role", default="tumen_app", help="Name of the role to create.")

    def handle(self, *args, action: str, app_role: str, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "tumen db roles is for PostgreSQL (DATABASE_URL=postgres://…); on SQLite the "
                "file's owner is the only role and the triggers are the protection."
            )
        try:
            sql = application_role_sql(role=app_role, database=connection.settings_dict["NAME"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(sql, ending="")
