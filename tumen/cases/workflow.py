"""The case workflow as data: which action moves a case (or a clearance) from where to where,
and who may make it.

Services consult these tables and never compare statuses or roles by hand, so the whole lifecycle
reads in one place: `may(official, obj, action)` answers for the services, the view guards, the
buttons a page shows and the worklists alike. Jurisdiction is the access module's part: the
object handed to `may` was read through it (`scope`, `get_for_user`, `lock`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy

from tumen.cases.models import (
    OPEN_STATUSES,
    Case,
    Clearance,
    ClearanceStatus,
    ForeignRequest,
    Status,
    Transition,
)
from tumen.lib import clock
from tumen.lib.errors import invalid
from tumen.lib.writes import insert_rows, update_columns
from tumen.org.access import Authority, lock_in_subtree
from tumen.org.models import Official, Role, UnitKind

# Who makes each kind of move. A move without an Authority happens only as part of another one
# (submitting starts the clearances; the last clearance finishes them), never on its own.
CLERK = Authority((Role.CLERK,))
INTAKE = Authority(
    (Role.CLERK,),
    (UnitKind.COUNTY_OFFICE,),
    gettext_lazy("Cases are opened by a county or district office; your unit is not one."),
)
APPROVER = Authority((Role.APPROVER,))
CLERK_OR_APPROVER = Authority((Role.CLERK, Role.APPROVER))
CLEARING = Authority((Role.CLEARING_OFFICER,))
FOREIGN = Authority(
    (Role.CLEARING_OFFICER, Role.CLERK),
    (UnitKind.FOREIGN_AFFAIRS,),
    gettext_lazy("Foreign requests are handled by a foreign affairs office; your unit is not one."),
)
NOBODY_ALONE = None


@dataclass(frozen=True)
class Move:
    sources: tuple[str, ...]
    target: str
    label: str
    who: Authority | None = NOBODY_ALONE


DECIDABLE = (Status.AWAITING_DECISION, Status.ON_HOLD)

TRANSITIONS: dict[str, Move] = {
    "open": Move((), Status.DRAFT, gettext_lazy("open"), INTAKE),
    "submit": Move((Status.DRAFT,), Status.SUBMITTED, gettext_lazy("submit"), CLERK),
    "start_clearance": Move((Status.SUBMITTED,), Status.IN_CLEARANCE, gettext_lazy("clear")),
    "clearances_done": Move(
        (Status.IN_CLEARANCE,), Status.AWAITING_DECISION, gettext_lazy("finish clearance")
    ),
    "approve": Move(DECIDABLE, Status.APPROVED, gettext_lazy("decide"), APPROVER),
    "refuse": Move(DECIDABLE, Status.REFUSED, gettext_lazy("decide"), APPROVER),
    "hold": Move(DECIDABLE, Status.ON_HOLD, gettext_lazy("decide"), APPROVER),
    "withdraw": Move(OPEN_STATUSES, Status.WITHDRAWN, gettext_lazy("withdraw"), CLERK_OR_APPROVER),
    # An abandoned attempt at intake: gone from every queue, kept in the audit log.
    "discard": Move((Status.DRAFT,), Status.DISCARDED, gettext_lazy("discard"), CLERK),
    # A case is re-typed once its clearances have shown it to be of another type.
    "retype": Move(
        (Status.IN_CLEARANCE, *DECIDABLE), Status.RETYPED, gettext_lazy("re-type"), APPROVER
    ),
    # Travel documents (next issue): authorization_issue, then crossing_record at the border.
    "authorize": Move(
        (Status.APPROVED,), Status.AUTHORIZED, gettext_lazy("issue the authorization")
    ),
    "depart": Move((Status.AUTHORIZED,), Status.DEPARTED, gettext_lazy("record the departure")),
    "close": Move((Status.DEPARTED,), Status.CLOSED, gettext_lazy("close")),
}

# Editing details and members is not a status change, but it too is allowed only in a draft.
EDITABLE = (Status.DRAFT,)
CASE_EDITS: dict[str, Move] = {
    "edit": Move(EDITABLE, Status.DRAFT, gettext_lazy("change it"), CLERK),
}


@dataclass(frozen=True)
class ClearanceMove:
    sources: tuple[str, ...]
    target: str
    # The case statuses in which the move is allowed: a withdrawn case is not cleared any more.
    case_statuses: tuple[str, ...]
    label: str
    # Besides the role, only officers of the unit the clearance is assigned (or escalated) to.
    who: Authority = CLEARING


CLEARANCE_MOVES: dict[str, ClearanceMove] = {
    "grant": ClearanceMove(
        (ClearanceStatus.PENDING,),
        ClearanceStatus.CLEARED,
        (Status.IN_CLEARANCE,),
        gettext_lazy("grant"),
    ),
    "flag": ClearanceMove(
        (ClearanceStatus.PENDING,),
        ClearanceStatus.FLAGGED,
        (Status.IN_CLEARANCE,),
        gettext_lazy("flag"),
    ),
    # A flag can be resolved until the case is decided; a hold decision waits for exactly that.
    "resolve": ClearanceMove(
        (ClearanceStatus.FLAGGED,),
        ClearanceStatus.CLEARED,
        (Status.IN_CLEARANCE, *DECIDABLE),
        gettext_lazy("resolve"),
    ),
}

# Foreign requests: registered by a foreign affairs office, then split once into cases.
REQUEST_MOVES: dict[str, Authority] = {"register": FOREIGN, "split": FOREIGN}


def authority_for(action: str) -> Authority | None:
    """Who may take `action` at all, whatever the state of the object."""
    for table in (TRANSITIONS, CASE_EDITS, CLEARANCE_MOVES):
        if action in table:
            return table[action].who
    return REQUEST_MOVES[action]


def allowed(official: Official, action: str) -> bool:
    """May the official ever take `action` (their roles and unit kind)? Worklists ask this."""
    who = authority_for(action)
    return who is not None and who.allows(official)


def assigned(official: Official, clearance: Clearance) -> bool:
    return official.unit_id in (clearance.unit_id, clearance.escalated_to_id)


def _state_allows(obj, action: str) -> bool:
    if isinstance(obj, Clearance):
        move = CLEARANCE_MOVES[action]
        return obj.case.status in move.case_statuses and obj.status in move.sources
    if isinstance(obj, ForeignRequest):
        return action == "register" or obj.split_at is None
    move = TRANSITIONS.get(action) or CASE_EDITS[action]
    return obj is None or obj.status in move.sources


def refusal(official: Official, obj, action: str) -> str | None:
    """Why the official may not take `action` on `obj` now: "role", "state", or None if they may.

    "role" covers the role, the kind of unit and, for a clearance, the unit it is assigned to.
    """
    if not allowed(official, action):
        return "role"
    if isinstance(obj, Clearance) and not assigned(official, obj):
        return "role"
    return None if _state_allows(obj, action) else "state"


def may(official: Official, obj, action: str) -> bool:
    """May the official take `action` on `obj` (a case, a clearance, a foreign request, or None
    for an action that creates one) now? The one answer for services, pages and worklists."""
    return refusal(official, obj, action) is None


def state_refusal(case: Case, label, allowed) -> ValidationError:
    return invalid(
        NON_FIELD_ERRORS,
        "case_state",
        number=case.number,
        status=Status(case.status),
        action=label,
        allowed=[Status(s) for s in allowed],
    )


def ensure_can(case: Case, action: str) -> Move:
    move = TRANSITIONS[action]
    if case.status not in move.sources:
        raise state_refusal(case, move.label, move.sources)
    return move


def ensure_editable(case: Case, label: str) -> None:
    if case.status not in EDITABLE:
        raise state_refusal(case, label, EDITABLE)


def _row(case: Case, from_status: str, to_status: str, *, actor, reason, clause_id, unit):
    return Transition(
        case_id=case.pk,
        from_status=from_status,
        to_status=to_status,
        actor_id=getattr(actor, "pk", None),
        unit_id=unit.pk if unit is not None else getattr(actor, "unit_id", None),
        reason=reason[:200],
        clause_id=clause_id,
        at=clock.now(),
    )


def transition(
    case: Case, action: str, *, actor, reason: str = "", clause_id: str = "", unit=None
) -> Transition:
    """Move the case by `action`; its row is written with the case by save_case."""
    move = ensure_can(case, action)
    row = _row(
        case, case.status, move.target, actor=actor, reason=reason, clause_id=clause_id, unit=unit
    )
    case.status = move.target
    # The rows of one service call go in with one statement when the case is saved.
    case.__dict__.setdefault("_unsaved_transitions", []).append(row)
    return row


def opening_row(case: Case, *, actor, clause_id: str = "", unit=None) -> Transition:
    """The first row of every timeline, unsaved: the case came into being as a draft."""
    target = TRANSITIONS["open"].target
    return _row(case, "", target, actor=actor, reason="", clause_id=clause_id, unit=unit)


def record_opening(case: Case, *, actor, clause_id: str = "", unit=None) -> Transition:
    row = opening_row(case, actor=actor, clause_id=clause_id, unit=unit)
    insert_rows(Transition, [row])
    return row


def ensure_clearance_can(clearance, case: Case, action: str) -> ClearanceMove:
    move = CLEARANCE_MOVES[action]
    if case.status not in move.case_statuses:
        raise state_refusal(case, move.label, move.case_statuses)
    if clearance.status not in move.sources:
        raise invalid(
            NON_FIELD_ERRORS,
            "clearance_state",
            kind=UnitKind(clearance.unit_kind),
            number=case.number,
            status=ClearanceStatus(clearance.status),
            action=move.label,
            allowed=[ClearanceStatus(s) for s in move.sources],
        )
    return move


def save_case(case: Case, *fields: str) -> None:
    """Every change to a case, its members or its clearances moves the case to a new version.

    Only the named columns are written (UPDATE_COLUMNS), then the status changes made since the
    last save (INSERT_ROWS): two statements, whatever the step.
    """
    case.version += 1
    update_columns(case, ("version", *fields))
    insert_rows(Transition, case.__dict__.pop("_unsaved_transitions", ()))


def lock_case(
    official, case_id: int, action: str, *, related: str | None = None, extra=None
) -> Case:
    """The case, locked for this transaction, if the official may take `action` on such a case.

    The state is checked after the version (ensure_can), so that a stale form hears it is stale.
    One statement (LOCK_IN_SUBTREE) reads it, with `related` joined and `extra` expressions.
    """
    return lock_in_subtree(
        official, Case, case_id, action=authority_for(action), related=related, extra=extra
    )


def case_payload(case: Case, **extra) -> dict:
    """What every case audit event carries: ids, codes and the version, never a name."""
    return {"case": case.pk, "number": case.number, "version": case.version, **extra}
