"""The case workflow as data: which action moves a case (or a clearance) from where to where.

Services consult these tables and never compare statuses by hand, so the whole lifecycle reads in
one place, and the travel-document issue adds `authorization_issue` / `crossing_record` services
against rows that are already here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tumen.cases.models import OPEN_STATUSES, Case, ClearanceStatus, Status, Transition
from tumen.lib import clock
from tumen.org.access import get_for_update


@dataclass(frozen=True)
class Move:
    sources: tuple[str, ...]
    target: str
    label: str


DECIDABLE = (Status.AWAITING_DECISION, Status.ON_HOLD)

TRANSITIONS: dict[str, Move] = {
    "open": Move((), Status.DRAFT, gettext_lazy("open")),
    "submit": Move((Status.DRAFT,), Status.SUBMITTED, gettext_lazy("submit")),
    "start_clearance": Move((Status.SUBMITTED,), Status.IN_CLEARANCE, gettext_lazy("clear")),
    "clearances_done": Move(
        (Status.IN_CLEARANCE,), Status.AWAITING_DECISION, gettext_lazy("finish clearance")
    ),
    "approve": Move(DECIDABLE, Status.APPROVED, gettext_lazy("decide")),
    "refuse": Move(DECIDABLE, Status.REFUSED, gettext_lazy("decide")),
    "hold": Move(DECIDABLE, Status.ON_HOLD, gettext_lazy("decide")),
    "withdraw": Move(OPEN_STATUSES, Status.WITHDRAWN, gettext_lazy("withdraw")),
    # A case is re-typed once its clearances have shown it to be of another type.
    "retype": Move((Status.IN_CLEARANCE, *DECIDABLE), Status.RETYPED, gettext_lazy("re-type")),
    # Travel documents (next issue): authorization_issue, then crossing_record at the border.
    "authorize": Move(
        (Status.APPROVED,), Status.AUTHORIZED, gettext_lazy("issue the authorization")
    ),
    "depart": Move((Status.AUTHORIZED,), Status.DEPARTED, gettext_lazy("record the departure")),
    "close": Move((Status.DEPARTED,), Status.CLOSED, gettext_lazy("close")),
}

# Editing details and members is not a status change, but it too is allowed only in a draft.
EDITABLE = (Status.DRAFT,)


@dataclass(frozen=True)
class ClearanceMove:
    sources: tuple[str, ...]
    target: str
    # The case statuses in which the move is allowed: a withdrawn case is not cleared any more.
    case_statuses: tuple[str, ...]
    label: str


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


def _labels(statuses) -> str:
    return ", ".join(str(Status(s).label) for s in statuses)


def refusal(case: Case, label: str, allowed) -> ValidationError:
    return ValidationError(
        {
            NON_FIELD_ERRORS: [
                _(
                    "status: case %(number)s is %(status)s, so it cannot %(action)s; that is "
                    "possible only while it is: %(allowed)s."
                )
                % {
                    "number": case.number,
                    "status": Status(case.status).label,
                    "action": label,
                    "allowed": _labels(allowed),
                }
            ]
        }
    )


def ensure_can(case: Case, action: str) -> Move:
    move = TRANSITIONS[action]
    if case.status not in move.sources:
        raise refusal(case, str(move.label), move.sources)
    return move


def ensure_editable(case: Case, label: str) -> None:
    if case.status not in EDITABLE:
        raise refusal(case, label, EDITABLE)


def _record(case: Case, from_status: str, to_status: str, *, actor, reason, clause_id, unit):
    row = Transition.objects.create(
        case=case,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        unit=unit if unit is not None else getattr(actor, "unit", None),
        reason=reason[:200],
        clause_id=clause_id,
        at=clock.now(),
    )
    case.status = to_status
    return row


def transition(
    case: Case, action: str, *, actor, reason: str = "", clause_id: str = "", unit=None
) -> Transition:
    """Move the case by `action` and record the row; the caller saves the case."""
    move = ensure_can(case, action)
    return _record(
        case, case.status, move.target, actor=actor, reason=reason, clause_id=clause_id, unit=unit
    )


def record_opening(case: Case, *, actor, clause_id: str = "", unit=None) -> Transition:
    """The first row of every timeline: the case came into being as a draft."""
    target = TRANSITIONS["open"].target
    return _record(case, "", target, actor=actor, reason="", clause_id=clause_id, unit=unit)


def ensure_clearance_can(clearance, case: Case, action: str) -> ClearanceMove:
    move = CLEARANCE_MOVES[action]
    if case.status not in move.case_statuses:
        raise refusal(case, str(move.label), move.case_statuses)
    if clearance.status not in move.sources:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _(
                        "status: the %(kind)s clearance of case %(number)s is %(status)s, so it "
                        "cannot %(action)s; that is possible only while it is: %(allowed)s."
                    )
                    % {
                        "kind": clearance.get_unit_kind_display(),
                        "number": case.number,
                        "status": ClearanceStatus(clearance.status).label,
                        "action": move.label,
                        "allowed": ", ".join(str(ClearanceStatus(s).label) for s in move.sources),
                    }
                ]
            }
        )
    return move


def save_case(case: Case, *fields: str) -> None:
    """Every change to a case, its members or its clearances moves the case to a new version."""
    case.version += 1
    case.save(update_fields=["version", *fields])


def lock_case(official, case_id: int, *roles: str) -> Case:
    """The case, locked for this transaction, if the official may act on it in one of `roles`."""
    return get_for_update(official, Case, roles=roles, pk=case_id)


def case_payload(case: Case, **extra) -> dict:
    """What every case audit event carries: ids, codes and the version, never a name."""
    return {"case": case.pk, "number": case.number, "version": case.version, **extra}
