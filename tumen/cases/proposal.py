"""The decision the policy proposes for a case, computed from its pack, flags and members.

Read-only: the approver sees the proposal with a clause for every member's outcome, then
confirms it or changes it within what the pack allows (tumen.cases.decisions.case_decide).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from django.utils.translation import gettext as _

from tumen.cases.models import (
    Case,
    CaseMember,
    Clearance,
    ClearanceStatus,
    MemberOutcome,
    MemberRole,
)
from tumen.lib.policy import CaseType, Eligibility, Ground
from tumen.lib.reads import columns, from_row
from tumen.people.models import Ethnicity, Nationality, Person, RelationKind
from tumen.policy.selectors import case_type_for, pack_by_id

WITHDRAW = "withdraw"
RETYPE = "retype"
PARTLY_APPROVED = "partly_approved"
# A ground's effect, as a member's outcome.
EFFECT_OUTCOME = {
    "refuse": MemberOutcome.REFUSED.value,
    "hold": MemberOutcome.ON_HOLD.value,
    "withdraw": WITHDRAW,
    "retype": RETYPE,
}
# When several findings touch one member, the first of these wins: a case that is leaving the
# decision (withdrawn, re-typed) or waiting (hold) is not yet one in which anyone is refused.
PRECEDENCE = (
    WITHDRAW,
    RETYPE,
    MemberOutcome.ON_HOLD.value,
    MemberOutcome.REFUSED.value,
    MemberOutcome.APPROVED.value,
)


@dataclass(frozen=True)
class MemberProposal:
    member: int
    person: int
    outcome: str
    ground: str | None
    clause: str

    def as_json(self) -> dict:
        return {
            "member": self.member,
            "person": self.person,
            "outcome": self.outcome,
            "ground": self.ground,
            "clause": self.clause,
        }


@dataclass(frozen=True)
class Proposal:
    """outcome: approved | partly_approved | refused | on_hold | withdraw | retype."""

    outcome: str
    clause: str
    ground: str | None
    members: tuple[MemberProposal, ...]
    pack: str
    pack_version: int

    def for_member(self, member_id: int) -> MemberProposal:
        return next(m for m in self.members if m.member == member_id)


def _has_relation(rule: Eligibility, person: Person) -> bool:
    # members_for_proposal reads the answer with the members; otherwise the relations are read.
    known = getattr(person, "has_policy_relation", None)
    if known is not None:
        return known
    return bool({relation.kind for relation in person.relations.all()} & set(rule.relation))


def gaps(rule: Eligibility, person: Person) -> list[str]:
    """What of the person's record the eligibility rule reads and does not find, in words:
    empty when the person qualifies. Intake asks for these; the review shows them."""
    found = []
    if rule.nationality and person.nationality not in rule.nationality:
        wanted = ", ".join(str(Nationality(n).label) for n in rule.nationality)
        found.append(_("nationality: %(wanted)s") % {"wanted": wanted})
    if rule.ethnicity and person.ethnicity not in rule.ethnicity:
        wanted = ", ".join(str(Ethnicity(e).label) for e in rule.ethnicity)
        found.append(_("ethnicity: %(wanted)s") % {"wanted": wanted})
    if rule.relation and not _has_relation(rule, person):
        wanted = ", ".join(str(RelationKind(k).label) for k in rule.relation)
        found.append(_("a recorded relation: %(wanted)s") % {"wanted": wanted})
    return found


def fails(rule: Eligibility, person: Person) -> bool:
    """Whether the person falls outside the case type's eligibility rule."""
    return bool(
        (rule.nationality and person.nationality not in rule.nationality)
        or (rule.ethnicity and person.ethnicity not in rule.ethnicity)
        or (rule.relation and not _has_relation(rule, person))
    )


def qualifying_members(case_type: CaseType, members: Sequence[CaseMember]) -> list[CaseMember]:
    """The members whose own records the eligibility rule reads: the principal, or everyone."""
    rule = case_type.eligibility
    if rule is None:
        return []
    if rule.applies_to == "every_member":
        return list(members)
    return [m for m in members if m.role == MemberRole.PRINCIPAL]


def _findings(
    member: CaseMember, flags: Sequence[Clearance], case_type: CaseType, principal: Person
) -> list[Ground]:
    grounds = [
        case_type.grounds[flag.ground]
        for flag in flags
        if flag.member_id in (None, member.pk) and flag.ground in case_type.grounds
    ]
    rule = case_type.eligibility
    if rule is not None and fails(rule, _qualifying_person(rule, member, principal)):
        grounds.append(case_type.grounds[rule.otherwise])
    return grounds


def _qualifying_person(rule: Eligibility, member: CaseMember, principal: Person) -> Person:
    """Whose record decides a member's eligibility: their own, or the household principal's."""
    return member.person if rule.applies_to == "every_member" else principal


def member_proposal(
    member: CaseMember, flags: Sequence[Clearance], case_type: CaseType, principal: Person
) -> MemberProposal:
    proposals = [
        MemberProposal(member.pk, member.person_id, EFFECT_OUTCOME[g.effect], g.code, g.clause)
        for g in _findings(member, flags, case_type, principal)
    ]
    approve = MemberProposal(
        member.pk, member.person_id, MemberOutcome.APPROVED, None, case_type.approve_clause
    )
    return min([*proposals, approve], key=lambda p: PRECEDENCE.index(p.outcome))


def combine(members: Sequence[MemberProposal], case_type: CaseType) -> tuple[str, str, str | None]:
    """The household's outcome, its clause and (when one ground decides it) that ground."""
    outcomes = [m.outcome for m in members]
    for outcome in (WITHDRAW, RETYPE, MemberOutcome.ON_HOLD):
        if outcome in outcomes:
            first = members[outcomes.index(outcome)]
            return outcome, first.clause, first.ground
    refused = [m for m in members if m.outcome == MemberOutcome.REFUSED]
    if refused and len(refused) == len(members):
        return MemberOutcome.REFUSED.value, refused[0].clause, refused[0].ground
    if refused:
        return PARTLY_APPROVED, case_type.approve_clause, None
    return MemberOutcome.APPROVED.value, case_type.approve_clause, None


# MEMBERS_WITH_PERSONS: a case's members in their order (principal first), each with its person
# and, when asked, whether the person has a relation of the listed kinds; read at every
# submission and decision, so plain SQL (tested against the ORM's answer on both engines).
_MEMBERS_WITH_PERSONS = (
    "SELECT {members}, {persons}{related} FROM cases_casemember m "
    "JOIN people_person p ON p.id = m.person_id WHERE m.case_id = %s "
    "ORDER BY m.role DESC, m.id"
)
_HAS_RELATION = (
    ", EXISTS (SELECT 1 FROM people_relation r WHERE r.person_id = m.person_id "
    "AND r.kind IN ({kinds}))"
)


def members_with_persons(case_id: int, relation_kinds: Sequence[str] = ()) -> list[CaseMember]:
    """MEMBERS_WITH_PERSONS; with `relation_kinds`, each person's `has_policy_relation`."""
    related = ""
    if relation_kinds:
        related = _HAS_RELATION.format(kinds=", ".join(["%s"] * len(relation_kinds)))
    sql = _MEMBERS_WITH_PERSONS.format(
        members=columns(CaseMember, "m"),
        persons=columns(Person, "p"),
        related=related,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*relation_kinds, case_id])
        rows = cursor.fetchall()
    members = []
    for row in rows:
        member, rest = from_row(CaseMember, row)
        person, rest = from_row(Person, rest)
        if relation_kinds:
            person.has_policy_relation = bool(rest[0])
        member.person = person
        members.append(member)
    return members


def members_for_proposal(case: Case, case_type: CaseType) -> list[CaseMember]:
    """The members with their persons and, in the same statement, whether each person has a
    relation the case type's eligibility asks for."""
    rule = case_type.eligibility
    kinds = tuple(rule.relation) if rule is not None and rule.relation else ()
    return members_with_persons(case.pk, kinds)


def decision_proposal(case: Case, members: Sequence[CaseMember] | None = None) -> Proposal:
    """What the pack the case is bound to proposes, member by member, each with its clause.

    `members` as members_for_proposal reads them, when the caller has them already; the flags
    are not read when the case was read with `has_flags` False.
    """
    case_type = case_type_for(case)
    if members is None:
        members = members_for_proposal(case, case_type)
    flags = []
    if getattr(case, "has_flags", True):
        flags = list(case.clearances.filter(status=ClearanceStatus.FLAGGED))
    principal = next(m.person for m in members if m.role == MemberRole.PRINCIPAL)
    proposals = tuple(member_proposal(member, flags, case_type, principal) for member in members)
    outcome, clause, ground = combine(proposals, case_type)
    return Proposal(
        outcome=outcome,
        clause=clause,
        ground=ground,
        members=proposals,
        pack=pack_by_id(case.policy_pack_id).code,
        pack_version=pack_by_id(case.policy_pack_id).version,
    )
