"""`tumen generate --persons N --cases M`: realistic synthetic registers and applications.

Rows stream from the generator into the bulk import (checks, import keys, one audit event per
batch), so memory stays flat however many are asked for; `--out FILE` writes them to a CSV or
XLSX file instead (two files: FILE's name with -persons and -cases), to import later.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from tumen.imports.models import ImportKind
from tumen.imports.reports import TableFile
from tumen.imports.services import BATCH_SIZE, import_run, run_create
from tumen.imports.synthetic import GeneratedSource, Generator


class Command(BaseCommand):
    help = "Generate synthetic persons and applications, into the database or to files."

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=0)
        parser.add_argument("--cases", type=int, default=0)
        parser.add_argument("--seed", type=int, default=1963)
        parser.add_argument("--out", type=Path, help="write FILE-persons.csv / FILE-cases.csv")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, persons, cases, seed, out, batch_size, no_progress, **options):
        if persons < 0 or cases < 0 or not (persons or cases):
            raise CommandError("give --persons N and/or --cases M (positive numbers)")
        generator = Generator(seed=seed)
        for kind, count, rows in (
            (ImportKind.PERSONS, persons, generator.persons),
            (ImportKind.CASES, cases, generator.applications),
        ):
            if count:
                bar = tqdm(total=count, unit="rows", disable=no_progress, desc=f"generate {kind}")
                with bar:
                    if out:
                        self._write(out, kind, rows(count), bar)
                    else:
                        self._import(kind, rows(count), bar, batch_size)

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
