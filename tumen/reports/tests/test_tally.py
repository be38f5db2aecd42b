"""The triggers keep the tally exactly as the set-based rebuild computes it from the raw tables."""

from __future__ import annotations

import io

import pytest
from django.db import transaction

from tumen.cases.models import Case, Transition
from tumen.reports import db
from tumen.reports.models import Tally, TallyPause
from tumen.reports.tests.histories import september_1963
from tumen.scenario.demo import populate

pytestmark = pytest.mark.django_db


def tally_rows() -> dict[tuple, int]:
    rows = Tally.objects.values_list(
        "jurisdiction_id", "month", "figure", "key1", "key2", "value", "n"
    )
    return {row[:-1]: row[-1] for row in rows if row[-1]}


def split_flags(rows: dict) -> tuple[dict, dict]:
    flags = {k: n for k, n in rows.items() if k[2] == "flag"}
    return {k: n for k, n in rows.items() if k[2] != "flag"}, flags


def assert_triggers_agree_with_rebuild() -> dict:
    kept = tally_rows()
    db.rebuild()
    rebuilt = tally_rows()
    kept_rest, kept_flags = split_flags(kept)
    rebuilt_rest, rebuilt_flags = split_flags(rebuilt)
    assert kept_rest == rebuilt_rest
    # A resolved flag's unit kind survives only in the tally (docs/reports.md, "Flags").
    assert all(kept_flags.get(k, 0) >= n for k, n in rebuilt_flags.items())
    return kept


def test_rows_written_one_by_one_add_up_to_the_rebuild(make_official):
    september_1963(make_official("t.yanji.approver", "yanji-office", "approver"))
    kept = assert_triggers_agree_with_rebuild()
    assert sum(n for k, n in kept.items() if k[2] == "opened") == 11


def test_the_demo_walked_through_the_services_adds_up_to_the_rebuild():
    added = populate(io.StringIO(), scale=0.05)
    kept = assert_triggers_agree_with_rebuild()
    assert sum(n for k, n in kept.items() if k[2] == "opened") == added
    figures = {k[2] for k in kept}
    assert {"opened", "moved", "step", "decision", "pending", "issue", "flag"} <= figures


def test_a_case_that_is_deleted_leaves_the_tally(make_official):
    cases = september_1963(make_official("t.yanji.approver", "yanji-office", "approver"))
    before = sum(n for k, n in tally_rows().items() if k[2] in ("opened", "pending"))
    cases["10"].clearances.all().delete()
    cases["10"].transitions.all().delete()
    cases["10"].delete()
    after = sum(n for k, n in tally_rows().items() if k[2] in ("opened", "pending"))
    assert before - after == 1 + 2


INSERT_FIGURES = ("opened", "open", "moved", "step", "processing")


def test_the_batch_statements_count_what_the_insert_triggers_count(make_official):
    """A bulk writer's set-based count (db.count_inserted) of cases and transitions, run over a
    whole history with steps, decisions and processing times, gives the triggers' rows."""
    september_1963(make_official("t.yanji.approver", "yanji-office", "approver"))
    kept = {k: n for k, n in tally_rows().items() if k[2] in INSERT_FIGURES}
    assert {k[2] for k in kept} == set(INSERT_FIGURES)
    Tally.objects.filter(figure__in=INSERT_FIGURES).delete()

    batch = db.BatchTally()
    batch.cases_inserted(Case.objects.order_by("pk").values_list("pk", flat=True))
    batch.transitions_inserted(Transition.objects.order_by("pk").values_list("pk", flat=True))
    db.count_inserted(batch)

    assert {k: n for k, n in tally_rows().items() if k[2] in INSERT_FIGURES} == kept


def test_a_paused_batch_is_tallied_once_and_the_pause_ends_with_it(make_official):
    september_1963(make_official("t.yanji.approver", "yanji-office", "approver"))
    case = Case.objects.order_by("pk").first()
    opened = sum(n for k, n in tally_rows().items() if k[2] == "opened")

    with db.batch_tally() as batch:
        copy = Case.objects.create(
            number="COPY-1", case_type=case.case_type, policy_pack=case.policy_pack,
            jurisdiction=case.jurisdiction, intake_unit=case.intake_unit,
        )  # fmt: skip
        batch.cases_inserted([copy.pk])
        paused = sum(n for k, n in tally_rows().items() if k[2] == "opened")
    assert paused == opened  # the trigger skipped the row: it is counted once, on leaving
    assert sum(n for k, n in tally_rows().items() if k[2] == "opened") == opened + 1
    assert not TallyPause.objects.exists()

    Case.objects.create(
        number="COPY-2", case_type=case.case_type, policy_pack=case.policy_pack,
        jurisdiction=case.jurisdiction, intake_unit=case.intake_unit,
    )  # fmt: skip
    assert sum(n for k, n in tally_rows().items() if k[2] == "opened") == opened + 2
    assert_triggers_agree_with_rebuild()


def test_a_batch_that_fails_leaves_no_pause_behind(make_official):
    september_1963(make_official("t.yanji.approver", "yanji-office", "approver"))
    case = Case.objects.order_by("pk").first()
    with pytest.raises(RuntimeError), transaction.atomic(), db.batch_tally():
        raise RuntimeError("the writer failed")
    assert not TallyPause.objects.exists()
    opened = sum(n for k, n in tally_rows().items() if k[2] == "opened")
    Case.objects.create(
        number="COPY-3", case_type=case.case_type, policy_pack=case.policy_pack,
        jurisdiction=case.jurisdiction, intake_unit=case.intake_unit,
    )  # fmt: skip
    assert sum(n for k, n in tally_rows().items() if k[2] == "opened") == opened + 1
