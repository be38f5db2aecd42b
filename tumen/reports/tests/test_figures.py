"""Every figure of a report, counted from known case histories (tests/histories.py)."""

from __future__ import annotations

import pytest

from tumen.org.models import Jurisdiction
from tumen.reports.figures import derive, subtree_ids, tally_for
from tumen.reports.tests.histories import at, september_1963

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(make_official):
    return september_1963(make_official("t.yanji.approver", "yanji-office", "approver"))


def figures(code: str, period: str = "1963-09"):
    ids = subtree_ids(Jurisdiction.objects.get(code=code))
    return derive(tally_for(ids, period, as_of=at(10, 5, 12)))


def test_cases_opened_count_cases_whose_opening_fell_in_the_month_in_yanbian_time(history):
    f = figures("jilin")
    assert f["cases_opened"] == 8
    assert f["cases_opened_by_type"] == {"relocation": 7, "repatriation": 1}
    assert f["cases_opened_by_status"] == {
        "approved": 4,
        "in_clearance": 1,
        "refused": 1,
        "retyped": 1,
        "withdrawn": 1,
    }
    assert f["cases_opened_by_priority"] == {"normal": 6, "high": 1, "expedited": 1}


def test_decisions_count_by_outcome_and_clause_in_the_month_they_were_taken(history):
    f = figures("yanbian")
    assert f["decisions_by_outcome"] == {"approved": 5, "refused": 1}
    assert f["decisions_by_clause"] == {"cc1963.4": 5, "cc1963.5": 1}
    assert f["refusals_by_ground"] == {"not_a_national": 1}


def test_processing_time_median_and_90th_percentile_are_exact_nearest_ranks(history):
    f = figures("yanbian")
    # Relocations decided in September took 5, 10, 2, 7 and 30 whole days.
    assert f["processing_days_by_type"] == {
        "relocation": {"count": 5, "median": 7, "p90": 30},
        "repatriation": {"count": 1, "median": 1, "p90": 1},
    }
    steps = f["step_days_by_status"]
    # Left in September: 1, 3, 1, 2, 17, 1 days in clearance, and the re-typed case after 2.
    assert steps["in_clearance"] == {"count": 7, "median": 2, "p90": 17}
    assert steps["awaiting_decision"] == {"count": 6, "median": 4, "p90": 13}


def test_flags_retypings_withdrawals_and_pending_clearances(history):
    f = figures("yanji")
    assert f["flags_by_ground"] == {"identity_unverified": 1}
    assert f["flags_by_unit_kind"] == {"border_defence": 1}
    assert f["withdrawals"] == 1
    assert f["retypings"] == 0
    assert figures("tumen")["retypings"] == 1
    assert f["clearances_pending_by_unit_kind"] == {"customs": 1, "public_security": 1}
    # Due 25 September, looked at on 5 October: ten days overdue.
    assert f["clearances_overdue_by_unit_kind"] == {"public_security": 1}
    assert f["clearances_overdue_by_age"] == {"8-30": 1}


def test_a_province_sees_nothing_of_another_and_months_are_kept_apart(history):
    assert figures("liaoning")["cases_opened"] == 1
    assert figures("jilin", "1963-10")["cases_opened_by_type"] == {"family_travel": 1}
    assert figures("jilin", "1963-08")["cases_opened"] == 1
    assert figures("jilin")["cases_opened_by_month"]["1963-08"] == {"relocation": 1}
    assert figures("jilin")["backlog_by_county"] == {"yanji": 2}


def test_a_month_without_cases_has_empty_figures(history):
    f = figures("jilin", "1962-01")
    assert f["cases_opened"] == 0
    assert f["processing_days_by_type"] == {}


def test_foreign_requests_received_and_split_count_by_local_date(history):
    import datetime

    from tumen.cases.models import ForeignRequest
    from tumen.org.models import WorkUnit

    unit = WorkUnit.objects.get(code="jilin-foreign")

    def register(reference, received, split_at=None):
        ForeignRequest.objects.create(
            reference=reference,
            received_on=received,
            authority="DPRK MFA",
            registered_by=unit,
            jurisdiction=unit.jurisdiction,
            split_at=split_at,
        )

    # Split at 23:30 on 30 September in Yanbian time (15:30 UTC): a September split.
    register("R-1", datetime.date(1963, 9, 1), at(9, 30, 23, 30))
    # Received on the last day of August; split at 00:30 on 1 October: an October split.
    register("R-2", datetime.date(1963, 8, 31), at(10, 1, 0, 30))
    register("R-3", datetime.date(1963, 9, 30))
    f = figures("jilin")
    assert (f["foreign_requests_received"], f["foreign_requests_split"]) == (2, 1)
    october = figures("jilin", "1963-10")
    assert (october["foreign_requests_received"], october["foreign_requests_split"]) == (0, 1)
    assert figures("yanbian")["foreign_requests_received"] == 0
