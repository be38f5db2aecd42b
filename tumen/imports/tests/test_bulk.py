"""TableWriter: rows given as values (`filler`) are the same rows as those given as dicts."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tumen.cases.models import Case, Transition
from tumen.imports.bulk import TableWriter
from tumen.people.models import Person

pytestmark = pytest.mark.django_db


def test_a_filled_row_is_the_row_tuples_makes():
    now = timezone.now()
    writer = TableWriter(Person, now=now)
    person = {
        "id": 7, "name_hangul": "김철수", "name_latin": "Kim Chol Su", "sex": "M",
        "nationality": "dprk", "date_of_birth": datetime.date(1931, 5, 2), "residence_id": None,
    }  # fmt: skip
    fill = writer.filler(tuple(person))

    assert list(fill(tuple(person.values()))) == writer.tuples([person])[0]
    # A value that needs converting (a date on SQLite) is converted; None stays None.
    assert (
        list(fill((*list(person.values())[:-2], None, None)))
        == writer.tuples([{**person, "date_of_birth": None}])[0]
    )


def test_a_time_left_out_is_the_write_time_only_where_the_model_says_so():
    """`created_at` defaults to the clock: the batch's instant. `submitted_at`, `decision_due`
    and `decided_at` have no default and may be empty: a draft written without them has none
    (Django's "no default" marker is a class, and so callable: it must not pass for a clock)."""
    now = timezone.now()
    writer = TableWriter(Case, now=now)
    defaults = dict(zip(writer.attnames, writer.defaults, strict=True))
    assert defaults["submitted_at"] is None
    assert defaults["decision_due"] is None
    assert defaults["decided_at"] is None
    assert defaults["created_at"] is not None


def test_a_filler_refuses_unknown_columns_and_missing_required_ones():
    writer = TableWriter(Transition, now=timezone.now())
    with pytest.raises(ValueError, match="no column"):
        writer.filler(("id", "case_id", "to_status", "colour"))
    with pytest.raises(ValueError, match=r"no value and no default for (case_id|at)"):
        writer.filler(("id", "to_status"))


def test_an_import_gives_its_connection_back_with_sqlites_page_cache_as_it_was(tmp_path):
    from django.db import connection

    from tumen.imports.services import import_file

    from .conftest import person_row, write_csv

    if connection.vendor != "sqlite":
        pytest.skip("a SQLite connection setting")
    with connection.cursor() as cursor:
        before = cursor.execute("PRAGMA cache_size").fetchone()[0]
    run = import_file(
        actor=None, kind="persons", path=write_csv(tmp_path / "p.csv", [person_row(1)])
    )
    assert run.rows_imported == 1
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA cache_size").fetchone()[0] == before != -64 * 1024
