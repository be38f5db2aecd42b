"""The one table writer: CSV and XLSX, with formula-like cells neutralised in both."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from python_calamine import CalamineWorkbook

from tumen.lib.tables import (
    TableFile,
    csv_text,
    formula_like,
    neutralised,
    sheet_name,
    xlsx_bytes,
    xlsx_file,
)

CELLS = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "plain", "a=b", "", None, 7]


def test_only_cells_that_begin_with_a_formula_sign_are_neutralised():
    assert [formula_like(v) for v in CELLS] == [True] * 4 + [False] * 5
    assert neutralised("=1+1") == "'=1+1"
    assert neutralised("a=b") == "a=b"
    assert neutralised(-2) == -2  # a number is a number, not text a spreadsheet parses


def test_csv_cells_get_a_leading_quote_and_the_file_a_byte_order_mark(tmp_path):
    text = csv_text([["h"] * len(CELLS), CELLS])
    assert text.startswith("\ufeff")
    [_header, row] = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert row == ["'=HYPERLINK(\"http://x\")", "'+1", "'-2", "'@SUM(A1)", "plain", "a=b", "", "",
                   "7"]  # fmt: skip

    path = tmp_path / "t.csv"
    table = TableFile(path, ["a", "b"])
    table.write(["-x", "y"])
    table.close()
    assert path.read_text(encoding="utf-8-sig").splitlines() == ["a,b", "'-x,y"]


def xlsx_rows(data: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


@pytest.mark.parametrize("streamed", [True, False])
def test_xlsx_cells_are_text_never_a_formula(tmp_path, streamed):
    rows = [["h"] * len(CELLS), CELLS]
    if streamed:
        data = xlsx_file(iter(rows), tmp_path / "t.xlsx").read_bytes()
    else:
        data = xlsx_bytes(rows, title="figures: 1963/09")
    values = xlsx_rows(data)[1]
    assert values[:6] == CELLS[:6]
    assert values[8] == 7
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        styles = archive.read("xl/styles.xml").decode()
    assert "<f>" not in sheet  # no formula anywhere
    assert 'quotePrefix="1"' in styles  # Excel's own "this is text" on the formula-like cells


def test_a_sheet_name_is_what_a_workbook_accepts():
    assert sheet_name("yanji: 1963/09 [draft]") == "yanji- 1963-09 -draft-"
    assert len(sheet_name("x" * 40)) == 31
    assert sheet_name("") == "Sheet1"
