"""The workflow tables themselves: every status is reachable, and finished cases stay finished."""

from __future__ import annotations

from tumen.cases.models import OPEN_STATUSES, ClearanceStatus, Status
from tumen.cases.workflow import CLEARANCE_MOVES, TRANSITIONS

FINAL = {Status.REFUSED, Status.WITHDRAWN, Status.RETYPED, Status.CLOSED}


def reachable() -> set[str]:
    seen, frontier = set(), {TRANSITIONS["open"].target}
    while frontier:
        seen |= frontier
        frontier = {
            move.target
            for move in TRANSITIONS.values()
            if set(move.sources) & seen and move.target not in seen
        }
    return seen


def test_every_status_can_be_reached_from_a_draft():
    assert reachable() == set(Status.values)


def test_final_statuses_lead_nowhere():
    for move in TRANSITIONS.values():
        assert not FINAL.intersection(move.sources), move


def test_only_open_cases_are_withdrawn_and_only_decidable_ones_decided():
    assert set(TRANSITIONS["withdraw"].sources) == set(OPEN_STATUSES)
    for action in ("approve", "refuse", "hold"):
        assert set(TRANSITIONS[action].sources) == {Status.AWAITING_DECISION, Status.ON_HOLD}


def test_the_travel_document_steps_are_ready_for_their_services():
    assert TRANSITIONS["authorize"].sources == (Status.APPROVED,)
    assert TRANSITIONS["depart"].target == Status.DEPARTED
    assert TRANSITIONS["close"].target == Status.CLOSED


def test_a_clearance_is_acted_on_from_pending_and_a_flag_resolves_to_cleared():
    assert CLEARANCE_MOVES["grant"].sources == (ClearanceStatus.PENDING,)
    assert CLEARANCE_MOVES["flag"].target == ClearanceStatus.FLAGGED
    assert CLEARANCE_MOVES["resolve"].sources == (ClearanceStatus.FLAGGED,)
    assert CLEARANCE_MOVES["resolve"].target == ClearanceStatus.CLEARED
