"""`tumen report`: the same figures as the page, as JSON or CSV, and clear refusals."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from tumen.reports.tests.histories import september_1963

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def history(make_official):
    return september_1963(make_official("t.yanji.approver", "yanji-office", "approver"))


def test_json_names_each_figure_as_docs_reports_md_does(history):
    document = json.loads(run("jilin", "--period", "1963-09"))
    assert document["figures"]["cases_opened"] == 8
    assert document["figures"]["processing_days_by_type"]["relocation"]["median"] == 7


def test_csv_has_one_row_per_number(history):
    rows = list(csv.reader(io.StringIO(run("yanbian", "--period", "1963-09", "--format", "csv"))))
    assert rows[0] == ["figure", "key", "measure", "value"]
    assert ["cases_opened", "", "", "8"] in rows
    assert ["processing_days_by_type", "relocation", "p90", "30"] in rows


def test_the_rebuild_leaves_the_same_figures(history):
    before = run("jilin", "--period", "1963-09")
    run("--rebuild")
    assert run("jilin", "--period", "1963-09") == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("jilin", "--period", "1963-13"), "period: write the month as YYYY-MM"),
        (("atlantis", "--period", "1963-09"), "no jurisdiction with the code 'atlantis'"),
        (("jilin",), "give a jurisdiction code and --period"),
    ],
)
def test_bad_arguments_are_named(db, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_a_month_outside_1900_to_2099_is_named(db):
    with pytest.raises(CommandError, match="from 1900-01 to 2099-12"):
        run("jilin", "--period", "0000-01")
