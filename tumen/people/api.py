"""/api/v1/persons: search in any script, register, read and correct a person's record."""

from __future__ import annotations

import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Header, Router, Schema
from pydantic import ConfigDict, Field

from tumen.lib.parse import MAX_ID
from tumen.people.linkage.model import likely as is_likely
from tumen.people.models import Person
from tumen.people.selectors import find_persons, identity_matches, person_events, person_record
from tumen.people.services import person_register, person_update
from tumen.tokens.protocol import (
    ACTION,
    CREATE,
    IF_MATCH_DESCRIPTION,
    READ_BY_POST,
    READ_ONE,
    Id,
    Retries,
    etag,
    expected_version,
    once,
    text,
)

router = Router(tags=["persons"])

Sex = Literal["female", "male", "unknown"]
Nationality = Literal["prc", "dprk", "other", "stateless"]
Ethnicity = Literal["korean", "han", "other", ""]

PERSON_EXAMPLE = {
    "id": 42,
    "name_hangul": "김영철",
    "name_hanzi": "金永哲",
    "name_latin": "Kim Yong Chol",
    "sex": "male",
    "date_of_birth": "1931-04-02",
    "nationality": "prc",
    "ethnicity": "korean",
    "residence": "yanji",
    "household_number": "220101-0042",
    "residence_permit_number": "",
    "passport_number": "",
    "version": 1,
}


class PersonOut(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [PERSON_EXAMPLE]})

    id: int
    name_hangul: str
    name_hanzi: str
    name_latin: str
    sex: str
    date_of_birth: datetime.date | None
    nationality: str
    ethnicity: str
    residence: str | None = Field(description="County code; null for a person living abroad.")
    household_number: str
    residence_permit_number: str
    passport_number: str
    version: int

    @staticmethod
    def of(person: Person) -> PersonOut:
        return PersonOut(
            id=person.pk,
            name_hangul=person.name_hangul,
            name_hanzi=person.name_hanzi,
            name_latin=person.name_latin,
            sex=person.sex,
            date_of_birth=person.date_of_birth,
            nationality=person.nationality,
            ethnicity=person.ethnicity,
            residence=person.residence.code if person.residence_id else None,
            household_number=person.household_number,
            residence_permit_number=person.residence_permit_number,
            passport_number=person.passport_number,
            version=person.version,
        )


class PersonIn(Schema):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {k: v for k, v in PERSON_EXAMPLE.items() if k not in ("id", "version")}
                | {"residence_code": "yanji"}
            ]
        },
    )

    name_hangul: text(100) = ""
    name_hanzi: text(100) = ""
    name_latin: text(150) = ""
    sex: Sex
    date_of_birth: datetime.date | None = None
    nationality: Nationality
    ethnicity: Ethnicity = ""
    residence_code: text(50) | None = Field(
        None, description="County code of residence; null for a person living abroad."
    )
    household_number: text(40) = ""
    residence_permit_number: text(40) = ""
    passport_number: text(40) = ""


class PersonChanges(Schema):
    """Only the fields sent are changed."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"name_latin": "Kim Yong Chol"}]}
    )

    name_hangul: text(100) | None = None
    name_hanzi: text(100) | None = None
    name_latin: text(150) | None = None
    sex: Sex | None = None
    date_of_birth: datetime.date | None = None
    nationality: Nationality | None = None
    ethnicity: Ethnicity | None = None
    residence_code: text(50) | None = None
    household_number: text(40) | None = None
    residence_permit_number: text(40) | None = None
    passport_number: text(40) | None = None


class EventOut(Schema):
    at: datetime.datetime
    action: str
    actor: str
    unit_id: int | None
    payload: dict


MATCH_EXAMPLE = {
    "person": PERSON_EXAMPLE,
    "found_by": "matcher",
    "score": 0.97,
    "likely": True,
    "reasons": ["Surname agrees (Hangul ~ Chinese characters)", "Same date of birth"],
}


class PersonMatchOut(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [MATCH_EXAMPLE]})

    person: PersonOut
    found_by: Literal["same_name", "similar_name_same_birth_date", "matcher"] = Field(
        description=(
            "How intake found the person: an equal name in some script; a similar name and the "
            "same date of birth; or the trained matcher, which reads a name across scripts."
        )
    )
    score: float = Field(
        ge=0, le=1, description="The trained model's probability that this is the same person."
    )
    likely: bool = Field(
        description=(
            "The score is high enough to call this likely the same person (the threshold at "
            "which at most 0.5 % of new persons are called someone registered); an official "
            "still decides."
        )
    )
    reasons: list[str] = Field(
        description="What agreed, in the Accept-Language (fields and scripts, never the names)."
    )

    @staticmethod
    def of(person: Person, found_by: str, probability: float, reasons: list[str]):
        return PersonMatchOut(
            person=PersonOut.of(person),
            found_by=found_by,
            score=round(probability, 4),
            likely=is_likely(probability),
            reasons=[str(reason) for reason in reasons],
        )


class PersonPage(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"items": [PERSON_EXAMPLE], "next_cursor": None, "other_scripts": []}]
        }
    )

    items: list[PersonOut]
    next_cursor: int | None = Field(
        description="Pass as `after` for the next page; null at the end."
    )
    other_scripts: list[PersonMatchOut] = Field(
        description=(
            "On the first page only: persons whose name the matcher reads as the same name in "
            "another script (김영철 finds 金永哲 and Kim Yong Chol), most probable first."
        )
    )


class PersonSearch(Schema):
    name: text(150, min_length=1) = Field(
        description=(
            "Any part of a name in any script (Latin without case or spaces), or an identity, "
            "household, residence-permit or passport number."
        )
    )
    after: int = Field(0, ge=0, le=MAX_ID)
    limit: int = Field(50, ge=1, le=200)


class IdentityProbe(Schema):
    """The person about to be registered: their names as the client has them, birth date, and
    whatever else of their record the client has that the matcher weighs (sex, nationality,
    resident identity number); what is not known is left blank."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name_hangul": "김영철",
                    "name_hanzi": "",
                    "name_latin": "",
                    "date_of_birth": "1931-04-02",
                    "sex": "male",
                    "nationality": "prc",
                    "personal_id_number": "222401193104020175",
                    "limit": 10,
                }
            ]
        },
    )

    name_hangul: text(100) = ""
    name_hanzi: text(100) = ""
    name_latin: text(150) = ""
    date_of_birth: datetime.date | None = None
    sex: Literal[Sex, ""] = Field(
        "", description="As the person's record has it; blank or unknown when not known."
    )
    nationality: Literal[Nationality, ""] = Field(
        "", description="As the person's record has it; blank when not known."
    )
    personal_id_number: text(18) = Field(
        "",
        description=(
            "Resident identity number, if the person has one: the same number makes a match far "
            "more probable, a different one less."
        ),
    )
    limit: int = Field(10, ge=1, le=50)


@router.post(
    "/persons/search",
    response={200: PersonPage, **READ_BY_POST},
    # A read sent as POST (names and numbers stay out of addresses and logs): no Idempotency-Key.
    openapi_extra={"x-tumen-read-only": True},
)
def person_search(request, query: PersonSearch):
    """Persons you can see by any part of a name in any script or by one of their numbers (the
    pages' search), a page at a time; the first page adds the same name in other scripts.

    A POST, as the pages' search is, so that what was searched never appears in an address or a
    log. Changes nothing."""
    found = find_persons(request.auth, query.name, after=query.after, limit=query.limit)
    return PersonPage(
        items=[PersonOut.of(p) for p in found.persons],
        next_cursor=found.persons[-1].pk if found.more else None,
        other_scripts=[
            PersonMatchOut.of(p, p.found_by, p.match.probability, p.match.reasons)
            for p in found.other_scripts
        ],
    )


@router.post(
    "/persons/matches",
    response={200: list[PersonMatchOut], **READ_BY_POST},
    # A read sent as POST (names stay out of addresses and logs): no Idempotency-Key needed.
    openapi_extra={"x-tumen-read-only": True},
)
def person_matches(request, probe: IdentityProbe):
    """Registered persons you can see who may be the person about to be registered, as intake
    shows them before it registers anyone: an equal name first, then a similar name with the
    same birth date, then the matcher's finds across scripts or by identity number; each scored
    and explained with the same evidence (a different sex or nationality counts against a match,
    the same identity number strongly for it).

    A POST, so that names and numbers never appear in an address or a log. Changes nothing."""
    if not (probe.name_hangul.strip() or probe.name_hanzi.strip() or probe.name_latin.strip()):
        raise ValidationError(
            {
                "name_latin": [
                    _(
                        "name_hangul, name_hanzi, name_latin: give the person's name in at least "
                        "one script (Hangul, Chinese characters or Latin)."
                    )
                ]
            }
        )
    found = identity_matches(
        request.auth,
        name_hangul=probe.name_hangul,
        name_hanzi=probe.name_hanzi,
        name_latin=probe.name_latin,
        date_of_birth=probe.date_of_birth,
        sex=probe.sex,
        nationality=probe.nationality,
        personal_id_number=probe.personal_id_number,
        limit=probe.limit,
    )
    return [PersonMatchOut.of(m.person, m.found_by, m.probability, m.reasons) for m in found]


@router.post("/persons", response={201: PersonOut, **CREATE})
def person_create(
    request,
    response: HttpResponse,
    payload: PersonIn,
    headers: Header[Retries],
):
    """Register a person; every problem is reported at once, keyed by field."""

    def run():
        person = person_register(official=request.auth, **payload.dict())
        return (
            201,
            PersonOut.of(person),
            {"ETag": etag(person.version), "Location": f"/api/v1/persons/{person.pk}"},
        )

    return once(request, response, headers, run)


@router.get("/persons/{person_id}", response={200: PersonOut, **READ_ONE})
def person_read(request, response: HttpResponse, person_id: Id):
    person = person_record(request.auth, person_id)
    response["ETag"] = etag(person.version)
    return PersonOut.of(person)


@router.get("/persons/{person_id}/timeline", response={200: list[EventOut], **READ_ONE})
def person_timeline(request, person_id: Id):
    """The audit events of the person's record, oldest first (field names, never values)."""
    return [
        EventOut(
            at=e.occurred_at,
            action=e.action,
            actor=e.actor_username,
            unit_id=e.unit_id,
            payload=e.payload,
        )
        for e in person_events(request.auth, person_id)
    ]


@router.patch("/persons/{person_id}", response={200: PersonOut, **ACTION})
def person_correct(
    request,
    response: HttpResponse,
    person_id: Id,
    payload: PersonChanges,
    if_match: str | None = Header(None, alias="If-Match", description=IF_MATCH_DESCRIPTION),
):
    """Correct a person's record; held to the rules of registration."""
    version = expected_version(if_match)
    # null means "no residence" (living abroad) or "no date of birth"; for the rest, "unchanged".
    nullable = ("residence_code", "date_of_birth")
    changes = {
        name: value
        for name, value in payload.dict(exclude_unset=True).items()
        if value is not None or name in nullable
    }
    person = person_update(official=request.auth, person_id=person_id, version=version, **changes)
    response["ETag"] = etag(person.version)
    return PersonOut.of(person_record(request.auth, person.pk))
