"""Officials acting on the same case at the same moment, each in a thread with its own connection.

Every thread waits at a barrier and then calls a service with the version it read before; the
services lock the case row first, so each conflict has exactly one winner and the others are
refused as stale. Afterwards nothing is lost (every success is on record, the case's version
counts them all), nothing happened twice (one decision, one move to awaiting_decision), and the
audit chain verifies.

Row locks across connections are PostgreSQL's (run with DATABASE_URL=postgres://...); the tests
use real commits (`committed_db`), so the threads see each other's work.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404

from tumen.audit.models import AuditEvent
from tumen.audit.verify import verify_chain
from tumen.cases import services
from tumen.cases.models import (
    Case,
    Clearance,
    Decision,
    ExistingIssue,
    Status,
    Transition,
)

from .conftest import RELOCATION_DETAILS, clearance, fresh, grant_all, open_case, submit

pytestmark = pytest.mark.postgres_only
THREADS = 6
REFUSALS = (ValidationError, services.StaleVersion, PermissionDenied, Http404)


@dataclass
class Outcome:
    result: object = None
    refusal: BaseException | None = None

    @property
    def won(self) -> bool:
        return self.refusal is None


def together(calls: list[Callable[[], object]]) -> list[Outcome]:
    """Run every call in a thread of its own, released at once; re-raise the unexpected."""
    barrier = threading.Barrier(len(calls))
    outcomes = [Outcome() for _ in calls]
    unexpected: list[BaseException] = []

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes[index].result = call()
        except REFUSALS as exc:
            outcomes[index].refusal = exc
        except BaseException as exc:  # re-raised in the test's thread below
            unexpected.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread is still waiting"
    if unexpected:
        raise unexpected[0]
    return outcomes


def winners(outcomes: list[Outcome]) -> list[Outcome]:
    return [outcome for outcome in outcomes if outcome.won]


def assert_losers_were_stale(outcomes: list[Outcome]) -> None:
    refusals = [o.refusal for o in outcomes if not o.won]
    assert all(isinstance(r, services.StaleVersion) for r in refusals), refusals


def events(action: str, **lookup) -> int:
    return AuditEvent.objects.filter(action=action, **lookup).count()


def assert_chain_intact() -> None:
    finding = verify_chain()
    assert finding.ok, finding.message


def granting(official, item: Clearance) -> Callable[[], Clearance]:
    """A grant of `item` at the version read now, to be made later in a thread."""
    version = item.version
    return lambda: services.clearance_grant(
        official=official, clearance_id=item.pk, version=version
    )


def flagging(official, item: Clearance) -> Callable[[], Clearance]:
    version = item.version
    return lambda: services.clearance_flag(
        official=official,
        clearance_id=item.pk,
        version=version,
        ground="documents_incomplete",
        note="Household register page missing.",
    )


def deciding(official, case: Case) -> Callable[[], Decision]:
    version = fresh(case).version
    return lambda: services.case_decide(official=official, case_id=case.pk, version=version)


def withdrawing(official, case: Case) -> Callable[[], Case]:
    version = fresh(case).version
    return lambda: services.case_withdraw(
        official=official, case_id=case.pk, version=version, reason="The family stays."
    )


def officers(make_official, unit_code: str, role: str, count: int = THREADS):
    """`count` officials of one unit: several people at several desks."""
    return [make_official(f"t.{unit_code}.{role}.{n}", unit_code, role) for n in range(count)]


@pytest.fixture
def case(postgres_only, committed_db, yanji_clerk, household) -> Case:
    """A Yanji relocation household, submitted: four clearances pending (case version 2)."""
    return submit(yanji_clerk, open_case(yanji_clerk, "relocation", household, RELOCATION_DETAILS))


def test_many_officers_granting_one_clearance_make_one_grant(case, make_official):
    """
    GIVEN six officers of Yanji public security with the same clearance open at version 1
    WHEN they all grant it at once
    THEN one grant is recorded and audited; the other five are told it changed meanwhile
    """
    item = clearance(case, "public_security")
    staff = officers(make_official, "yanji-security", "clearing_officer")

    outcomes = together([granting(official, item) for official in staff])

    assert len(winners(outcomes)) == 1
    assert_losers_were_stale(outcomes)
    item.refresh_from_db()
    assert (item.status, item.version) == ("cleared", 2)
    assert item.acted_by_id == winners(outcomes)[0].result.acted_by_id
    assert events("clearance.granted", object_id=str(item.pk)) == 1
    assert fresh(case).version == 1 + 2  # submitted, one grant
    assert_chain_intact()


def test_the_four_units_clearing_at_once_all_succeed_and_move_the_case_once(case, officer):
    """
    GIVEN the four clearing units of a Yanji case, each with its own clearance
    WHEN they grant at the same moment
    THEN none is refused, the case moves to awaiting_decision exactly once, and its version
         counts all four grants
    """
    items = list(Clearance.objects.filter(case=case).select_related("unit"))
    assert len(items) == 4

    outcomes = together([granting(officer(item.unit.code), item) for item in items])

    assert len(winners(outcomes)) == 4
    case = fresh(case)
    assert case.status == Status.AWAITING_DECISION
    moves = Transition.objects.filter(case=case, from_status=Status.IN_CLEARANCE)
    assert list(moves.values_list("to_status", flat=True)) == [Status.AWAITING_DECISION]
    assert set(Clearance.objects.filter(case=case).values_list("status", flat=True)) == {"cleared"}
    assert events("clearance.granted") == 4
    assert case.version == 1 + 1 + 4
    assert_chain_intact()


def test_many_approvers_deciding_at_once_make_one_decision(case, officer, make_official):
    """
    GIVEN a cleared Yanji case awaiting decision and six approvers who read the same version
    WHEN they all decide at once
    THEN there is exactly one decision and one case.decided event; the others are stale
    """
    grant_all(case, officer)
    approvers = officers(make_official, "yanji-office", "approver")

    outcomes = together([deciding(official, case) for official in approvers])

    assert len(winners(outcomes)) == 1
    assert_losers_were_stale(outcomes)
    assert Decision.objects.filter(case=case).count() == 1
    assert events("case.decided", object_id=str(case.pk)) == 1
    case = fresh(case)
    # Approval issues the travel authorizations in the same call, once (tumen.authorizations).
    assert case.status == Status.AUTHORIZED
    assert Transition.objects.filter(case=case, to_status=Status.APPROVED).count() == 1
    assert events("authorization.issued", object_id=str(case.pk)) == 1
    assert case.version == 1 + 1 + 4 + 1
    assert_chain_intact()


def test_flags_and_grants_of_one_clearance_at_once_leave_one_consistent_result(case, make_official):
    """
    GIVEN six Yanji border officers with the same clearance open
    WHEN three flag it (documents incomplete) and three grant it, at once
    THEN exactly one of them acts; the clearance, the existing issues and the audit log all
         tell the same story
    """
    item = clearance(case, "border_defence")
    staff = officers(make_official, "yanji-border", "clearing_officer")

    outcomes = together(
        [(flagging if n % 2 else granting)(official, item) for n, official in enumerate(staff)]
    )

    assert len(winners(outcomes)) == 1
    assert_losers_were_stale(outcomes)
    item.refresh_from_db()
    assert item.version == 2
    assert item.status in ("flagged", "cleared")
    flagged = item.status == "flagged"
    assert ExistingIssue.objects.filter(case=case, kind="flag").count() == int(flagged)
    assert events("clearance.flagged") == int(flagged)
    assert events("clearance.granted") == int(not flagged)
    assert fresh(case).version == 1 + 2
    assert_chain_intact()


def test_a_withdrawal_and_a_decision_at_once_do_not_both_happen(
    case, officer, yanji_clerk, yanji_approver
):
    """
    GIVEN a cleared case awaiting decision
    WHEN the clerk withdraws it while the approver decides it, from the same version
    THEN one of them happens and the other is refused: never a decided, withdrawn case
    """
    grant_all(case, officer)

    withdrawal, decision = together(
        [withdrawing(yanji_clerk, case), deciding(yanji_approver, case)]
    )

    assert withdrawal.won != decision.won
    assert_losers_were_stale([withdrawal, decision])
    case = fresh(case)
    assert case.status == (Status.WITHDRAWN if withdrawal.won else Status.AUTHORIZED)
    assert Decision.objects.filter(case=case).count() == int(decision.won)
    assert events("case.withdrawn") + events("case.decided") == 1
    assert case.version == 1 + 1 + 4 + 1
    assert_chain_intact()


def test_a_deadline_sweep_and_a_grant_at_once_do_not_both_act_on_the_clearance(case, officer):
    """
    GIVEN a clearance past its deadline
    WHEN the deadline sweep runs while its officer grants it
    THEN either it is escalated (and the grant, made on the old version, is refused) or it is
         granted (and the sweep leaves it alone): never both
    """
    item = clearance(case, "customs")
    later = case.submitted_at + datetime.timedelta(days=11)

    grant, sweep = together(
        [granting(officer("yanji-customs"), item), lambda: services.deadlines_sweep(now=later)]
    )

    item.refresh_from_db()
    escalated = item.escalated_to_id is not None
    assert grant.won != escalated
    assert_losers_were_stale([grant])
    assert item.status == ("pending" if escalated else "cleared")
    assert events("clearance.escalated", object_id=str(item.pk)) == int(escalated)
    assert events("clearance.granted", object_id=str(item.pk)) == int(grant.won)
    # The other three clearances are overdue too, and nobody else touched them.
    assert sweep.result.escalated == 3 + int(escalated)
    assert fresh(case).version == 1 + 1 + 1 + 3
    assert_chain_intact()
