"""Requests from the other side's authority: registered by a foreign affairs office, then split
into one family-travel case per household, each in the county where its principal lives."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone

from tumen.audit.services import audit_record, audit_record_many
from tumen.cases.intake import (
    next_numbers,
    opened_payload,
    routing_of,
    send_to_clearance,
    submitted_payload,
)
from tumen.cases.models import (
    Case,
    CaseMember,
    Clearance,
    ForeignRequest,
    ForeignRequestPerson,
    MemberRole,
    Status,
    Transition,
)
from tumen.cases.validation import details_problems, member_problems
from tumen.cases.workflow import authority_for, opening_row
from tumen.lib import clock
from tumen.lib.dates import past_date_error
from tumen.lib.errors import Problems, ensure_version, errors_by_field, invalid
from tumen.lib.policy import CaseType
from tumen.lib.writes import insert_rows
from tumen.org.access import (
    can_see,
    clash_outside_jurisdiction,
    get_for_update,
    get_for_user,
    require,
)
from tumen.org.models import Jurisdiction, Level, Official, UnitKind, WorkUnit
from tumen.people.models import Person, Relation, RelationKind, Sex
from tumen.people.services import person_register, relation_add
from tumen.policy.selectors import foreign_request_case_type

# What person_register accepts from a person entry that is not yet registered.
PERSON_FIELDS = (
    "name_hangul",
    "name_hanzi",
    "name_latin",
    "date_of_birth",
    "ethnicity",
    "household_number",
    "residence_permit_number",
    "passport_number",
)


def _registered(official: Official, spec: dict) -> Person:
    fields = {name: spec[name] for name in PERSON_FIELDS if name in spec}
    return person_register(
        official=official,
        sex=spec.get("sex", Sex.UNKNOWN),
        nationality=spec.get("nationality", ""),
        residence_code=spec.get("residence_code"),
        **fields,
    )


def _entry_field(index: int, field: str) -> str:
    return f"persons[{index}]" if field == NON_FIELD_ERRORS else f"persons[{index}].{field}"


def _person(official: Official, index: int, spec: dict) -> Person:
    """The registered person an entry names, or a newly registered one; problems re-keyed."""
    try:
        if spec.get("person_id") is not None:
            return get_for_user(official, Person, pk=spec["person_id"])
        return _registered(official, spec)
    except ValidationError as exc:
        raise ValidationError(
            {_entry_field(index, field): errors for field, errors in errors_by_field(exc).items()}
        ) from None


def _entry_problems(persons: Sequence[dict]) -> Problems:
    problems = Problems()
    principals: dict[str, int] = defaultdict(int)
    for index, spec in enumerate(persons):
        household = str(spec.get("household", "")).strip()
        if not household:
            problems.add(f"persons[{index}].household", "foreign_household_missing")
        principals[household] += bool(spec.get("is_principal"))
        if spec.get("person_id") is None and not spec.get("residence_code"):
            # The policy concerns Chinese nationals or residents in China (cc1963.6), and the
            # county of residence is where the household's case will be opened.
            problems.add(f"persons[{index}].residence_code", "foreign_residence_missing")
    for household, count in sorted(principals.items()):
        if household and count != 1:
            problems.add("persons", "foreign_principals", household=household, count=count)
    return problems


def _resolve_persons(
    official: Official, persons: Sequence[dict], problems: Problems
) -> list[Person | None]:
    resolved: list[Person | None] = []
    for index, spec in enumerate(persons):
        try:
            resolved.append(_person(official, index, spec))
        except ValidationError as exc:
            resolved.append(None)
            problems.merge(exc)
    seen = [person.pk if person else None for person in resolved]
    for index, pk in enumerate(seen):
        if pk is not None and seen.index(pk) != index:
            problems.add(f"persons[{index}].person_id", "foreign_person_repeated", pk=pk)
    return resolved


def _officer_of(spec: dict, persons: Sequence[dict]) -> str:
    """The officer a person is family of: their own entry's, else their household principal's."""
    own = str(spec.get("officer_name", "")).strip()
    if own:
        return own
    principal = next(
        (p for p in persons if p.get("is_principal") and p.get("household") == spec["household"]),
        {},
    )
    return str(principal.get("officer_name", "")).strip()


def _record_officer_relation(official: Official, person: Person, officer: str) -> None:
    # The note itself attests the family tie that the family-travel policy asks for.
    if not officer:
        return
    exists = Relation.objects.filter(
        person=person, kind=RelationKind.OFFICER_FAMILY, relative_name=officer
    ).exists()
    if not exists:
        relation_add(
            official=official,
            person_id=person.pk,
            kind=RelationKind.OFFICER_FAMILY,
            relative_name=officer,
        )


def _name_persons(official, request, persons: Sequence[dict], resolved: Sequence[Person]) -> None:
    ForeignRequestPerson.objects.bulk_create(
        ForeignRequestPerson(
            request=request,
            person=person,
            household=str(spec["household"]).strip(),
            is_principal=bool(spec.get("is_principal")),
            officer_name=str(spec.get("officer_name", "")).strip(),
        )
        for spec, person in zip(persons, resolved, strict=True)
    )
    for spec, person in zip(persons, resolved, strict=True):
        _record_officer_relation(official, person, _officer_of(spec, persons))


def _refuse_known_reference(official: Official, reference: str) -> None:
    """A note is registered once. Held by another jurisdiction, it is not named (no id), the
    official is told which office holds it, and the attempt is audited."""
    known = ForeignRequest.objects.filter(reference=reference).select_related("jurisdiction")
    existing = known.first()
    if existing is None:
        return
    if can_see(official, existing):
        raise invalid("reference", "foreign_reference_known", reference=reference)
    denial = clash_outside_jurisdiction(official, existing)
    error = invalid("reference", "foreign_reference_elsewhere", place=existing.jurisdiction.name)
    error.denials = [denial]
    raise error


@transaction.atomic
def foreign_request_register(
    *,
    official: Official,
    reference: str,
    received_on: datetime.date,
    authority: str,
    persons: Sequence[dict],
) -> ForeignRequest:
    """Register a note naming persons by household.

    Each entry of `persons`: `person_id` of a registered person, or the fields of
    people.services.person_register for a new one; `household` (a label), `is_principal`,
    `officer_name` (the officer the household is family of).
    """
    require(official, authority_for("register"))
    reference = reference.strip()
    _refuse_known_reference(official, reference)
    problems = _entry_problems(persons)
    # Callers that hand over the ISO text (tests, the CLI) get it read as the form reads it.
    if isinstance(received_on, str):
        received_on = datetime.date.fromisoformat(received_on)
    late = past_date_error(received_on)
    if late:
        problems.add("received_on", late[0], **late[1])
    resolved = _resolve_persons(official, persons, problems)
    problems.raise_if_any()
    request = ForeignRequest.objects.create(
        reference=reference,
        received_on=received_on,
        authority=authority.strip(),
        registered_by=official.unit,
        jurisdiction=official.unit.jurisdiction,
    )
    _name_persons(official, request, persons, resolved)
    audit_record(
        actor=official,
        action="foreign_request.registered",
        target=request,
        payload={
            "request": request.pk,
            "reference": reference,
            "persons": [person.pk for person in resolved],
            "version": request.version,
        },
    )
    return request


def _request_case_type():
    """The pack says which case type a request opens (the 1963 pack: family_travel)."""
    try:
        return foreign_request_case_type()
    except LookupError:
        raise invalid(NON_FIELD_ERRORS, "foreign_no_pack") from None


def _households(request: ForeignRequest) -> dict[str, list[ForeignRequestPerson]]:
    """Each household's entries, principal first."""
    entries = request.persons.select_related("person__residence").order_by(
        "household", "-is_principal", "pk"
    )
    households: dict[str, list[ForeignRequestPerson]] = defaultdict(list)
    for entry in entries:
        households[entry.household].append(entry)
    return households


def _county_office(official: Official, label: str, principal: Person, problems: Problems, seen):
    """The intake unit of the county the household principal lives in, or a problem.

    `seen` keeps each county's answer, so a request of thousands of households asks once per
    county.
    """
    county = principal.residence
    field = f"households.{label}"
    key = county.pk if county is not None else None
    if key not in seen:
        visible = county is not None and county.level == Level.COUNTY and can_see(official, county)
        office = None
        if visible:
            office = WorkUnit.objects.filter(jurisdiction=county, kind=UnitKind.COUNTY_OFFICE)
            office = office.select_related("jurisdiction").order_by("code").first()
        seen[key] = (visible, office)
    visible, office = seen[key]
    if not visible:
        problems.add(field, "foreign_principal_outside", pk=principal.pk)
        return None
    if office is None:
        problems.add(field, "foreign_no_county_office", county=county.name)
    return office


def _already_split(request: ForeignRequest) -> ValidationError:
    numbers = list(request.cases.order_by("number").values_list("number", flat=True))
    return invalid(
        NON_FIELD_ERRORS,
        "foreign_already_split",
        reference=request.reference,
        at=timezone.localdate(request.split_at),
        numbers=numbers,
    )


def _details(request: ForeignRequest, entries: Sequence[ForeignRequestPerson]) -> dict:
    officer = next((e.officer_name for e in entries if e.officer_name), "")
    return {"officer_name": officer, "request_reference": request.reference}


def _members(case: Case, entries: Sequence[ForeignRequestPerson]) -> list[CaseMember]:
    return [
        CaseMember(
            case=case,
            person=e.person,
            role=MemberRole.PRINCIPAL if e.is_principal else MemberRole.DEPENDANT,
            relationship="",
        )
        for e in entries
    ]


@dataclass
class _Household:
    case: Case
    entries: Sequence[ForeignRequestPerson]
    members: list[CaseMember]
    clearances: list[Clearance] = field(default_factory=list)
    transitions: list[Transition] = field(default_factory=list)


def _submission(case_type: CaseType, county: Jurisdiction, details: dict, persons, routing):
    """The routes if the household's case can be submitted at once, else None (it waits, a draft
    at its county office, with the problems submission_problems lists)."""
    if county.pk not in routing:
        routing[county.pk] = routing_of(case_type, county)
    routes, problems = routing[county.pk]
    if problems or details_problems(case_type, details) or member_problems(case_type, persons):
        return None
    return routes


def _split_in_bulk(official, request, stored, case_type, households, offices) -> list[Case]:
    """Open one case per household, and submit each that is complete, as case_open and
    case_submit would one by one: the same rows, transitions and audit events, per case, but
    each kind of row written for the whole request at once."""
    now, routing = clock.now(), {}
    counties = Counter(office.jurisdiction for office in offices.values())
    numbers = {county.pk: iter(next_numbers(county, n)) for county, n in counties.items()}
    planned = []
    for label, entries in households.items():
        office = offices[label]
        county = office.jurisdiction
        case = Case(
            number=next(numbers[county.pk]),
            case_type=case_type.code,
            policy_pack=stored,
            jurisdiction=county,
            intake_unit=office,
            priority=case_type.priority,
            details=_details(request, entries),
            foreign_request=request,
        )
        household = _Household(case, entries, _members(case, entries))
        household.transitions.append(opening_row(case, actor=official, clause_id=case_type.clause))
        persons = [e.person for e in entries]
        routes = _submission(case_type, county, case.details, persons, routing)
        if routes is not None:
            household.clearances = send_to_clearance(
                case, case_type, routes, actor=official, now=now
            )
            household.transitions += case.__dict__.pop("_unsaved_transitions")
            case.version += 1
        planned.append(household)
    Case.objects.bulk_create([h.case for h in planned])
    for household in planned:
        # The rows were built before the case had an id.
        for row in (*household.members, *household.clearances, *household.transitions):
            row.case_id = household.case.pk
    insert_rows(CaseMember, [row for h in planned for row in h.members])
    insert_rows(Transition, [row for h in planned for row in h.transitions])
    insert_rows(Clearance, [row for h in planned for row in h.clearances])
    audit_record_many(actor=official, events=_split_events(planned, case_type, stored))
    return [h.case for h in planned]


def _split_events(planned, case_type: CaseType, stored) -> list:
    events = []
    for household in planned:
        case = household.case
        persons = [e.person for e in household.entries]
        # As it was opened: the draft's version, before the submission moved it on.
        opened = {**opened_payload(case, case_type, stored, persons), "version": 1}
        events.append(("case.opened", case, opened))
        if household.clearances:
            events.append(("case.submitted", case, submitted_payload(case, household.clearances)))
    return events


@transaction.atomic
def foreign_request_split(*, official: Official, request_id: int, version: int) -> list[Case]:
    """One case per household, in its principal's county; submitted when complete.

    A case that cannot be submitted yet stays a draft at its county office; its problems are
    what tumen.cases.intake.submission_problems(case) lists. A request is split once.
    """
    request = get_for_update(official, ForeignRequest, action=authority_for("split"), pk=request_id)
    ensure_version(request, version, what="foreign_request")
    if request.split_at is not None:
        raise _already_split(request)
    stored, case_type = _request_case_type()
    households, problems, seen = _households(request), Problems(), {}
    offices = {
        label: _county_office(official, label, entries[0].person, problems, seen)
        for label, entries in households.items()
    }
    problems.raise_if_any()
    cases = _split_in_bulk(official, request, stored, case_type, households, offices)
    submitted = [case.pk for case in cases if case.status != Status.DRAFT]
    request.split_at = clock.now()
    request.version += 1
    request.save(update_fields=["split_at", "version"])
    audit_record(
        actor=official,
        action="foreign_request.split",
        target=request,
        payload={
            "request": request.pk,
            "cases": [case.pk for case in cases],
            "submitted": submitted,
            "version": request.version,
        },
    )
    return cases
