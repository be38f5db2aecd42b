from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tumen.imports.columns import PERSON_COLUMNS

CASE_HEADER = [*PERSON_COLUMNS, "case_type", "county", "destination", "application_date"]


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    settings.TUMEN_IMPORT_DIR = tmp_path / "imports"
    return settings.TUMEN_IMPORT_DIR


def person_row(n: int, **changes) -> dict[str, str]:
    row = {
        "record_id": f"R{n:06d}",
        "name_hangul": "김철수",
        "name_hanzi": "金哲洙",
        "name_latin": "Kim Chol Su",
        "sex": "m" if n % 2 else "f",
        "birth_date": f"19{30 + n % 40}-0{1 + n % 9}-1{n % 10}",
        "nationality": "dprk",
        "id_number": f"RP-{n:07d}",
        "ethnicity": "korean",
        "residence": "yanji",
    }
    row.update(changes)
    return row


def csv_text(rows: list[dict[str, str]], header=PERSON_COLUMNS) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(header), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write_csv(path: Path, rows, *, encoding="utf-8", header=PERSON_COLUMNS) -> Path:
    path.write_bytes(csv_text(rows, header).encode(encoding))
    return path


def report_rows(path: str) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))
