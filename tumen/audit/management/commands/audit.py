"""`tumen audit verify` and `tumen audit seal`."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tumen.audit.verify import seal_head, verify_chain, verify_seal


class Command(BaseCommand):
    help = "Verify the audit chain, or seal its head outside the database."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Walk the chain and check the sealed head(s).")
        sub.add_parser("seal", help="Write a signed head (sequence, hash) to the seal file(s).")

    def handle(self, *args, action: str, **options):
        if action == "seal":
            seal = seal_head()
            self.stdout.write(f"Sealed event {seal['seq']} ({seal['row_hash'][:16]}…).")
            return
        chain = verify_chain()
        if not chain.ok:
            raise CommandError(f"Audit chain broken: {chain.message}")
        seal = verify_seal()
        if not seal.ok:
            raise CommandError(f"Audit seal check failed: {seal.message}")
        self.stdout.write(self.style.SUCCESS(f"{chain.message} {seal.message}"))
