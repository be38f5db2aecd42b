"""Reading an import file row by row: CSV in any of the encodings offices use, or XLSX.

Rows stream: nothing holds more than one row of the file in memory. A CSV is decoded with
`surrogateescape`, so a line whose bytes do not fit the encoding is not fatal: its undecodable bytes
stay visible as surrogates, and validation reports that line as wrongly encoded while the rest of
the file imports.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

# Encodings the offices' files come in; detection picks among what charset-normalizer proposes.
KNOWN_ENCODINGS = ("utf_8", "utf_8_sig", "gb18030", "euc_kr")
SAMPLE_BYTES = 256 * 1024
XLSX_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


class SourceError(Exception):
    """The file as a whole cannot be read (no header, unknown encoding, not a spreadsheet)."""


@dataclass(frozen=True)
class SourceRow:
    line: int
    values: dict[str, str]


def is_spreadsheet(path: Path) -> bool:
    return path.suffix.lower() in XLSX_SUFFIXES


def normalized_encoding(name: str) -> str:
    try:
        return codecs.lookup(name).name.replace("-", "_")
    except LookupError:
        raise SourceError(f"unknown encoding {name!r}") from None


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when the bytes are UTF-8, else charset-normalizer's guess."""
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf_8_sig"
    if _mostly_utf8(sample):
        return "utf_8"
    best = from_bytes(sample, cp_isolation=["gb18030", "euc_kr", "utf_8"]).best()
    if best is None:
        raise SourceError("the file's encoding could not be recognised; give it with --encoding")
    return normalized_encoding(best.encoding)


def _mostly_utf8(sample: bytes) -> bool:
    """UTF-8, perhaps with a few lines pasted in from another encoding (reported row by row).

    Text in GB18030 or EUC-KR read as UTF-8 is nearly all invalid sequences; UTF-8 text with a
    stray foreign line is nearly all valid ones.
    """
    text = sample.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    if bad == 0:
        return True
    good = sum(1 for char in text if char > "\x7f") - bad
    return good > 10 * bad


class CountingReader(io.RawIOBase):
    """A binary file that counts the bytes read, for the progress bar's time left."""

    def __init__(self, raw) -> None:
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self.raw.readinto(buffer)
        self.count += n or 0
        return n


class Source:
    """One import file; iterate `rows()` once. `bytes_read` tells how far the reading has come."""

    def __init__(self, path: Path, *, encoding: str | None = None) -> None:
        self.path = Path(path)
        self.size = self.path.stat().st_size
        self.spreadsheet = is_spreadsheet(self.path)
        if self.spreadsheet:
            self.encoding = ""
        else:
            self.encoding = normalized_encoding(encoding) if encoding else detect_encoding(path)
        self._counter: CountingReader | None = None
        self.header: list[str] = []

    @property
    def bytes_read(self) -> int:
        if self.spreadsheet:
            return self.size if self.header else 0
        return self._counter.count if self._counter else 0

    def rows(self) -> Iterator[SourceRow]:
        yield from (self._spreadsheet_rows() if self.spreadsheet else self._csv_rows())

    def _csv_rows(self) -> Iterator[SourceRow]:
        with self.path.open("rb") as raw:
            self._counter = CountingReader(raw)
            buffered = io.BufferedReader(self._counter, buffer_size=1 << 16)
            text = io.TextIOWrapper(
                buffered, encoding=self.encoding, errors="surrogateescape", newline=""
            )
            reader = csv.reader(text)
            self.header = _header(next(reader, None))
            width = len(self.header)
            line = reader.line_num
            for record in reader:
                start, line = line + 1, reader.line_num
                if not any(record):
                    continue
                yield SourceRow(start, _row(self.header, record, width))

    def _spreadsheet_rows(self) -> Iterator[SourceRow]:
        from python_calamine import CalamineWorkbook

        try:
            sheet = CalamineWorkbook.from_path(str(self.path)).get_sheet_by_index(0)
        except Exception as exc:  # calamine raises its own error types for every bad file
            raise SourceError(f"not a readable spreadsheet: {type(exc).__name__}") from None
        rows = sheet.iter_rows()
        self.header = _header(next(rows, None))
        width = len(self.header)
        for index, record in enumerate(rows, start=2):
            cells = [_cell_text(value) for value in record]
            if any(cells):
                yield SourceRow(index, _row(self.header, cells, width))


def _header(record) -> list[str]:
    if not record:
        raise SourceError("the file is empty: the first line must name the columns")
    return [_cell_text(name).strip().lstrip("\ufeff").lower() for name in record]


def _row(header: list[str], record: list[str], width: int) -> dict[str, str]:
    values = dict(zip(header, record, strict=False))
    if len(record) > width:
        values["__extra__"] = ",".join(record[width:])
    return values


def _cell_text(value) -> str:
    """A spreadsheet cell as the text a CSV would hold: dates ISO, whole numbers without .0."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") else text
    return str(value)


def write_csv_header(handle, header: list[str]) -> csv.writer:
    writer = csv.writer(handle)
    writer.writerow(header)
    return writer
