"""`tumen import foreign-request`: notes from the other side, each registered once, whole."""

from __future__ import annotations

import pytest
from django.core.management import CommandError

from tumen.cases.models import ForeignRequest, ForeignRequestPerson
from tumen.imports.columns import NOTE_COLUMNS, PERSON_COLUMNS
from tumen.imports.models import ImportRun

from .conftest import person_row, report_rows, write_csv
from .test_import_command import run_import

pytestmark = pytest.mark.django_db
HEADER = [*PERSON_COLUMNS, *NOTE_COLUMNS]


@pytest.fixture
def jilin_foreign(make_official):
    return make_official("t.jilin.foreign", "jilin-foreign", "clearing_officer")


def note_row(n: int, reference: str, household: str, principal: bool, **changes) -> dict:
    return {
        **person_row(n),
        "reference": reference,
        "received_on": "1963-08-20",
        "authority": "Embassy of the DPRK",
        "household": household,
        "is_principal": "yes" if principal else "",
        "officer_name": "Pak Song Chol" if principal else "",
        **changes,
    }


def test_each_note_is_registered_whole_once_and_a_bad_note_is_reported(tmp_path, jilin_foreign):
    rows = [
        note_row(1, "DPRK-63-101", "A", True),
        note_row(2, "DPRK-63-101", "A", False),
        note_row(3, "DPRK-63-101", "B", True),
        note_row(4, "DPRK-63-102", "C", True),
        note_row(5, "DPRK-63-102", "C", False, birth_date="1963-02-30"),
    ]
    path = write_csv(tmp_path / "notes.csv", rows, header=HEADER)

    run_import("foreign-request", str(path), "--as", jilin_foreign.username)

    request = ForeignRequest.objects.get()
    assert request.reference == "DPRK-63-101"
    assert sorted(ForeignRequestPerson.objects.values_list("household", "is_principal")) == [
        ("A", False), ("A", True), ("B", True),
    ]  # fmt: skip
    errors = {r["import_line"]: r["import_errors"] for r in report_rows(
        ImportRun.objects.get().error_path)}  # fmt: skip
    assert errors == {
        "5": "reference: another row of this note has errors; the note was not registered "
        "('DPRK-63-102')",
        "6": "birth_date: not a date; write it as YYYY-MM-DD ('1963-02-30')",
    }

    run_import("foreign-request", str(path), "--as", jilin_foreign.username)

    assert ForeignRequest.objects.count() == 1
    assert ImportRun.objects.latest("pk").rows_skipped == 3


def test_the_command_line_names_the_official_who_registers_a_note(tmp_path):
    path = write_csv(tmp_path / "n.csv", [note_row(1, "R-1", "A", True)], header=HEADER)

    with pytest.raises(CommandError, match="give --as USERNAME"):
        run_import("foreign-request", str(path))
