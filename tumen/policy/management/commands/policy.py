"""`tumen policy load PACK` loads a shipped pack by code or a pack file by path."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tumen.policy.services import PolicyError, policy_pack_load


class Command(BaseCommand):
    help = "Load a policy pack (by shipped code, e.g. cc1963, or by file path)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Load one pack version; re-loading it changes nothing.")
        load.add_argument("source")

    def handle(self, *args, action: str, source: str, **options):
        try:
            stored = policy_pack_load(source=source)
        except PolicyError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Policy pack {stored.code} v{stored.version} is loaded "
            f"({len(stored.document['case_types'])} case types)."
        )
