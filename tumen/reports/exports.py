"""The figures as flat rows, for CSV and XLSX: (figure, key, measure, value), one per number.

`figure` is the name docs/reports.md gives it; `key` the group (a case type, a status, a unit
kind); `measure` says what a duration's number is (count, median, p90) or is empty.
"""

from __future__ import annotations

import csv
import io

HEADER = ("figure", "key", "measure", "value")


def figure_rows(figures: dict) -> list[tuple]:
    rows = []
    for name, value in figures.items():
        if isinstance(value, dict):
            for key, inner in value.items():
                if isinstance(inner, dict):
                    rows.extend((name, key, measure, v) for measure, v in inner.items())
                else:
                    rows.append((name, key, "", inner))
        else:
            rows.append((name, "", "", value))
    return rows


def as_csv(figures: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(("" if v is None else v for v in row) for row in figure_rows(figures))
    return out.getvalue()


def as_xlsx(figures: dict, *, title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31] or "figures")
    sheet.append(HEADER)
    for row in figure_rows(figures):
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
