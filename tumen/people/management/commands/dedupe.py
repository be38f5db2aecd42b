"""`tumen dedupe`: cluster a register file, score it against a truth file, or fill the review
queue from the registry. The CSV contract is in docs/matching.md."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tumen.people.linkage import csvio
from tumen.people.linkage import model as m


class Command(BaseCommand):
    help = (
        "De-duplicate persons: INPUT.csv --out CLUSTERS.csv (with --truth TRUTH.csv to score the "
        "run), or without a file the registry, queueing possible duplicates for review."
    )

    def add_arguments(self, parser):
        parser.add_argument("input", nargs="?", help="register CSV (docs/matching.md)")
        parser.add_argument("--out", help="write record_id,cluster_id here")
        parser.add_argument(
            "--truth", help="record_id,cluster_id of the true persons: score the run"
        )
        parser.add_argument(
            "--compare-raw",
            action="store_true",
            help="with --truth, run again comparing names as raw strings, to show the gain",
        )
        parser.add_argument("--threshold", type=float, default=m.MATCH_THRESHOLD)

    def handle(self, *args, input=None, out=None, truth=None, compare_raw=False, threshold, **opts):
        if input is None:
            if out or truth:
                raise CommandError("--out and --truth need an INPUT.csv")
            from tumen.people.dedupe import duplicates_find

            queued = duplicates_find()
            self.stdout.write(f"Queued {queued} new pair(s) of possible duplicates for review.")
            return
        if not (0 < threshold < 1):
            raise CommandError("--threshold: a probability between 0 and 1")
        from tumen.people.linkage.runs import dedupe_file

        try:
            run = dedupe_file(input, out=out, truth_path=truth, threshold=threshold)
            raw = (
                dedupe_file(input, truth_path=truth, raw=True, threshold=threshold)
                if (truth and compare_raw)
                else None
            )
        except csvio.CsvError as exc:
            raise CommandError(str(exc)) from None
        clusters = len(set(run.clusters.values()))
        self.stdout.write(
            f"{run.records} records in {clusters} clusters ({run.seconds:.1f} s)"
            + (f"; written to {out}" if out else "")
        )
        if run.scores:
            self.stdout.write("cross-script name keys:")
            for line in run.scores.lines():
                self.stdout.write("  " + line)
        if raw and raw.scores:
            self.stdout.write("names compared as raw strings:")
            for line in raw.scores.lines()[:2]:
                self.stdout.write("  " + line)
