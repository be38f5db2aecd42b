"""Intake: opening a case at a county office, editing the draft, submitting it for clearance."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from tumen.audit.services import audit_record
from tumen.cases.models import (
    Case,
    CaseMember,
    CaseNumberCounter,
    Clearance,
    ForeignRequest,
    MemberRole,
)
from tumen.cases.proposal import members_with_persons
from tumen.cases.routing import route
from tumen.cases.validation import details_problems, member_problems, shape_problems
from tumen.cases.workflow import (
    authority_for,
    case_payload,
    ensure_can,
    ensure_editable,
    lock_case,
    record_opening,
    save_case,
    transition,
)
from tumen.lib import clock
from tumen.lib.errors import Problems, ensure_version, invalid
from tumen.lib.policy import CaseType
from tumen.lib.writes import insert_rows
from tumen.org.access import NotVisible, get_visible, require
from tumen.org.models import Jurisdiction, Official, UnitKind, WorkUnit
from tumen.org.reference import TOKEN_SQL, remembered
from tumen.people.models import Person
from tumen.policy.models import PolicyPack
from tumen.policy.selectors import (
    case_type_for,
    case_type_of,
    intake_case_types,
    pack_for_case_type,
)

# (person, role, relationship to the principal)
MemberSpec = tuple[Person, str, str]


# COUNTER_NEXT: take the county's next number for the year in one statement; the UPDATE's row
# lock makes two clerks of one county take turns.
_COUNTER_NEXT = (
    "UPDATE cases_casenumbercounter SET last = last + %s "
    "WHERE jurisdiction_id = %s AND year = %s RETURNING last"
)


def _take_numbers(county_id: int, year: int, count: int) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(_COUNTER_NEXT, [count, county_id, year])
        row = cursor.fetchone()
    return row[0] if row else None


def next_numbers(county: Jurisdiction, count: int = 1) -> list[str]:
    """YANJI-1963-000042: the county's next `count` running numbers for the year."""
    year = clock.today().year
    last = _take_numbers(county.pk, year, count)
    if last is None:
        # The county's first case of the year (the unique constraint settles a race).
        CaseNumberCounter.objects.get_or_create(jurisdiction=county, year=year)
        last = _take_numbers(county.pk, year, count)
    return [f"{county.code.upper()}-{year}-{n:06d}" for n in range(last - count + 1, last + 1)]


def next_number(county: Jurisdiction) -> str:
    return next_numbers(county)[0]


def active_pack(
    case_type: str, *, field: str = "case_type", token: str | None = None
) -> PolicyPack:
    try:
        return remembered(token, ("pack", case_type), lambda: pack_for_case_type(case_type))
    except LookupError:
        offered = {kind.code: kind for _stored, kind in intake_case_types()}
        raise invalid(
            field,
            "case_type_unknown",
            type=case_type,
            offered=[offered[code] for code in sorted(offered)],
        ) from None


def _visible_person(official: Official, person_id: int) -> Person:
    return get_visible(official, Person, person_id, extra=_REFERENCE)


def _member_specs(
    official: Official, principal_id: int, dependants: Sequence[tuple[int, str]]
) -> list[MemberSpec]:
    ids = [principal_id, *(person_id for person_id, _relationship in dependants)]
    repeated = sorted({pk for pk in ids if ids.count(pk) > 1})
    if repeated:
        raise invalid("dependants", "member_listed_twice", pk=repeated[0])
    specs = [(_visible_person(official, principal_id), MemberRole.PRINCIPAL, "")]
    for person_id, relationship in dependants:
        specs.append((_visible_person(official, person_id), MemberRole.DEPENDANT, relationship))
    return specs


def open_preauthorised(
    *,
    actor: Official,
    stored: PolicyPack,
    case_type: CaseType,
    intake_unit: WorkUnit,
    members: Sequence[MemberSpec],
    details: dict,
    foreign_request: ForeignRequest | None = None,
    retyped_from: Case | None = None,
) -> Case:
    """Create a draft with its members, its first transition and its audit event.

    Checks no authority: the name says the caller has done so (case_open, case_retype; the
    bulk split of a foreign request builds the same rows). Anything else goes through case_open.
    """
    county = intake_unit.jurisdiction
    case = Case(
        number=next_number(county),
        case_type=case_type.code,
        policy_pack=stored,
        jurisdiction=county,
        intake_unit=intake_unit,
        priority=case_type.priority,
        details=details,
        foreign_request=foreign_request,
        retyped_from=retyped_from,
    )
    insert_rows(Case, [case], returning_ids=True)
    insert_rows(
        CaseMember,
        [
            CaseMember(case=case, person=person, role=role, relationship=relationship)
            for person, role, relationship in members
        ],
    )
    record_opening(case, actor=actor, clause_id=case_type.clause)
    persons = [person for person, _role, _relationship in members]
    audit_record(
        actor=actor,
        action="case.opened",
        target=case,
        payload=opened_payload(case, case_type, stored, persons),
    )
    return case


def opened_payload(case: Case, case_type: CaseType, stored: PolicyPack, persons) -> dict:
    """What case.opened records, for case_open and the bulk split alike."""
    return case_payload(
        case,
        case_type=case_type.code,
        pack=stored.code,
        pack_version=stored.version,
        county=case.jurisdiction.code,
        members=[person.pk for person in persons],
        foreign_request=case.foreign_request_id,
        retyped_from=case.retyped_from_id,
    )


@transaction.atomic
def case_open(
    *,
    official: Official,
    case_type: str,
    principal_id: int,
    dependants: Sequence[tuple[int, str]] = (),
    details: dict | None = None,
) -> Case:
    """Open a draft case at the official's county office, under the active pack for the type.

    `dependants` are (person id, relationship to the principal); every member must be a person
    the official can see (register new ones first with people.services.person_register).
    """
    require(official, authority_for("open"))
    unit = official.unit
    details = dict(details or {})
    # The members first: the principal's read brings the version of reference data, under
    # which the active packs are remembered. A wrong case type or details are still reported
    # before a person the official may not see, as when the pack was read first.
    try:
        members = _member_specs(official, principal_id, dependants)
    except NotVisible:
        shape_problems(case_type_of(active_pack(case_type), case_type), details).raise_if_any()
        raise
    stored = active_pack(case_type, token=getattr(members[0][0], "reference_token", None))
    kind = case_type_of(stored, case_type)
    shape_problems(kind, details).raise_if_any()
    return open_preauthorised(
        actor=official,
        stored=stored,
        case_type=kind,
        intake_unit=unit,
        members=members,
        details=details,
    )


def _editable_case(official: Official, case_id: int, version: int, label: str) -> Case:
    case = lock_case(official, case_id, "edit")
    ensure_version(case, version)
    ensure_editable(case, label)
    return case


@transaction.atomic
def case_update_details(*, official: Official, case_id: int, version: int, details: dict) -> Case:
    """Replace the draft's details (the intake form sends them all)."""
    case = _editable_case(official, case_id, version, _("change its details"))
    shape_problems(case_type_for(case), details).raise_if_any()
    before = case.details or {}
    changed = sorted(k for k in {*before, *details} if before.get(k) != details.get(k))
    if not changed:
        # Nothing changed, so nothing is written: the timeline says "details changed" only
        # when they did.
        return case
    case.details = dict(details)
    save_case(case, "details")
    audit_record(
        actor=official,
        action="case.details_updated",
        target=case,
        payload=case_payload(case, fields=changed),
    )
    return case


@transaction.atomic
def case_discard(*, official: Official, case_id: int, version: int) -> Case:
    """Give up a draft that was never submitted: it leaves every queue, and the audit log keeps
    that it was opened and discarded, by whom."""
    case = lock_case(official, case_id, "discard")
    ensure_version(case, version)
    ensure_can(case, "discard")
    transition(case, "discard", actor=official, clause_id=case_type_for(case).clause)
    save_case(case, "status")
    audit_record(actor=official, action="case.discarded", target=case, payload=case_payload(case))
    return case


@transaction.atomic
def case_add_member(
    *, official: Official, case_id: int, version: int, person_id: int, relationship: str = ""
) -> CaseMember:
    """Add a dependant to the draft's household."""
    case = _editable_case(official, case_id, version, _("change its members"))
    person = _visible_person(official, person_id)
    if case.members.filter(person=person).exists():
        raise invalid("person_id", "member_already", pk=person.pk, number=case.number)
    member = CaseMember.objects.create(
        case=case, person=person, role=MemberRole.DEPENDANT, relationship=relationship
    )
    save_case(case)
    audit_record(
        actor=official,
        action="case.member_added",
        target=case,
        payload=case_payload(case, member=member.pk, person=person.pk),
    )
    return member


@transaction.atomic
def case_remove_member(*, official: Official, case_id: int, version: int, person_id: int) -> Case:
    """Take a dependant off the draft; the principal stays (open another case instead)."""
    case = _editable_case(official, case_id, version, _("change its members"))
    member = case.members.filter(person_id=person_id).first()
    if member is None:
        raise invalid("person_id", "member_not_on_case", pk=person_id, number=case.number)
    if member.role == MemberRole.PRINCIPAL:
        raise invalid("person_id", "principal_not_removable", pk=person_id, number=case.number)
    member_pk = member.pk
    member.delete()
    save_case(case)
    audit_record(
        actor=official,
        action="case.member_removed",
        target=case,
        payload=case_payload(case, member=member_pk, person=person_id),
    )
    return case


# Read with the locked case or person: the version of reference data (tumen.org.reference).
_REFERENCE = {"reference_token": TOKEN_SQL}


def routing_of(
    case_type: CaseType, county: Jurisdiction, token: str | None = None
) -> tuple[dict[str, WorkUnit], Problems]:
    kinds = tuple(rule.unit_kind for rule in case_type.clearances)
    routes = remembered(token, ("route", kinds, county.path), lambda: route(kinds, county))
    problems = Problems()
    for rule in case_type.clearances:
        if rule.unit_kind not in routes:
            problems.add(
                f"clearances.{rule.unit_kind}",
                "no_clearing_unit",
                kind=UnitKind(rule.unit_kind),
                county=county.name,
                type=case_type,
                clause=rule.clause,
            )
    return routes, problems


def _problems(case: Case, case_type: CaseType) -> tuple[dict[str, WorkUnit], Problems]:
    persons = [member.person for member in members_with_persons(case.pk)]
    problems = details_problems(case_type, case.details)
    problems.merge(member_problems(case_type, persons))
    routes, routing = routing_of(
        case_type, case.jurisdiction, getattr(case, "reference_token", None)
    )
    problems.merge(routing)
    return routes, problems


def submission_problems(case: Case) -> dict[str, list[str]]:
    """Everything that keeps this draft from being submitted, keyed by field; empty when ready."""
    return _problems(case, case_type_for(case))[1].by_field


def send_to_clearance(
    case: Case, case_type: CaseType, routes: dict[str, WorkUnit], *, actor, now
) -> list[Clearance]:
    """The submission, in memory: the two status changes queued on the case, its dates set, and
    its clearances built (unsaved). The caller writes them: one case, or a batch of them."""
    transition(case, "submit", actor=actor, clause_id=case_type.clause)
    clearances = [
        Clearance(
            case=case,
            unit_kind=rule.unit_kind,
            unit=routes[rule.unit_kind],
            clause_id=rule.clause,
            due_at=now + datetime.timedelta(days=rule.deadline_days),
        )
        for rule in case_type.clearances
    ]
    transition(case, "start_clearance", actor=actor, clause_id=case_type.clause)
    slowest = max(rule.deadline_days for rule in case_type.clearances)
    case.submitted_at = now
    case.decision_due = now + datetime.timedelta(days=slowest + case_type.decision_deadline_days)
    return clearances


def submitted_payload(case: Case, clearances: Sequence[Clearance]) -> dict:
    return case_payload(case, clearances={c.unit_kind: c.unit.code for c in clearances})


def submit_preauthorised(case: Case, *, actor: Official) -> list[Clearance]:
    """Check the locked draft against its pack, then send it to every clearing unit at once.

    Checks no authority: the caller has locked the case as an official who may submit it
    (case_submit)."""
    ensure_can(case, "submit")
    case_type = case_type_for(case)
    routes, problems = _problems(case, case_type)
    problems.raise_if_any()
    clearances = send_to_clearance(case, case_type, routes, actor=actor, now=clock.now())
    insert_rows(Clearance, clearances)
    save_case(case, "status", "submitted_at", "decision_due")
    audit_record(
        actor=actor,
        action="case.submitted",
        target=case,
        payload=submitted_payload(case, clearances),
    )
    return clearances


@transaction.atomic
def case_submit(*, official: Official, case_id: int, version: int) -> Case:
    """Submit the draft: every problem is reported at once, per field, or clearances start."""
    case = lock_case(official, case_id, "submit", related="jurisdiction", extra=_REFERENCE)
    ensure_version(case, version)
    submit_preauthorised(case, actor=official)
    return case
