"""`tumen export persons|cases --as USERNAME [--out FILE]`: a register out of the system.

The same export as the page's (tumen.imports.export): only what the official's jurisdiction
holds, only for a role that may export, audited as that official's; cells a spreadsheet would
run as a formula are neutralised (tumen.lib.tables). An export always has an official: the
jurisdiction is theirs, so there is no export "as the system". CSV goes to standard output
unless --out names a file; a .xlsx file is written as XLSX, row by row.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from tumen.imports import export as exports
from tumen.lib.tables import csv_lines, xlsx_file
from tumen.org.models import Official


class Command(BaseCommand):
    help = "Export the persons or cases of an official's jurisdiction as CSV or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("subject", choices=sorted(exports.SUBJECTS))
        parser.add_argument(
            "--as", dest="username", required=True, help="the official whose jurisdiction it is"
        )
        parser.add_argument(
            "--out", type=Path, help="FILE.csv or FILE.xlsx (default: CSV on stdout)"
        )

    def handle(self, *args, subject: str, username: str, out: Path | None, **options):
        official = (
            Official.objects.select_related("unit__jurisdiction")
            .filter(username=username, is_active=True)
            .first()
        )
        if official is None:
            raise CommandError(f"--as {username}: no active official has this username")
        if official.unit is None:
            raise CommandError(f"--as {username}: this official belongs to no unit")
        xlsx = out is not None and out.suffix.lower() == ".xlsx"
        try:
            # Command output is in English, whatever the site's language.
            with translation.override("en"):
                rows = exports.export_begin(
                    official=official, subject=subject, fmt="xlsx" if xlsx else "csv"
                )
        except PermissionDenied as exc:
            raise CommandError(f"--as {username}: {exc}") from None
        counted = _Counted(rows)
        if xlsx:
            xlsx_file(counted, out)
        elif out is not None:
            out.parent.mkdir(parents=True, exist_ok=True)
            with out.open("w", encoding="utf-8", newline="") as handle:
                handle.writelines(csv_lines(counted))
        else:
            for line in csv_lines(counted, bom=False):
                self.stdout.write(line, ending="")
        if out is not None:
            self.stderr.write(f"{out}: {counted.count - 1} {subject}")


class _Counted:
    """The rows, counted as they go by (the header among them)."""

    def __init__(self, rows):
        self.rows = rows
        self.count = 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row
