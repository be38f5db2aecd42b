"""Changes to the person registry: registering a person, correcting their record, and recording
their relations.

The registry holds one row per human being. A document number (household registration, residence
permit, passport) that is already registered is refused with the existing person's id, so that
intake links the existing record instead of creating a second one. A correction is held to the
same rules as a registration: both go through `_check`.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from tumen.audit.services import audit_record
from tumen.lib.errors import Problems, ensure_version, errors_by_field, invalid
from tumen.lib.identity import normal_prc_id
from tumen.org.access import (
    can_see,
    clash_outside_jurisdiction,
    get_for_update,
    get_for_user,
    require,
)
from tumen.org.models import Jurisdiction, Level, Official
from tumen.people.matching import refresh_keys
from tumen.people.models import Person, Relation, RelationKind
from tumen.people.rules import record_problems

# Numbers that identify one person; the household registration number is shared, so not here.
DOCUMENT_FIELDS = ("personal_id_number", "residence_permit_number", "passport_number")
NUMBER_FIELDS = ("household_number", *DOCUMENT_FIELDS, "passport_state")
NAME_FIELDS = ("name_hangul", "name_hanzi", "name_latin")
# The arguments that describe a person, to person_register and person_update alike; the residence
# is given as a county's code.
PERSON_FIELDS = (
    *NAME_FIELDS,
    "sex",
    "date_of_birth",
    "nationality",
    "ethnicity",
    "residence_code",
    *NUMBER_FIELDS,
)


def _document_lookup(field: str, person: Person) -> Q:
    # A passport number is unique only within its issuing state (the model's constraint).
    if field == "passport_number":
        return Q(passport_number=person.passport_number, passport_state=person.passport_state)
    return Q(**{field: getattr(person, field)})


def _duplicate_documents(
    person: Person, official: Official, denials: list[dict], elsewhere: list[str]
) -> dict[str, list[ValidationError]]:
    """Document numbers of `person` that already belong to a registered person.

    A record the official may see is named so that intake can use it; one outside their
    jurisdiction is not (no id, no name): the message says where to refer the person, the
    attempt is audited (appended to `denials`) and the field is offered for a referral
    (appended to `elsewhere`; tumen.web.referrals).
    """
    problems = Problems()
    for field in DOCUMENT_FIELDS:
        if not getattr(person, field):
            continue
        existing = Person.objects.filter(_document_lookup(field, person)).exclude(pk=person.pk)
        holder = existing.select_related("residence").first()
        if holder is None:
            continue
        if can_see(official, holder):
            problems.add(field, "document_registered", pk=holder.pk)
        else:
            denials.append(clash_outside_jurisdiction(official, holder))
            elsewhere.append(field)
            problems.add(field, "document_registered_elsewhere", place=_holder_place(holder))
    return problems.by_field


def holding_jurisdiction(person: Person) -> Jurisdiction | None:
    """Where to refer a person: their county of residence, else the county of one of their cases."""
    if person.residence_id:
        return person.residence
    member = person.case_memberships.select_related("case__jurisdiction").first()
    return member.case.jurisdiction if member else None


def _holder_place(person: Person) -> str:
    holder = holding_jurisdiction(person)
    return holder.name if holder else _("unknown")


def holder_of_number(field: str, number: str, passport_state: str = "") -> Person | None:
    """The registered person a document number (as an official typed it) belongs to, if any."""
    if field not in DOCUMENT_FIELDS or not number:
        return None
    values = _tidied({field: number, "passport_state": passport_state})
    lookup = _document_lookup(field, Person(**values))
    return Person.objects.filter(lookup).select_related("residence").first()


def _residence(official: Official, residence_code: str | None) -> Jurisdiction | None:
    if residence_code is None:
        return None
    residence = get_for_user(official, Jurisdiction, code=residence_code)
    if residence.level != Level.COUNTY:
        raise invalid(
            "residence_code",
            "residence_not_county",
            code=residence.name,
            level=Level(residence.level),
        )
    return residence


def _field_problems(person: Person) -> dict[str, list[ValidationError]]:
    """Choices and lengths, as Django's field validation states them, keyed by field."""
    problems = Problems()
    if not any(getattr(person, field) for field in NAME_FIELDS):
        problems.add(NON_FIELD_ERRORS, "name_missing")
    try:
        person.full_clean(exclude=["residence", "registered_by"], validate_constraints=False)
    except ValidationError as exc:
        for field, errors in errors_by_field(exc).items():
            for found in errors:
                problems.add(field, "field_invalid", problem=found)
    for field, code, params in record_problems(person):
        problems.add(field, code, **params)
    return problems.by_field


def _tidied(values: dict[str, Any]) -> dict[str, Any]:
    """Names and document numbers as the registry keeps them: trimmed, Latin words single-spaced."""
    tidy = dict(values)
    for field in ("name_hangul", "name_hanzi", *NUMBER_FIELDS):
        if field in tidy:
            tidy[field] = (tidy[field] or "").strip()
    if tidy.get("personal_id_number"):
        tidy["personal_id_number"] = normal_prc_id(tidy["personal_id_number"])
    if tidy.get("passport_state"):
        tidy["passport_state"] = tidy["passport_state"].upper()
    if "name_latin" in tidy:
        tidy["name_latin"] = " ".join((tidy["name_latin"] or "").split())
    return tidy


def _refusal(
    problems: dict[str, list[ValidationError]],
    denials: list[dict],
    elsewhere: list[str] | None = None,
) -> ValidationError:
    error = ValidationError(problems)
    # Audited clashes, for tumen.org.access.record_lost_denials once this transaction is undone.
    error.denials = denials
    # The number fields held by another jurisdiction, which the page offers to refer.
    error.held_elsewhere = elsewhere or []
    return error


def _check(person: Person, official: Official) -> None:
    """The registry's rules, for a new record and a corrected one alike; every problem at once."""
    denials: list[dict] = []
    elsewhere: list[str] = []
    problems = _field_problems(person) | _duplicate_documents(person, official, denials, elsewhere)
    if problems:
        raise _refusal(problems, denials, elsewhere)


def _save(person: Person, official: Official, **how: Any) -> None:
    """Save, turning a lost race on a document number into the same clear refusal."""
    try:
        with transaction.atomic():
            person.save(**how)
    except IntegrityError:
        denials: list[dict] = []
        problems = _duplicate_documents(person, official, denials)
        if not problems:
            raise
        raise _refusal(problems, denials) from None


@transaction.atomic
def person_register(
    *,
    official: Official,
    name_hangul: str = "",
    name_hanzi: str = "",
    name_latin: str = "",
    sex: str,
    date_of_birth: datetime.date | None,
    nationality: str,
    ethnicity: str = "",
    residence_code: str | None,
    household_number: str = "",
    personal_id_number: str = "",
    residence_permit_number: str = "",
    passport_number: str = "",
    passport_state: str = "",
) -> Person:
    """Register one person, or refuse with every problem at once, keyed by field.

    `residence_code` is the county of residence (None for a person living abroad); it must lie
    within the official's jurisdiction.
    """
    require(official, "person.register")
    values = _tidied(
        {
            "name_hangul": name_hangul,
            "name_hanzi": name_hanzi,
            "name_latin": name_latin,
            "sex": sex,
            "date_of_birth": date_of_birth,
            "nationality": nationality,
            "ethnicity": ethnicity,
            "household_number": household_number,
            "personal_id_number": personal_id_number,
            "residence_permit_number": residence_permit_number,
            "passport_number": passport_number,
            "passport_state": passport_state,
        }
    )
    person = Person(
        **values, residence=_residence(official, residence_code), registered_by=official.unit
    )
    _check(person, official)
    _save(person, official, force_insert=True)
    refresh_keys(person)
    audit_record(
        actor=official,
        action="person.registered",
        target=person,
        payload={"person": person.pk, "residence": residence_code},
    )
    return person


def _unknown_fields(changes: dict[str, Any]) -> None:
    unknown = sorted(set(changes) - set(PERSON_FIELDS))
    if unknown:
        problems = Problems()
        for name in unknown:
            problems.add(name, "person_field_unknown", name=name, fields=PERSON_FIELDS)
        problems.raise_if_any()


def _apply(official: Official, person: Person, values: dict[str, Any]) -> list[str]:
    """Set the values that differ from the record; the names of the fields changed, sorted.

    The residence is looked up (and must be visible) only when it changes, so that a person who
    lives beyond the official's jurisdiction but is on one of its cases can still be corrected.
    """
    changed = []
    if "residence_code" in values:
        code = values.pop("residence_code") or None
        if code != (person.residence.code if person.residence_id else None):
            person.residence = _residence(official, code)
            changed.append("residence")
    for field, value in values.items():
        if getattr(person, field) != value:
            setattr(person, field, value)
            changed.append(field)
    return sorted(changed)


def _cases_past_draft(person: Person) -> list[int]:
    """Ids of the cases naming the person that have left the draft, whose record is now evidence."""
    # Through the reverse relation, so that people need not import the cases app (which imports
    # people): "draft" is the one status in which a case's members are still being gathered.
    memberships = person.case_memberships.exclude(case__status="draft")
    return sorted(set(memberships.values_list("case_id", flat=True)))


@transaction.atomic
def person_update(*, official: Official, person_id: int, version: int, **changes: Any) -> Person:
    """Correct a person's record: `changes` are person_register's arguments, any of them.

    Held to the rules of registration. Fields given unchanged are left alone; when nothing
    changes, nothing is written. A person on a case already past draft may be corrected, and the
    audit event lists those cases so that their timelines show it. The event names the fields
    changed, never their values: they are personal data.
    """
    person = get_for_update(official, Person, action="person.update", pk=person_id)
    ensure_version(person, version, what="person")
    _unknown_fields(changes)
    changed = _apply(official, person, _tidied(changes))
    if not changed:
        return person
    _check(person, official)
    person.version += 1
    _save(person, official, update_fields=[*changed, "version"])
    refresh_keys(person)
    audit_record(
        actor=official,
        action="person.updated",
        target=person,
        payload={
            "person": person.pk,
            "fields": changed,
            # Not "version": on a case's timeline that key means the case's version.
            "person_version": person.version,
            "cases": _cases_past_draft(person),
        },
    )
    return person


def _relative(official: Official, person: Person, relative_id: int | None) -> Person | None:
    if relative_id is None:
        return None
    if relative_id == person.pk:
        raise invalid("relative_id", "own_relative")
    return get_for_user(official, Person, pk=relative_id)


def _check_relation(kind: str, relative: Person | None, relative_name: str) -> None:
    if kind not in RelationKind.values:
        raise invalid("kind", "relation_kind_unknown", kind=kind, kinds=list(RelationKind))
    if relative is None and not relative_name:
        raise invalid("relative_name", "relative_name_missing")


def _existing_relation(person: Person, kind: str, relative: Person | None, name: str):
    same = Relation.objects.filter(person=person, kind=kind)
    same = same.filter(relative=relative) if relative else same.filter(relative_name=name)
    return same.values_list("pk", flat=True).first()


@transaction.atomic
def relation_add(
    *,
    official: Official,
    person_id: int,
    kind: str,
    relative_id: int | None = None,
    relative_name: str = "",
    relative_place: str = "",
) -> Relation:
    """Record that the relative is the person's <kind> (see people.Relation); once per relative."""
    person = get_for_update(official, Person, action="person.update", pk=person_id)
    relative = _relative(official, person, relative_id)
    relative_name = relative_name.strip()
    _check_relation(kind, relative, relative_name)
    existing = _existing_relation(person, kind, relative, relative_name)
    if existing is not None:
        raise invalid(
            "kind", "relation_exists", person=person.pk, kind=RelationKind(kind), pk=existing
        )
    relation = Relation.objects.create(
        person=person,
        kind=kind,
        relative=relative,
        relative_name=relative_name,
        relative_place=relative_place.strip(),
    )
    audit_record(
        actor=official,
        action="person.relation_added",
        target=person,
        payload={
            "person": person.pk,
            "relation": relation.pk,
            "kind": kind,
            "relative": relative_id,
        },
    )
    return relation
