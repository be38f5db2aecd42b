"""Deciding a case, and the two ways a case leaves the decision: withdrawal and re-typing.

A decision is proposed by the pack (tumen.cases.proposal) and confirmed or changed by an
approver, within what the pack allows: approve always, refuse only on a ground whose effect is
`refuse` for this case type, hold. It stores the pack version and the clause of every outcome.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import connection, transaction

from tumen.audit.services import audit_record, audit_record_many
from tumen.cases.clearances import cancel_pending_clearances, listed_ground
from tumen.cases.hooks import decide_columns, run_approved
from tumen.cases.intake import active_pack, open_preauthorised
from tumen.cases.models import (
    Case,
    ClearanceStatus,
    Decision,
    ExistingIssue,
    IssueKind,
    MemberOutcome,
)
from tumen.cases.proposal import (
    RETYPE,
    WITHDRAW,
    MemberProposal,
    combine,
    decision_proposal,
    members_for_proposal,
)
from tumen.cases.workflow import (
    authority_for,
    case_payload,
    ensure_can,
    lock_case,
    save_case,
    transition,
)
from tumen.lib import clock
from tumen.lib.errors import Problems, StaleVersion, ensure_version, invalid
from tumen.lib.policy import CaseType
from tumen.lib.writes import insert_rows
from tumen.org.access import NotVisible, record_lost_denial, require
from tumen.org.models import Official
from tumen.org.reference import TOKEN_SQL
from tumen.policy.selectors import case_type_for, case_type_of, pack_by_id

# The household outcome, as the status change that records it.
OUTCOME_ACTION = {
    Decision.Outcome.APPROVED: "approve",
    Decision.Outcome.PARTLY_APPROVED: "approve",
    Decision.Outcome.REFUSED: "refuse",
    Decision.Outcome.ON_HOLD: "hold",
}
REASON_MAX = 200
MASS_BATCH = 100
# Read with the case as case_decide locks it: whether any clearance is flagged (a flag raised
# meanwhile would have moved the version, which the decision then refuses).
_DECIDE_EXTRA = {
    # 'flagged' is ClearanceStatus.FLAGGED.
    "has_flags": "EXISTS (SELECT 1 FROM cases_clearance flag WHERE flag.case_id = t.id "
    "AND flag.status = 'flagged')",
    # Where the case is, for the work other apps do on approval (who issues, which crossings).
    "jurisdiction_path": "(SELECT place.path FROM org_jurisdiction place "
    "WHERE place.id = t.jurisdiction_id)",
    # The version of reference data, so that what approval derives from it is reused.
    "reference_token": TOKEN_SQL,
}


def _decide_extra() -> dict[str, str]:
    return {**_DECIDE_EXTRA, **decide_columns()}


def _leaving_decision(case: Case, proposal_outcome: str, ground: str | None) -> None:
    """Withdrawal and re-typing are their own services, with their own checks and records."""
    code = {WITHDRAW: "proposal_withdraw_elsewhere", RETYPE: "proposal_retype_elsewhere"}.get(
        proposal_outcome
    )
    if code is None:
        return
    listed = case_type_for(case).grounds.get(ground) if ground else None
    raise invalid(NON_FIELD_ERRORS, code, number=case.number, ground=listed)


def _ensure_plain_approval(case: Case, proposal) -> None:
    """Only a case the pack proposes to approve whole, with no flag open, is decided in bulk."""
    if case.has_flags:
        raise invalid(NON_FIELD_ERRORS, "bulk_flagged", number=case.number)
    if any(member.outcome != MemberOutcome.APPROVED for member in proposal.members):
        raise invalid(NON_FIELD_ERRORS, "bulk_not_all_approved", number=case.number)


def _refused(case: Case, case_type: CaseType, proposed: MemberProposal, ground, field):
    refusing = list(case_type.refusal_grounds.values())
    if ground is None:
        raise invalid(field, "refusal_needs_ground", type=case_type, grounds=refusing)
    listed = listed_ground(case, case_type, ground, field=field)
    if listed.effect != "refuse":
        raise invalid(field, "not_refusal_ground", ground=listed, type=case_type, grounds=refusing)
    return MemberProposal(proposed.member, proposed.person, "refused", listed.code, listed.clause)


def _held(case: Case, case_type: CaseType, proposed: MemberProposal, ground, field):
    # A hold cites the ground it waits on; without one it would cite nothing the pack says.
    if ground is None:
        holding = [g for g in case_type.grounds.values() if g.effect == "hold"]
        raise invalid(field, "hold_needs_ground", type=case_type, grounds=holding)
    listed = listed_ground(case, case_type, ground, field=field)
    return MemberProposal(proposed.member, proposed.person, "on_hold", listed.code, listed.clause)


def _approved(case: Case, case_type: CaseType, proposed: MemberProposal, ground, field):
    return MemberProposal(
        proposed.member, proposed.person, "approved", None, case_type.approve_clause
    )


OVERRIDES = {
    MemberOutcome.APPROVED: _approved,
    MemberOutcome.REFUSED: _refused,
    MemberOutcome.ON_HOLD: _held,
}


def _override(case, case_type, proposed: MemberProposal, choice) -> MemberProposal:
    field = f"member_outcomes[{proposed.member}]"
    outcome, ground = choice
    if outcome not in OVERRIDES:
        raise invalid(field, "outcome_unknown", outcome=outcome)
    return OVERRIDES[outcome](case, case_type, proposed, ground, field)


def _final(
    case, case_type, proposal, chosen: Mapping[int, tuple], note: str
) -> list[MemberProposal]:
    """The proposal with the approver's changes; every invalid change is reported at once.

    Departing from the proposal (approving over a flag, holding, refusing) needs a written
    reason, which the decision keeps as its note.
    """
    problems = Problems()
    for member_id in set(chosen) - {m.member for m in proposal.members}:
        problems.add(
            f"member_outcomes[{member_id}]", "outcome_not_member", pk=member_id, number=case.number
        )
    final = []
    for proposed in proposal.members:
        if proposed.member not in chosen:
            final.append(proposed)
            continue
        try:
            final.append(_override(case, case_type, proposed, chosen[proposed.member]))
        except ValidationError as exc:
            problems.merge(exc)
    departs = any(_departs(p, f) for p, f in zip(proposal.members, final, strict=False))
    if departs and not note.strip():
        problems.add("note", "departure_needs_note")
    problems.raise_if_any()
    return final


def _departs(proposed: MemberProposal, final: MemberProposal) -> bool:
    return (final.outcome, final.ground) != (proposed.outcome, proposed.ground)


def _departed(decision: Decision) -> bool:
    return any("proposed" in member for member in decision.member_outcomes)


def _member_record(proposed: MemberProposal, final: MemberProposal) -> dict:
    """A member's outcome as the decision keeps it; a departure names what it departs from."""
    record = final.as_json()
    if _departs(proposed, final):
        record["proposed"] = {"outcome": proposed.outcome, "ground": proposed.ground}
    return record


# MEMBER_OUTCOMES: the members who share an outcome, ground and clause, in one statement (a
# household approved as a whole is one).
_MEMBER_OUTCOMES = (
    "UPDATE cases_casemember SET outcome = %s, ground = %s, clause_id = %s WHERE id IN ({ids})"
)


def _record_members(case: Case, final: list[MemberProposal], note: str, now) -> None:
    groups: dict[tuple[str, str, str], list[int]] = {}
    for outcome in final:
        key = (outcome.outcome, outcome.ground or "", outcome.clause)
        groups.setdefault(key, []).append(outcome.member)
    with connection.cursor() as cursor:
        for values, ids in groups.items():
            placeholders = ", ".join(["%s"] * len(ids))
            cursor.execute(_MEMBER_OUTCOMES.format(ids=placeholders), [*values, *ids])
    insert_rows(
        ExistingIssue,
        [
            ExistingIssue(
                case_id=case.pk,
                jurisdiction_id=case.jurisdiction_id,
                kind=IssueKind.REFUSAL,
                ground=outcome.ground,
                clause_id=outcome.clause,
                note=note,
                raised_at=now,
            )
            for outcome in final
            if outcome.outcome == MemberOutcome.REFUSED
        ],
    )


def _decided_event(case: Case, decision: Decision) -> tuple:
    pack = pack_by_id(case.policy_pack_id)
    return (
        "case.decided",
        case,
        case_payload(
            case,
            decision=decision.pk,
            outcome=decision.outcome,
            proposed=decision.proposed_outcome,
            pack=pack.code,
            pack_version=pack.version,
            clause=decision.clause_id,
            members=decision.member_outcomes,
            # A departure from the proposal is recorded with its written reason.
            reason=decision.note if _departed(decision) else "",
        ),
    )


@transaction.atomic
def case_decide(
    *,
    official: Official,
    case_id: int,
    version: int,
    member_outcomes: Mapping[int, tuple[str, str | None]] | None = None,
    note: str = "",
    approval_only: bool = False,
) -> Decision:
    """Decide the household. `member_outcomes` maps a CaseMember id to (outcome, ground) for
    members whose proposed outcome the approver changes; None accepts the proposal as it is.

    `approval_only` (a mass decision) refuses, unchanged, a case with an unresolved flag or
    whose proposal is not to approve every member: those need the single-case form."""
    case = lock_case(official, case_id, "approve", extra=_decide_extra())
    ensure_version(case, version)
    ensure_can(case, "approve")
    case_type = case_type_for(case)
    members = members_for_proposal(case, case_type)
    proposal = decision_proposal(case, members)
    if approval_only:
        _ensure_plain_approval(case, proposal)
    _leaving_decision(case, proposal.outcome, proposal.ground)
    final = _final(case, case_type, proposal, member_outcomes or {}, note)
    outcome, clause, _ground = combine(final, case_type)
    now = clock.now()
    decision = Decision(
        case=case,
        outcome=outcome,
        proposed_outcome=proposal.outcome,
        policy_pack_id=case.policy_pack_id,
        clause_id=clause,
        member_outcomes=[
            _member_record(p, f) for p, f in zip(proposal.members, final, strict=True)
        ],
        note=note.strip(),
        decided_by=official,
        decided_at=now,
    )
    insert_rows(Decision, [decision], returning_ids=True)
    _record_members(case, final, note.strip(), now)
    transition(case, OUTCOME_ACTION[outcome], actor=official, reason=outcome, clause_id=clause)
    if outcome != Decision.Outcome.ON_HOLD:
        case.decided_at = now
    after = []
    if outcome in (Decision.Outcome.APPROVED, Decision.Outcome.PARTLY_APPROVED):
        # Other apps' work on approval (travel documents) may move the case on before its save.
        approved = {p.member for p in final if p.outcome == MemberOutcome.APPROVED}
        after = run_approved(
            official=official, case=case, members=[m for m in members if m.pk in approved]
        )
    save_case(case, "status", "decided_at")
    # The decision's event and the approval work's, chained in that order with one statement.
    audit_record_many(actor=official, events=[_decided_event(case, decision), *after])
    return decision


@dataclass
class MassDecision:
    """What became of an approver's selection: the cases decided, and why each other was not."""

    decided: dict[int, str] = field(default_factory=dict)  # case id -> outcome
    not_decided: dict[int, str] = field(default_factory=dict)  # case id -> the refusal, in words


def _refusal_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(str(message) for message in error.messages)
    return str(error)


def cases_decide(
    *,
    official: Official,
    selection: Sequence[tuple[int, int]],
    note: str = "",
    batch_size: int = MASS_BATCH,
) -> MassDecision:
    """Approve each selected (case id, version) as its pack proposes, as case_decide would with
    no change to the proposal: the same checks, rows and audit event per case.

    One transaction per batch of cases, a savepoint per case: a case that cannot be decided
    (stale, not awaiting a decision, outside the official's jurisdiction, flagged, or not
    proposed for approval of every member) is left as it was and reported, and the others go on.
    """
    require(official, authority_for("approve"))
    result = MassDecision()
    for start in range(0, len(selection), batch_size):
        with transaction.atomic():
            for case_id, version in selection[start : start + batch_size]:
                try:
                    decision = case_decide(
                        official=official,
                        case_id=case_id,
                        version=version,
                        note=note,
                        approval_only=True,
                    )
                except NotVisible as exc:
                    record_lost_denial(exc)
                    result.not_decided[case_id] = _refusal_text(exc)
                except (ValidationError, StaleVersion, PermissionDenied) as exc:
                    result.not_decided[case_id] = _refusal_text(exc)
                else:
                    result.decided[case_id] = decision.outcome
    return result


def _required_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason or len(reason) > REASON_MAX:
        raise invalid("reason", "reason_required", max=REASON_MAX)
    return reason


def _withdrawal_ground(case: Case, case_type: CaseType) -> tuple[str | None, str]:
    """The flagged ground that reports the withdrawal, if a unit recorded one, and its clause."""
    for flag in case.clearances.filter(status=ClearanceStatus.FLAGGED):
        ground = case_type.grounds.get(flag.ground)
        if ground is not None and ground.effect == "withdraw":
            return ground.code, ground.clause
    return None, case_type.clause


@transaction.atomic
def case_withdraw(*, official: Official, case_id: int, version: int, reason: str) -> Case:
    """The applicant withdrew (or the county abandons the draft) before a decision."""
    case = lock_case(official, case_id, "withdraw")
    ensure_version(case, version)
    ensure_can(case, "withdraw")
    reason = _required_reason(reason)
    ground, clause = _withdrawal_ground(case, case_type_for(case))
    transition(case, "withdraw", actor=official, reason=reason, clause_id=clause)
    save_case(case, "status")
    cancelled = cancel_pending_clearances(case, actor=official, reason=reason)
    audit_record(
        actor=official,
        action="case.withdrawn",
        target=case,
        payload=case_payload(case, ground=ground, clause=clause, cancelled_clearances=cancelled),
    )
    return case


def _retype_ground(case: Case, case_type: CaseType, code: str):
    listed = listed_ground(case, case_type, code)
    if listed.effect != "retype":
        retyping = [g for g in case_type.grounds.values() if g.retype_to]
        raise invalid(
            "ground", "not_retype_ground", ground=listed, type=case_type, grounds=retyping
        )
    return listed


def _carried_over(case: Case, new_type: CaseType) -> dict:
    # Only what the new type's form asks for; the old case keeps everything it had.
    names = {rule.name for rule in new_type.fields}
    return {name: value for name, value in case.details.items() if name in names}


@transaction.atomic
def case_retype(*, official: Official, case_id: int, version: int, ground: str) -> Case:
    """Close the case as re-typed and open a draft of the type the ground names; returns it.

    The new draft keeps the members, the county, the intake unit and the details its type asks
    for, under the active pack for the new type, and points back to this case.
    """
    case = lock_case(official, case_id, "retype")
    ensure_version(case, version)
    ensure_can(case, "retype")
    case_type = case_type_for(case)
    listed = _retype_ground(case, case_type, ground)
    stored = active_pack(listed.retype_to, field="ground")
    new_type = case_type_of(stored, listed.retype_to)
    members = [(m.person, m.role, m.relationship) for m in case.members.select_related("person")]
    transition(case, "retype", actor=official, reason=listed.code, clause_id=listed.clause)
    save_case(case, "status")
    cancelled = cancel_pending_clearances(case, actor=official, reason=listed.code)
    ExistingIssue.objects.create(
        case=case,
        jurisdiction_id=case.jurisdiction_id,
        kind=IssueKind.RETYPED,
        ground=listed.code,
        clause_id=listed.clause,
        raised_at=clock.now(),
    )
    new = open_preauthorised(
        actor=official,
        stored=stored,
        case_type=new_type,
        intake_unit=case.intake_unit,
        members=members,
        details=_carried_over(case, new_type),
        foreign_request=case.foreign_request,
        retyped_from=case,
    )
    audit_record(
        actor=official,
        action="case.retyped",
        target=case,
        payload=case_payload(
            case,
            ground=listed.code,
            clause=listed.clause,
            new_case=new.pk,
            new_number=new.number,
            cancelled_clearances=cancelled,
        ),
    )
    return new
