"""`tumen generate --persons N --cases M`: realistic synthetic registers and cases.

Persons (households of a register) stream from tumen.imports.synthetic into the bulk import
(checks, import keys, one audit event per batch). Cases are households opened at the scenario's
county offices and taken to every state, draft to closed, with their clearances, decisions,
travel documents, crossings and audit (tumen.imports.histories), written in batches. Memory
stays flat however many are asked for, and a re-run with the same seed adds nothing.
`--out FILE` writes import files instead (FILE's name with -persons and -cases, CSV or XLSX):
registers and draft applications in the import contract, to import later.
"""

from __future__ import annotations

import datetime
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from tumen.imports.histories import generate_cases
from tumen.imports.models import ImportKind
from tumen.imports.services import BATCH_SIZE, import_run, run_create
from tumen.imports.synthetic import GeneratedSource, Generator
from tumen.lib import clock
from tumen.lib.tables import TableFile
from tumen.policy.models import PolicyPack


class Command(BaseCommand):
    help = "Generate synthetic persons and applications, into the database or to files."

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=0)
        parser.add_argument("--cases", type=int, default=0)
        parser.add_argument("--seed", type=int, default=1963)
        parser.add_argument("--out", type=Path, help="write FILE-persons.csv / FILE-cases.csv")
        parser.add_argument("--batch-size", type=int, default=0, help="rows (or cases) a batch")
        parser.add_argument(
            "--now",
            type=datetime.datetime.fromisoformat,
            help="the time the cases' histories end at (ISO 8601; default: now)",
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, persons, cases, seed, out, batch_size, now, no_progress, **options):
        if persons < 0 or cases < 0 or not (persons or cases):
            raise CommandError("give --persons N and/or --cases M (positive numbers)")
        if now is not None and now.tzinfo is None:
            raise CommandError("--now needs a UTC offset, e.g. 1963-10-01T12:00:00+08:00")
        generator = Generator(seed=seed)
        for kind, count, rows in (
            (ImportKind.PERSONS, persons, generator.persons),
            (ImportKind.CASES, cases, generator.applications),
        ):
            if not count:
                continue
            bar = tqdm(total=count, unit="rows", disable=no_progress, desc=f"generate {kind}")
            with bar:
                if out:
                    self._write(out, kind, rows(count), bar)
                elif kind == ImportKind.PERSONS:
                    self._import(kind, rows(count), bar, batch_size or BATCH_SIZE)
                else:
                    self._cases(count, seed, now or clock.now(), bar, batch_size)

    def _cases(self, count: int, seed: int, now, bar, batch_size: int) -> None:
        started = time.perf_counter()
        extra = {"batch_size": batch_size} if batch_size else {}

        def progress(summary):
            bar.update(summary.cases + summary.skipped - bar.n)

        if not PolicyPack.objects.filter(code="cc1963", active=True).exists():
            raise CommandError("cases need the 1963 scenario's policy pack: tumen scenario load")
        summary = generate_cases(count, seed=seed, now=now, on_batch=progress, **extra)
        seconds = time.perf_counter() - started
        states = ", ".join(f"{state} {n}" for state, n in sorted(summary.by_status.items()))
        self.stdout.write(
            f"cases: {summary.cases} written, {summary.skipped} already there "
            f"in {seconds:.1f} s ({states or 'none'})"
        )

    def _write(self, out: Path, kind: str, rows, bar) -> None:
        path = out.with_name(f"{out.stem}-{kind}{out.suffix or '.csv'}")
        source = GeneratedSource(kind, iter(()))
        table = TableFile(path, source.header)
        written = 0
        try:
            for row in rows:
                table.write(row.get(name, "") for name in source.header)
                written += 1
                bar.update(1)
        finally:
            table.close()
        self.stdout.write(f"{path}: {written} rows")

    def _import(self, kind: str, rows, bar, batch_size: int) -> None:
        started = time.perf_counter()
        run = run_create(actor=None, kind=kind, path=None, file_name=f"generated {kind}")
        run = import_run(
            run=run,
            batch_size=batch_size,
            source=GeneratedSource(kind, rows),
            on_batch=lambda current: bar.update(current.rows_read - bar.n),
        )
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"{kind}: {run.rows_imported} imported, {run.rows_skipped} already there, "
            f"{run.rows_rejected} rejected in {seconds:.1f} s"
        )
        if run.error_path:
            self.stdout.write(f"errors: {run.error_path}")
