"""The figures as flat rows, for CSV and XLSX: (figure, key, measure, value), one per number.

`figure` is the name docs/reports.md gives it; `key` the group (a case type, a status, a unit
kind); `measure` says what a duration's number is (count, median, p90) or is empty. Written by
tumen.lib.tables, the one CSV and XLSX writer.
"""

from __future__ import annotations

from tumen.lib.tables import csv_text, xlsx_bytes

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
    return csv_text([HEADER, *figure_rows(figures)], bom=False, lineterminator="\n")


def as_xlsx(figures: dict, *, title: str) -> bytes:
    return xlsx_bytes([HEADER, *figure_rows(figures)], title=title or "figures")
