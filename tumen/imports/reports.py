"""The error report: the rejected rows as they came, each with its line and what is wrong with it.

It is in the format of the file imported (CSV stays CSV, a spreadsheet gets a spreadsheet), with
the file's columns first and two more, `import_line` and `import_errors`, which a re-import
ignores: the clerk corrects the cells, saves, and imports the report itself. Cells that a
spreadsheet would run as a formula are written so that it shows them as text.
"""

from __future__ import annotations

import csv
import secrets
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from django.conf import settings

from tumen.imports.columns import FORMULA_START, REPORT_COLUMNS, SURROGATE, Problem
from tumen.imports.sources import Source, SourceRow


def neutralised(value: object) -> object:
    """A cell a spreadsheet shows as text, never runs: a leading ' before = + - @."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def describe(problems: Sequence[Problem]) -> str:
    parts = []
    for column, value, reason in problems:
        where = f"{column}: " if column else ""
        shown = f" ({_readable(value)!r})" if value else ""
        parts.append(f"{where}{reason}{shown}")
    return "; ".join(parts)


class TableFile:
    """Rows written one at a time to a CSV (UTF-8 with BOM, so spreadsheets read it) or XLSX."""

    def __init__(self, path: Path, header: Sequence[str]) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.xlsx = path.suffix.lower() == ".xlsx"
        if self.xlsx:
            import xlsxwriter

            # constant_memory: each row is flushed to disk as it is written.
            self.book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
            self.sheet = self.book.add_worksheet()
            self.row = 0
        else:
            self.handle = path.open("w", encoding="utf-8-sig", newline="", errors="replace")
            self.writer = csv.writer(self.handle)
        self.write(header)

    def write(self, values: Iterable[object]) -> None:
        if self.xlsx:
            for column, value in enumerate(values):
                if isinstance(value, str):
                    # write_string: never interpreted as a formula, a number or a URL.
                    self.sheet.write_string(self.row, column, value)
                elif value is not None:
                    self.sheet.write(self.row, column, value)
            self.row += 1
        else:
            self.writer.writerow([neutralised(value) for value in values])

    def close(self) -> None:
        if self.xlsx:
            self.book.close()
        else:
            self.handle.close()


class ErrorReport:
    def __init__(self, path: Path, header: list[str]) -> None:
        self.path = path
        self.header = [name for name in header if name not in REPORT_COLUMNS]
        self.file: TableFile | None = None
        self.count = 0

    @classmethod
    def for_run(cls, run, source: Source) -> ErrorReport:
        suffix = ".xlsx" if source.spreadsheet else ".csv"
        directory = Path(settings.TUMEN_IMPORT_DIR)
        # A random part, so that no one can guess another run's report and no two runs share one.
        name = f"run-{run.pk}-{secrets.token_hex(8)}-errors{suffix}"
        return cls(directory / name, source.header)

    def add(self, rejected: Iterable[tuple[SourceRow, Sequence[Problem]]]) -> None:
        for row, problems in rejected:
            if self.file is None:
                self.file = TableFile(self.path, [*self.header, *REPORT_COLUMNS])
            values = [_readable(row.values.get(name, "")) for name in self.header]
            self.file.write([*values, row.line, describe(problems)])
            self.count += 1

    def close(self) -> None:
        if self.file is not None:
            self.file.close()

    def path_if_any(self) -> str:
        return str(self.path) if self.count else ""


def _readable(value: str) -> str:
    # Undecodable bytes (kept as surrogates) cannot be written as text; show them as U+FFFD.
    return SURROGATE.sub("\ufffd", value) if value else value


def lines(path: Path) -> Iterator[list[str]]:
    """The rows of a CSV report, for reading it back (tests, the command's summary)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        yield from csv.reader(handle)
