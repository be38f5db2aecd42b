"""Reading the CSV contract (docs/matching.md) into Features, with row-level errors."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from tumen.people.linkage.features import COLUMNS, Features, features


class CsvError(ValueError):
    """A file that breaks the contract; the message names the row and the column."""


@dataclass
class Record:
    features: Features
    cells: dict[str, str]


def _birth(value: str, line: int) -> datetime.date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CsvError(
            f"line {line}: birth_date {value!r} is not an ISO date (YYYY-MM-DD)"
        ) from None


def read(path, *, raw: bool = False) -> list[Record]:
    """Every row of a contract CSV; refuses the file with the first bad row's line and column."""
    return list(iter_records(path, raw=raw))


def iter_records(path, *, raw: bool = False) -> Iterator[Record]:
    """The rows of a contract CSV one by one, so that a million need not be held at once; a bad
    row raises CsvError when it is reached."""
    try:
        handle = open(path, newline="", encoding="utf-8-sig")  # noqa: SIM115
    except OSError as exc:
        raise CsvError(f"{path}: {exc.strerror}") from None
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise CsvError(
                f"{path}: missing column(s) {', '.join(missing)}; expected {','.join(COLUMNS)}"
            )
        yield from _rows(reader, raw)


def _rows(reader: csv.DictReader, raw: bool) -> Iterator[Record]:
    seen: set[str] = set()
    try:
        for row in reader:
            line = reader.line_num
            rid = (row["record_id"] or "").strip()
            if not rid:
                raise CsvError(f"line {line}: record_id is blank")
            if rid in seen:
                raise CsvError(f"line {line}: record_id {rid!r} appears twice")
            seen.add(rid)
            sex = (row["sex"] or "").strip().upper()
            if sex not in ("", "M", "F"):
                raise CsvError(f"line {line}: sex {row['sex']!r} must be M, F or blank")
            cells = {k: (row[k] or "") for k in COLUMNS}
            f = features(
                record_id=rid,
                names=(cells["name_hangul"], cells["name_hanzi"], cells["name_latin"]),
                birth_date=_birth(cells["birth_date"], line),
                sex=sex,
                id_number=cells["id_number"],
                nationality=cells["nationality"],
                raw=raw,
            )
            yield Record(f, cells)
    except UnicodeDecodeError:
        raise CsvError(f"line {reader.line_num + 1}: the file is not UTF-8") from None


def read_truth(path) -> dict[str, str]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if not {"record_id", "cluster_id"} <= set(reader.fieldnames or []):
            raise CsvError(f"{path}: a truth file has the columns record_id,cluster_id")
        return {row["record_id"].strip(): row["cluster_id"].strip() for row in reader}
