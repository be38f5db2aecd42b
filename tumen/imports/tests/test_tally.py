"""An import tallies its batches set-based (tumen.reports.db.batch_tally), not row by row: the
report figures afterwards are exactly those of the set-based rebuild from the case tables."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command

from tumen.cases.models import Case, Transition
from tumen.imports.synthetic import GeneratedSource, Generator
from tumen.reports import db
from tumen.reports.models import Tally, TallyPause

from .conftest import CASE_HEADER, person_row, write_csv

pytestmark = pytest.mark.django_db


def tally_rows() -> dict[tuple, int]:
    rows = Tally.objects.values_list(
        "jurisdiction_id", "month", "figure", "key1", "key2", "value", "n"
    )
    return {row[:-1]: row[-1] for row in rows if row[-1]}


def applications_file(tmp_path, count: int):
    header = GeneratedSource("cases", iter(())).header
    path = tmp_path / "applications.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in Generator(seed=12).applications(count):
            writer.writerow([row[name] for name in header])
    return path


def run_import(*args: str) -> None:
    call_command("import", *args, "--no-progress", "--language", "en", stdout=io.StringIO())


def test_the_figures_after_an_import_are_those_of_the_rebuild(tmp_path, make_official):
    # Cases opened one by one through the services before, so the batch adds to existing rows.
    run_import("persons", str(write_csv(tmp_path / "p.csv", [person_row(1)])))
    before = tally_rows()

    run_import("cases", str(applications_file(tmp_path, 230)), "--batch-size", "100")

    assert Case.objects.count() == 230 == Transition.objects.count()
    kept = tally_rows()
    assert kept != before
    assert sum(n for k, n in kept.items() if k[2] == "opened") == 230
    assert sum(n for k, n in kept.items() if k[2] == "moved") == 230
    assert not TallyPause.objects.exists()
    db.rebuild()
    assert tally_rows() == kept


def test_a_re_run_and_a_rejected_batch_leave_the_figures_right(tmp_path):
    path = applications_file(tmp_path, 60)
    run_import("cases", str(path), "--batch-size", "25")
    kept = tally_rows()

    run_import("cases", str(path), "--batch-size", "25")  # nothing new
    bad = write_csv(
        tmp_path / "bad.csv",
        [{**person_row(9), "case_type": "repatriation", "county": "atlantis"}],
        header=CASE_HEADER,
    )
    run_import("cases", str(bad))

    assert tally_rows() == kept
    db.rebuild()
    assert tally_rows() == kept
