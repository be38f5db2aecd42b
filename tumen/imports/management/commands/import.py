"""`tumen import persons|cases|foreign-request FILE`: bulk intake from CSV or XLSX, exactly once.

From the command line an import runs as the system (recorded so in the audit) unless `--as
USERNAME` names the official whose role and jurisdiction it runs under.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from tqdm import tqdm

from tumen.imports.models import ImportKind
from tumen.imports.services import BATCH_SIZE, ImportRefused, import_run, run_create
from tumen.org.models import Official


class Command(BaseCommand):
    help = "Import persons or applications (cases) from a CSV or XLSX file."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=ImportKind.values)
        parser.add_argument("file", type=Path)
        parser.add_argument("--encoding", default="", help="the CSV's encoding (default: detected)")
        parser.add_argument(
            "--dry-run", action="store_true", help="check every row and write nothing"
        )
        parser.add_argument(
            "--as", dest="username", default="", help="run as this official (default: system)"
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default="",
            help="language of the error report (default: the official's, else the site's)",
        )
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        parser.add_argument("--no-progress", action="store_true")

    def handle(
        self, *args, kind, file, encoding, dry_run, username, language, batch_size, **options
    ):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        actor = self._actor(username)
        if language:
            translation.activate(language)
        try:
            run = run_create(
                actor=actor, kind=kind, path=file.resolve(), file_name=file.name,
                encoding=encoding, dry_run=dry_run, language=language,
            )  # fmt: skip
        except (PermissionDenied, ImportRefused) as exc:
            raise CommandError(str(exc)) from None
        bar = tqdm(
            total=run.bytes_total, unit="B", unit_scale=True, disable=options["no_progress"],
            desc=f"import {kind}",
        )  # fmt: skip
        started = time.perf_counter()

        def progress(current):
            bar.update(current.bytes_read - bar.n)
            elapsed = time.perf_counter() - started
            bar.set_postfix(rows=current.rows_read, rows_s=f"{current.rows_read / elapsed:,.0f}")

        try:
            run = import_run(run=run, batch_size=batch_size, on_batch=progress)
        except ImportRefused as exc:
            raise CommandError(f"{file.name}: {exc}") from None
        finally:
            bar.close()
        self._summary(run, time.perf_counter() - started)

    def _actor(self, username: str) -> Official | None:
        if not username:
            return None
        try:
            return Official.objects.select_related("unit__jurisdiction").get(
                username=username, is_active=True
            )
        except Official.DoesNotExist:
            raise CommandError(f"--as {username}: no active official has this username") from None

    def _summary(self, run, seconds: float) -> None:
        verb = "would import" if run.dry_run else "imported"
        self.stdout.write(
            f"run {run.pk}: {run.rows_read} rows read in {seconds:.1f} s "
            f"({run.rows_read / max(seconds, 1e-9):,.0f} rows/s): {verb} {run.rows_imported}, "
            f"{run.rows_skipped} already imported, {run.rows_rejected} rejected."
        )
        if run.error_path:
            self.stdout.write(f"errors: {run.error_path} (correct it and import it again)")
