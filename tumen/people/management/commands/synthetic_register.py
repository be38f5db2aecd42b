"""`tumen synthetic_register N --out REGISTER.csv --truth TRUTH.csv`: a labelled test register."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Write a labelled synthetic register of N records (people.linkage.synthetic)."

    def add_arguments(self, parser):
        parser.add_argument("records", type=int)
        parser.add_argument("--out", required=True)
        parser.add_argument("--truth", required=True)
        parser.add_argument("--seed", type=int, default=11)

    def handle(self, *args, records, out, truth, seed, **options):
        if not 1 <= records <= 50_000_000:
            raise CommandError("records: between 1 and 50,000,000")
        from tumen.people.linkage.synthetic import write_register

        written = write_register(out, truth, records, seed=seed)
        self.stdout.write(f"{written} records written to {out}, their persons to {truth}")
