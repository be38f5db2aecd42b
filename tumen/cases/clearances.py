"""Clearances: each required unit checks the case in parallel, and grants or flags it.

The case row is locked before the clearance, by every clearing service and by the deadline
sweep, so that "was that the last pending clearance?" is answered by one transaction at a time
and the case moves to awaiting_decision exactly once.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy

from tumen.audit.services import audit_record
from tumen.cases.models import (
    Case,
    CaseMember,
    Clearance,
    ClearanceStatus,
    ExistingIssue,
    IssueKind,
)
from tumen.cases.workflow import (
    ClearanceMove,
    assigned,
    authority_for,
    ensure_clearance_can,
    save_case,
    transition,
)
from tumen.lib import clock
from tumen.lib.errors import ensure_version, error, invalid
from tumen.lib.policy import CaseType, Ground
from tumen.lib.writes import update_columns
from tumen.org.access import get_for_update, lock_in_subtree
from tumen.org.models import Official
from tumen.policy.selectors import case_type_for


def lock_clearance(clearance_id: int, source, *, lock_case) -> Clearance:
    """The clearance with its case, both locked: the case row first, as every writer locks them.

    With row locks (PostgreSQL) that takes two statements, so that a writer already holding the
    case (the sweep escalating a case's clearances one by one) is never waited for while holding
    the clearance. SQLite locks the whole database at BEGIN IMMEDIATE: one statement reads both.
    """
    if not connection.features.has_select_for_update:
        return source.select_related("case").get(pk=clearance_id)
    case = lock_case()
    clearance = source.select_for_update(of=("self",)).get(pk=clearance_id)
    clearance.case = case
    return clearance


def _lock(official: Official, clearance_id: int, action: str) -> tuple[Case, Clearance]:
    who = authority_for(action)
    if connection.features.has_select_for_update:
        clearance = lock_clearance(
            clearance_id,
            Clearance.objects.all(),
            lock_case=lambda: get_for_update(
                official, Case, action=who, clearances__pk=clearance_id
            ),
        )
    else:
        clearance = lock_in_subtree(official, Clearance, clearance_id, action=who, related="case")
    case = clearance.case
    if not assigned(official, clearance):
        raise PermissionDenied(error("clearance_not_assigned").messages[0])
    return case, clearance


def _acting(
    official: Official, clearance_id: int, version: int, action: str
) -> tuple[Case, Clearance, ClearanceMove]:
    case, clearance = _lock(official, clearance_id, action)
    ensure_version(clearance, version, what="clearance")
    move = ensure_clearance_can(clearance, case, action)
    return case, clearance, move


# CLEARANCE_ACT returns how many other clearances of the case are still pending, read after the
# case lock was taken, so the last clearance to finish knows it is the last. The status is a
# FILTER, not a WHERE term: without planner statistics (Tumen never runs ANALYZE) SQLite would
# otherwise walk clearance_overdue_sweep's every pending clearance (200 ms at 100,000 cases)
# rather than the case's few through clearance_once_per_kind.
_OTHERS_PENDING = (
    "(SELECT COUNT(*) FILTER (WHERE sibling.status = %s) FROM cases_clearance sibling "
    "WHERE sibling.case_id = cases_clearance.case_id AND sibling.id <> cases_clearance.id)"
)
_ACTED = ("status", "note", "acted_by", "acted_at", "version")


def _record(
    clearance: Clearance, move: ClearanceMove, official: Official, note: str, *extra: str
) -> int:
    """CLEARANCE_ACT: write the clearance's new state; how many others are still pending."""
    clearance.status = move.target
    clearance.note = note
    clearance.acted_by = official
    clearance.acted_at = clock.now()
    clearance.version += 1
    (pending,) = update_columns(
        clearance,
        (*_ACTED, *extra),
        returning=_OTHERS_PENDING,
        returning_params=[ClearanceStatus.PENDING],
    )
    return pending


def cancel_pending_clearances(case: Case, *, actor: Official, reason: str) -> list[int]:
    """Cancel the locked case's pending checks as it leaves clearance (withdrawn, re-typed).

    Part of the caller's move: the caller's audit event lists the ids returned.
    """
    pending = case.clearances.select_for_update().filter(status=ClearanceStatus.PENDING)
    ids = sorted(pending.values_list("pk", flat=True))
    Clearance.objects.filter(pk__in=ids).update(
        status=ClearanceStatus.CANCELLED,
        note=reason,
        acted_by=actor,
        acted_at=clock.now(),
        version=F("version") + 1,
    )
    return ids


def _advance_when_cleared(
    case: Case, case_type: CaseType, official: Official, others_pending: int
) -> None:
    """The last clearance to finish moves the case on to its decision."""
    if others_pending:
        return
    transition(case, "clearances_done", actor=official, clause_id=case_type.clause)
    due = clock.now() + datetime.timedelta(days=case_type.decision_deadline_days)
    if case.decision_due is None or due > case.decision_due:
        case.decision_due = due


def _audit(official: Official, action: str, case: Case, clearance: Clearance, **extra) -> None:
    audit_record(
        actor=official,
        action=action,
        target=clearance,
        payload={
            "case": case.pk,
            "case_version": case.version,
            "clearance": clearance.pk,
            "kind": clearance.unit_kind,
            "version": clearance.version,
            **extra,
        },
    )


def _required_note(note: str, action: str) -> str:
    note = note.strip()
    if not note:
        raise invalid("note", "note_required", action=action)
    return note


@transaction.atomic
def clearance_grant(
    *, official: Official, clearance_id: int, version: int, note: str = ""
) -> Clearance:
    """The unit has nothing against the case."""
    case, clearance, move = _acting(official, clearance_id, version, "grant")
    pending = _record(clearance, move, official, note.strip())
    _advance_when_cleared(case, case_type_for(case), official, pending)
    save_case(case, "status", "decision_due")
    _audit(official, "clearance.granted", case, clearance)
    return clearance


def listed_ground(case: Case, case_type: CaseType, code: str, *, field: str = "ground") -> Ground:
    """The pack's ground by code, or a refusal that lists the grounds the policy allows."""
    ground = case_type.grounds.get(code)
    if ground is None:
        raise invalid(
            field,
            "ground_unknown",
            code=code,
            type=case_type,
            pack=case.policy_pack.code,
            version=case.policy_pack.version,
            clause=case_type.restriction_clause or case_type.clause,
            allowed=list(case_type.grounds.values()),
        )
    return ground


def _member(case: Case, member_id: int | None) -> CaseMember | None:
    if member_id is None:
        return None
    member = case.members.filter(pk=member_id).first()
    if member is None:
        raise invalid("member_id", "member_id_unknown", pk=member_id, number=case.number)
    return member


@transaction.atomic
def clearance_flag(
    *,
    official: Official,
    clearance_id: int,
    version: int,
    ground: str,
    note: str,
    member_id: int | None = None,
) -> Clearance:
    """The unit found a reason the policy lists, for one member or (member_id None) the case."""
    case, clearance, move = _acting(official, clearance_id, version, "flag")
    case_type = case_type_for(case)
    listed = listed_ground(case, case_type, ground)
    member = _member(case, member_id)
    note = _required_note(note, gettext_lazy("flagged"))
    clearance.ground, clearance.member = listed.code, member
    pending = _record(clearance, move, official, note, "ground", "member")
    ExistingIssue.objects.create(
        case=case,
        jurisdiction_id=case.jurisdiction_id,
        kind=IssueKind.FLAG,
        ground=listed.code,
        clause_id=listed.clause,
        note=note,
        raised_at=clearance.acted_at,
    )
    _advance_when_cleared(case, case_type, official, pending)
    save_case(case, "status", "decision_due")
    _audit(official, "clearance.flagged", case, clearance, ground=listed.code, member=member_id)
    return clearance


@transaction.atomic
def clearance_resolve(
    *, official: Official, clearance_id: int, version: int, note: str
) -> Clearance:
    """What was flagged is settled: the clearance is cleared; the flag stays on the record."""
    case, clearance, move = _acting(official, clearance_id, version, "resolve")
    note = _required_note(note, gettext_lazy("resolved"))
    resolved_ground = clearance.ground
    # The flag itself lives on in its ExistingIssue, its audit event and the timeline.
    clearance.ground, clearance.member = "", None
    _record(clearance, move, official, note, "ground", "member")
    save_case(case)
    _audit(official, "clearance.resolved", case, clearance, ground=resolved_ground)
    return clearance
