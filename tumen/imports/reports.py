"""The error report: the rejected rows as they came, each with its line and what is wrong with it.

It is in the format of the file imported (CSV stays CSV, a spreadsheet gets a spreadsheet), with
the file's columns first and two more, `import_line` and `import_errors`, which a re-import
ignores: the clerk corrects the cells, saves, and imports the report itself. It is written by
tumen.lib.tables, the one table writer, which neutralises cells a spreadsheet would run as a
formula.
"""

from __future__ import annotations

import csv
import secrets
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from django.conf import settings

from tumen.imports.columns import REPORT_COLUMNS, SURROGATE, Problem
from tumen.imports.sources import Source, SourceRow
from tumen.lib.tables import TableFile


def describe(problems: Sequence[Problem]) -> str:
    parts = []
    for column, value, reason in problems:
        where = f"{column}: " if column else ""
        shown = f" ({_readable(value)!r})" if value else ""
        parts.append(f"{where}{reason}{shown}")
    return "; ".join(parts)


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
