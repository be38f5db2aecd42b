"""`tumen match QUERIES.csv --against REGISTER.csv --out MATCHES.csv` (docs/matching.md)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tumen.people.linkage import csvio
from tumen.people.linkage import model as m


class Command(BaseCommand):
    help = "For each query record, the register record of the same person, or blank for a new one."

    def add_arguments(self, parser):
        parser.add_argument("queries", help="query CSV (docs/matching.md)")
        parser.add_argument("--against", required=True, help="register CSV")
        parser.add_argument("--out", required=True, help="write record_id,match_record_id,score")
        parser.add_argument("--threshold", type=float, default=m.MATCH_THRESHOLD)

    def handle(self, *args, queries, against, out, threshold, **options):
        from tumen.people.linkage.runs import match_file

        try:
            matched = match_file(queries, against, out, threshold=threshold)
        except csvio.CsvError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{matched} query record(s) matched a register record; written to {out}")
