"""Tables for people to open in a spreadsheet: the one CSV and XLSX writer of every export.

The exports of persons and cases (tumen.imports.export), the import's error reports
(tumen.imports.reports), `tumen generate --out` and the situation reports' figures
(tumen.reports.exports) all write through here, so a cell is neutralised in one place:

- a text cell that begins with = + - @ would be run as a formula by a spreadsheet (formula
  injection, OWASP "CSV injection"). `formula_like` says which; in CSV such a cell gets a leading
  ' (`neutralised`), which spreadsheets read as "text follows" and the import takes off again
  (tumen.imports.columns); in XLSX it is written as a string cell, which no spreadsheet
  evaluates, with Excel's own quote prefix, the hidden ' that keeps it text when edited.
- XLSX is written with XlsxWriter: with `constant_memory` each row goes to disk as it is
  written, so a million-row export takes no more memory than ten; text goes in with
  `write_string`, never guessed to be a number, a date, a URL or a formula. (openpyxl's
  write-only mode also streams, but builds a cell object per value and is several times slower
  to write; XLSX is only ever read by the import, with python-calamine.)
- CSV is UTF-8 with a byte order mark, without which spreadsheets take it for the local code page.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import xlsxwriter

FORMULA_START = ("=", "+", "-", "@")
BOM = "\ufeff"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What a worksheet's name may not hold, and its longest.
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31


def formula_like(value: object) -> bool:
    """A text cell that a spreadsheet would run as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def neutralised(value: object) -> object:
    """The value as a CSV cell: a leading ' before = + - @, so a spreadsheet shows it as text."""
    return "'" + value if formula_like(value) else value


def sheet_name(title: str) -> str:
    return _SHEET_NAME_BAD.sub("-", title)[:SHEET_NAME_MAX] or "Sheet1"


class _Sheet:
    """Rows into one XlsxWriter worksheet, each value by its type."""

    def __init__(self, book: xlsxwriter.Workbook, title: str) -> None:
        self.sheet = book.add_worksheet(sheet_name(title))
        self.quoted = book.add_format({"quote_prefix": True})
        self.row = 0

    def write(self, values: Iterable[object]) -> None:
        sheet, row = self.sheet, self.row
        for column, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                if formula_like(value):
                    sheet.write_string(row, column, value, self.quoted)
                else:
                    sheet.write_string(row, column, value)
            elif isinstance(value, bool):
                sheet.write_boolean(row, column, value)
            elif isinstance(value, int | float):
                sheet.write_number(row, column, value)
            else:
                sheet.write_string(row, column, str(value))
        self.row += 1


class TableFile:
    """Rows written one at a time to a CSV (UTF-8 with BOM) or, for a .xlsx path, an XLSX file."""

    def __init__(self, path: Path, header: Sequence[str], *, title: str = "Sheet1") -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.xlsx = path.suffix.lower() == ".xlsx"
        if self.xlsx:
            # constant_memory: each row is flushed to disk as it is written.
            self.book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
            self.sheet = _Sheet(self.book, title)
        else:
            self.handle = path.open("w", encoding="utf-8-sig", newline="", errors="replace")
            self.writer = csv.writer(self.handle)
        self.write(header)

    def write(self, values: Iterable[object]) -> None:
        if self.xlsx:
            self.sheet.write(values)
        else:
            self.writer.writerow([neutralised(value) for value in values])

    def close(self) -> None:
        if self.xlsx:
            self.book.close()
        else:
            self.handle.close()


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(
    rows: Iterable[Sequence[object]], *, bom: bool = True, lineterminator: str = "\r\n"
) -> Iterator[str]:
    """The rows as CSV text, line by line (for a streamed response); None is an empty cell."""
    writer = csv.writer(_Echo(), lineterminator=lineterminator)
    if bom:
        yield BOM
    for row in rows:
        yield writer.writerow(["" if v is None else neutralised(v) for v in row])


def csv_text(rows: Iterable[Sequence[object]], **options) -> str:
    return "".join(csv_lines(rows, **options))


def xlsx_bytes(rows: Iterable[Sequence[object]], *, title: str) -> bytes:
    """A small table (a report's figures) as an XLSX file's bytes, built in memory."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = _Sheet(book, title)
    for row in rows:
        sheet.write(row)
    book.close()
    return out.getvalue()


def xlsx_file(rows: Iterable[Sequence[object]], path: Path) -> Path:
    """Rows (header first) streamed to an XLSX file at `path`, row by row; returns the path."""
    rows = iter(rows)
    table = TableFile(path, next(rows))
    try:
        for row in rows:
            table.write(row)
    finally:
        table.close()
    return path
