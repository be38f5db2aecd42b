"""The mass decision: an approver ticks cases on the worklist of cases awaiting decision,
confirms the list, and reads which were approved as proposed and why the others were not."""

from __future__ import annotations

import re

import pytest

from tumen.audit.models import AuditEvent
from tumen.cases import services
from tumen.cases.models import Decision, Status

from .conftest import RELOCATION_DETAILS, db_state, flag, fresh, grant_all, open_case, submit
from .viewkit import Desk, form, text

DECIDE_MANY = "/cases/decide/"


@pytest.fixture
def awaiting(officer, yanji_clerk, register, relate):
    """Relocation cases awaiting decision; the first `flagged` of them with a flag still open."""

    def make(count: int = 3, flagged: int = 0):
        cases = []
        for n in range(count):
            person = register()
            relate(person, "social_relation_korea")
            case = open_case(yanji_clerk, "relocation", [person], RELOCATION_DETAILS)
            case = submit(yanji_clerk, case)
            if n < flagged:
                flag(officer, case, "public_security", "identity_unverified")
            grant_all(case, officer)
            cases.append(fresh(case))
        return cases

    return make


@pytest.fixture
def ready(awaiting):
    """Three relocation cases every unit has cleared, each proposed for approval."""
    return awaiting()


def confirm(desk, summary):
    """Post the summary page's confirmation back, with every case it carries."""
    chosen = form(summary, "mass-confirm")
    selected = [
        value.split('value="')[1].split('"')[0]
        for value in text(summary).split('name="selected" ')[1:]
    ]
    return desk.post(chosen.attrs["action"], {**chosen.fields, "selected": selected, "confirm": 1})


def test_the_approver_ticks_cases_confirms_and_reads_what_was_decided(
    client, yanji_approver, ready
):
    """
    GIVEN three cases awaiting decision, each proposed for approval
    WHEN the approver ticks two of them on the worklist, and confirms the summary
    THEN those two are approved as proposed (and so authorized), each with its decision and
         audit event, the result page lists them, and the third is still awaiting a decision
    """
    desk = Desk(client, yanji_approver)
    worklist = desk.get("/cases/", {"queue": "decisions"})
    page = text(worklist)
    assert 'data-testid="mass-decision"' in page
    for case in ready:
        assert f'name="case" value="{case.pk}"' in page

    summary = desk.post(DECIDE_MANY, {"case": [ready[0].pk, ready[1].pk]})
    shown = text(summary)
    assert summary.status_code == 200
    assert ready[0].number in shown
    assert ready[1].number in shown
    assert ready[2].number not in shown
    assert fresh(ready[0]).status == Status.AWAITING_DECISION  # nothing decided before confirming

    result = confirm(desk, summary)
    shown = text(result)
    # Approval issues the travel authorizations in the same call (tumen.authorizations).
    assert "2 cases decided" in shown
    assert "0 cases not decided" in shown
    assert [fresh(c).status for c in ready] == ["authorized", "authorized", "awaiting_decision"]
    assert Decision.objects.filter(case__in=ready[:2], decided_by=yanji_approver).count() == 2
    decided_events = AuditEvent.objects.filter(action="case.decided")
    assert sorted(e.payload["case"] for e in decided_events) == sorted(c.pk for c in ready[:2])


def test_the_whole_page_can_be_chosen_without_ticking(client, yanji_approver, ready):
    desk = Desk(client, yanji_approver)
    summary = desk.post(
        DECIDE_MANY, {"page_case": [c.pk for c in ready], "whole_page": "1", "case": []}
    )
    assert len(text(summary).split('data-testid="mass-summary-row"')) == 4
    confirm(desk, summary)
    assert {fresh(c).status for c in ready} == {Status.AUTHORIZED}


def test_nothing_ticked_goes_back_to_the_worklist_with_a_message(client, yanji_approver, ready):
    desk = Desk(client, yanji_approver)
    response = desk.post(DECIDE_MANY, {}, follow=True)
    assert "Select at least one case to approve." in text(response)
    assert {fresh(c).status for c in ready} == {Status.AWAITING_DECISION}


def test_a_clerk_may_not_decide_in_bulk(client, yanji_clerk, ready):
    desk = Desk(client, yanji_clerk)
    assert 'data-testid="mass-decision"' not in text(desk.get("/cases/", {"queue": "decisions"}))
    before = db_state()
    assert desk.post(DECIDE_MANY, {"case": [ready[0].pk]}).status_code == 403
    selected = [f"{ready[0].pk}:{ready[0].version}"]
    assert desk.post(DECIDE_MANY, {"selected": selected, "confirm": 1}).status_code == 403
    assert db_state() == before


def test_another_provinces_case_is_refused_like_a_missing_one(
    client, make_official, yanji_approver, ready
):
    """
    GIVEN a Liaoning (Kuandian) approver, and Jilin cases awaiting decision
    WHEN that approver posts a Jilin case id and an id no case has, at the summary and at the
         confirmation
    THEN both are left out of the summary alike, both are refused with the same words at the
         confirmation, and the Jilin case is not decided
    """
    kuandian = make_official("t.kuandian.approver", "kuandian-office", "approver")
    desk = Desk(client, kuandian)
    jilin, missing = ready[0], 999_999

    def summary_for(case_id):
        shown = text(desk.post(DECIDE_MANY, {"case": [case_id]}))
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", shown)

    assert summary_for(jilin.pk) == summary_for(missing)
    assert "1 selected case is not awaiting your decision" in summary_for(jilin.pk)
    assert jilin.number not in text(desk.post(DECIDE_MANY, {"case": [jilin.pk]}))

    result = text(
        desk.post(
            DECIDE_MANY,
            {"selected": [f"{jilin.pk}:{jilin.version}", f"{missing}:1"], "confirm": 1},
        )
    )
    reason = "No such record, or it is not within your jurisdiction."
    assert f"Record {jilin.pk}: {reason}" in result
    assert f"Record {missing}: {reason}" in result
    assert jilin.number not in result
    assert fresh(jilin).status == Status.AWAITING_DECISION
    assert not Decision.objects.exists()


def test_a_flagged_case_is_refused_with_its_reason_and_the_others_are_decided(
    client, yanji_approver, awaiting
):
    ready = awaiting(3, flagged=1)
    flagged = ready[0]
    assert flagged.status == Status.AWAITING_DECISION
    desk = Desk(client, yanji_approver)
    summary = desk.post(DECIDE_MANY, {"case": [c.pk for c in ready]})

    result = text(confirm(desk, summary))

    assert f"Case {flagged.number} has an unresolved flag: decide it on its own page" in result
    assert "2 cases decided" in result
    assert "1 case not decided" in result
    assert fresh(flagged).status == Status.AWAITING_DECISION
    assert {fresh(c).status for c in ready[1:]} == {Status.AUTHORIZED}


def test_a_case_changed_since_the_summary_does_not_block_the_others(client, yanji_approver, ready):
    desk = Desk(client, yanji_approver)
    summary = desk.post(DECIDE_MANY, {"case": [c.pk for c in ready]})
    # Someone decides the first case on its own page meanwhile.
    services.case_decide(official=yanji_approver, case_id=ready[0].pk, version=ready[0].version)

    result = text(confirm(desk, summary))

    assert "changed by someone else" in result
    assert "2 cases decided" in result
    assert {fresh(c).status for c in ready} == {Status.AUTHORIZED}
    assert Decision.objects.filter(case=ready[0]).count() == 1


def test_posting_the_confirmation_again_decides_nothing_twice(client, yanji_approver, ready):
    desk = Desk(client, yanji_approver)
    summary = desk.post(DECIDE_MANY, {"case": [c.pk for c in ready]})
    first = text(confirm(desk, summary))
    assert "3 cases decided" in first
    events = AuditEvent.objects.count()

    again = text(confirm(desk, summary))

    assert "0 cases decided" in again
    assert "3 cases not decided" in again
    assert Decision.objects.filter(case__in=ready).count() == 3
    assert AuditEvent.objects.filter(action="case.decided").count() == 3
    assert AuditEvent.objects.count() == events


def test_the_result_is_in_the_readers_language(client, yanji_approver, awaiting):
    ready = awaiting(1, flagged=1)
    for language, expected in (("zh-hans", "未解决"), ("ko", "해결되지")):
        desk = Desk(client, yanji_approver, language=language)
        summary = desk.post(DECIDE_MANY, {"case": [ready[0].pk]})
        result = text(confirm(desk, summary))
        assert expected in result, language


def test_what_is_not_a_case_id_is_ignored_not_an_error(client, yanji_approver, ready):
    desk = Desk(client, yanji_approver)
    junk = ["9" * 30, "²", "-1", "", "x", "1:2:3", f"{ready[0].pk}:" + "9" * 30]
    summary = desk.post(DECIDE_MANY, {"case": [*junk, ready[0].pk]})
    assert summary.status_code == 200
    assert len(text(summary).split('data-testid="mass-summary-row"')) == 2
    result = desk.post(DECIDE_MANY, {"selected": junk, "confirm": 1})
    assert result.status_code == 200
    assert "0 cases decided" in text(result)
    assert {fresh(c).status for c in ready} == {Status.AWAITING_DECISION}
