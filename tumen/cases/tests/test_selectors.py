"""Worklists, the case page and its timeline: scoped, ordered, in a bounded number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.http import Http404

from tumen.cases import services
from tumen.cases.selectors.cases import case_page, cases_for, timeline
from tumen.cases.selectors.clearances import clearances_for_unit

from .conftest import RELOCATION_DETAILS, clearance, fresh, grant_all, open_case, submit

DAY = datetime.timedelta(days=1)


@pytest.fixture
def worklist(yanji_clerk, register, relate):
    """A Yanji draft, two submitted relocations and a submitted (expedited) family travel."""
    draft = open_case(yanji_clerk, "relocation", [register()])
    first = submit(
        yanji_clerk, open_case(yanji_clerk, "relocation", [register()], RELOCATION_DETAILS)
    )
    second = submit(
        yanji_clerk, open_case(yanji_clerk, "relocation", [register()], RELOCATION_DETAILS)
    )
    person = register()
    relate(person, "officer_family", "Ri Chol")
    travel = submit(
        yanji_clerk,
        open_case(
            yanji_clerk,
            "family_travel",
            [person],
            {"officer_name": "Ri Chol", "request_reference": "N-1"},
        ),
    )
    return {"draft": draft, "first": first, "second": second, "travel": travel}


def test_cases_come_expedited_first_then_overdue_then_due_soonest(yanji_clerk, worklist):
    later = worklist["first"].decision_due + DAY
    numbers = [case.number for case in cases_for(yanji_clerk, now=later)]
    expected = ["travel", "first", "second", "draft"]
    assert numbers == [worklist[name].number for name in expected]
    overdue = cases_for(yanji_clerk, overdue=True, now=later)
    assert {case.number for case in overdue} == {
        worklist[name].number for name in ("travel", "first", "second")
    }
    assert all(case.is_overdue for case in overdue)


def test_cases_filter_by_status_type_and_county(yanji_clerk, jilin_security, worklist):
    assert [c.number for c in cases_for(yanji_clerk, status="draft")] == [worklist["draft"].number]
    assert cases_for(yanji_clerk, case_type="family_travel").count() == 1
    assert cases_for(jilin_security, county="yanji").count() == 4
    assert cases_for(jilin_security, county="tumen").count() == 0


def test_another_province_sees_no_cases(liaoning_security, worklist):
    assert not cases_for(liaoning_security).exists()
    with pytest.raises(Http404):
        case_page(liaoning_security, worklist["first"].number)


def test_a_unit_sees_its_pending_clearances_and_those_escalated_to_it(
    officer, jilin_security, worklist
):
    security = officer("yanji-security")
    pending = list(clearances_for_unit(security))
    assert [c.case.number for c in pending] == [
        worklist[name].number for name in ("travel", "first", "second")
    ]
    assert list(clearances_for_unit(jilin_security)) == []
    services.deadlines_sweep(now=worklist["first"].submitted_at + 11 * DAY)
    escalated = {c.case.number for c in clearances_for_unit(jilin_security)}
    assert escalated == {worklist[name].number for name in ("travel", "first", "second")}


def test_granted_clearances_leave_the_worklist(officer, worklist):
    case = worklist["first"]
    grant_all(case, officer)
    assert case.number not in {c.case.number for c in clearances_for_unit(officer("yanji-customs"))}


def test_worklists_take_a_fixed_number_of_queries(
    yanji_clerk, officer, worklist, django_assert_max_num_queries
):
    security = officer("yanji-security")
    with django_assert_max_num_queries(1):
        cases = list(cases_for(yanji_clerk))
        assert [case.jurisdiction.code for case in cases]
        assert [case.policy_pack.version for case in cases]
    with django_assert_max_num_queries(1):
        assert [c.case.jurisdiction.code for c in clearances_for_unit(security)]


def test_the_case_page_takes_a_fixed_number_of_queries(
    yanji_clerk, household, django_assert_max_num_queries
):
    case = submit(yanji_clerk, open_case(yanji_clerk, "relocation", household, RELOCATION_DETAILS))
    with django_assert_max_num_queries(4):
        detail = case_page(yanji_clerk, case.number)
        assert [m.person.residence.code for m in detail.members.all()] == ["yanji"] * 3
        assert [(c.unit.code, c.acted_by) for c in detail.clearances.all()]
        assert [d.decided_by for d in detail.decisions.all()] == []
        assert not hasattr(detail, "retyped_to")  # no re-typed case, known without a query
    with django_assert_max_num_queries(3):
        assert timeline(detail)


def test_the_timeline_tells_the_story_in_order(yanji_clerk, officer, submitted_relocation):
    case = submitted_relocation
    border = clearance(case, "border_defence")
    services.clearance_flag(
        official=officer("yanji-border"),
        clearance_id=border.pk,
        version=1,
        ground="documents_incomplete",
        note="Photo missing.",
    )
    entries = timeline(fresh(case))
    assert [(e.kind, e.action) for e in entries] == [
        ("transition", "-→draft"),
        ("event", "case.opened"),
        ("transition", "draft→submitted"),
        ("transition", "submitted→in_clearance"),
        ("event", "case.submitted"),
        ("event", "clearance.flagged"),
    ]
    assert entries[-1].payload["ground"] == "documents_incomplete"
    assert entries[-1].actor == "t.yanji-border.clearing_officer"
