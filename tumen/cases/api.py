"""/api/v1/cases, /clearances and /foreign-requests: the case work, through the same services
and selectors as the pages.

Every action is an explicit POST that takes the record's ETag as If-Match and an optional
Idempotency-Key, and calls the one service function for that change.
"""

from __future__ import annotations

import base64
import binascii
import datetime
from collections.abc import Callable
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Schema
from pydantic import ConfigDict, Field

from tumen.cases import services
from tumen.cases.models import Case, Clearance, ForeignRequest, Status
from tumen.cases.selectors.cases import (
    case_summaries,
    case_values,
    cases_for,
    clearance_values,
    timeline,
)
from tumen.cases.selectors.clearances import clearances_for_unit
from tumen.cases.selectors.foreign_requests import foreign_request_page, foreign_requests_for
from tumen.lib.parse import parse_id
from tumen.org.access import get_for_user
from tumen.tokens.protocol import (
    ACTION,
    COMMON,
    CREATE,
    READ_ONE,
    Id,
    Preconditions,
    Retries,
    act,
    etag,
    once,
    parameter_problem,
    text,
)

router = Router(tags=["cases"])

CaseStatus = Literal[tuple(Status.values)]  # type: ignore[valid-type]


# ---- output -------------------------------------------------------------------------------


class MemberOut(Schema):
    id: int
    person_id: int
    role: str
    relationship: str
    outcome: str
    ground: str
    clause_id: str


class ClearanceOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 7,
                    "case": "YANJI-1963-000001",
                    "unit_kind": "public_security",
                    "unit": "yanji-security",
                    "status": "pending",
                    "ground": "",
                    "member_id": None,
                    "note": "",
                    "clause_id": "cc1963.3",
                    "due_at": "1963-06-10T08:00:00Z",
                    "escalated_to": None,
                    "version": 1,
                }
            ]
        }
    )

    id: int
    case: str
    unit_kind: str
    unit: str
    status: str
    ground: str
    member_id: int | None
    note: str
    clause_id: str
    due_at: datetime.datetime
    escalated_to: str | None
    version: int

    @staticmethod
    def of(clearance: Clearance, number: str) -> ClearanceOut:
        return ClearanceOut(
            id=clearance.pk,
            case=number,
            unit_kind=clearance.unit_kind,
            unit=clearance.unit.code,
            status=clearance.status,
            ground=clearance.ground,
            member_id=clearance.member_id,
            note=clearance.note,
            clause_id=clearance.clause_id,
            due_at=clearance.due_at,
            escalated_to=clearance.escalated_to.code if clearance.escalated_to_id else None,
            version=clearance.version,
        )


class DecisionOut(Schema):
    outcome: str
    proposed_outcome: str
    policy_pack: str
    policy_pack_version: int
    clause_id: str
    decided_at: datetime.datetime


class CaseSummary(Schema):
    id: int
    number: str
    case_type: str
    status: str
    priority: int
    jurisdiction: str
    decision_due: datetime.datetime | None
    version: int


CASE_EXAMPLE = {
    "id": 1,
    "number": "YANJI-1963-000001",
    "case_type": "relocation",
    "status": "in_clearance",
    "priority": 0,
    "jurisdiction": "yanji",
    "decision_due": "1963-06-20T08:00:00Z",
    "version": 3,
    "intake_unit": "yanji-office",
    "policy_pack": "cc1963",
    "policy_pack_version": 1,
    "details": {"reason": "family in Pyongyang"},
    "foreign_request": None,
    "retyped_from": None,
    "retyped_to": None,
    "created_at": "1963-06-01T08:00:00Z",
    "submitted_at": "1963-06-02T08:00:00Z",
    "decided_at": None,
    "members": [
        {
            "id": 1,
            "person_id": 42,
            "role": "principal",
            "relationship": "",
            "outcome": "pending",
            "ground": "",
            "clause_id": "",
        }
    ],
    "clearances": [],
    "decisions": [],
}


class CaseOut(CaseSummary):
    model_config = ConfigDict(json_schema_extra={"examples": [CASE_EXAMPLE]})

    intake_unit: str
    policy_pack: str
    policy_pack_version: int
    details: dict[str, Any]
    foreign_request: int | None
    retyped_from: str | None
    retyped_to: str | None
    created_at: datetime.datetime
    submitted_at: datetime.datetime | None
    decided_at: datetime.datetime | None
    members: list[MemberOut]
    clearances: list[ClearanceOut]
    decisions: list[DecisionOut]


class CasePage(Schema):
    items: list[CaseSummary]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page.")


class TimelineEntryOut(Schema):
    at: datetime.datetime
    kind: Literal["transition", "event"]
    action: str
    actor: str
    unit_id: int | None
    from_status: str
    to_status: str
    reason: str
    clause_id: str
    payload: dict[str, Any]


# ---- input --------------------------------------------------------------------------------

Details = dict[text(60), text(2000)]


class Dependant(Schema):
    person_id: Id
    relationship: text(30) = ""


class CaseIn(Schema):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "case_type": "relocation",
                    "principal_id": 42,
                    "dependants": [{"person_id": 43, "relationship": "spouse"}],
                    "details": {},
                }
            ]
        },
    )

    case_type: text(50, min_length=1)
    principal_id: Id
    dependants: list[Dependant] = Field(default_factory=list, max_length=50)
    details: Details = Field(default_factory=dict)


class CaseFilters(Schema):
    status: CaseStatus | None = None
    case_type: text(50) | None = None
    county: text(50) | None = Field(None, description="A county's code.")
    overdue: bool | None = None
    cursor: text(40) | None = None
    limit: int = Field(50, ge=1, le=200)


class Reason(Schema):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"reason": "The applicant withdrew in writing."}]},
    )
    reason: text(200)


class Ground(Schema):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"ground": "not_a_national"}]}
    )
    ground: text(50)


class MemberChoice(Schema):
    outcome: Literal["approved", "refused", "on_hold"]
    ground: text(50) | None = None


class DecisionIn(Schema):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"note": "", "member_outcomes": {}}]},
    )

    member_outcomes: dict[text(10), MemberChoice] = Field(
        default_factory=dict,
        description="By case member id: the members whose proposed outcome the approver changes.",
    )
    note: text(2000) = ""


class Note(Schema):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"note": "Register checked."}]}
    )
    note: text(2000) = ""


class Flag(Schema):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"ground": "identity_unverified", "note": "No record.", "member_id": None}]
        },
    )
    ground: text(50)
    note: text(2000)
    member_id: Id | None = None


# ---- helpers ------------------------------------------------------------------------------


def _cursor_after(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        value = base64.urlsafe_b64decode(cursor.encode("ascii") + b"==").decode("ascii")
    except (binascii.Error, UnicodeError, ValueError):
        value = ""
    after = parse_id(value[1:]) if value.startswith("c") else None
    if after is not None:
        return after
    raise parameter_problem("cursor", _("cursor: pass back a next_cursor this API gave you."))


def _cursor_of(pk: int) -> str:
    return base64.urlsafe_b64encode(f"c{pk}".encode()).decode().rstrip("=")


def _case_id(number: str) -> int:
    """The id of case `number`, or 0 (no case) — the service's access check decides the rest,
    so that a case of another jurisdiction is refused exactly like a missing one."""
    return Case.objects.filter(number=number).values_list("pk", flat=True).first() or 0


def _case_now(request, number: str) -> tuple[CaseOut, int]:
    case = case_values(request.auth, number)
    return CaseOut(**case), case["version"]


def _case_action(request, response, headers, number: str, service: Callable, **arguments):
    """Call `service` on case `number` at the version of If-Match; answer with the case."""
    return act(
        request,
        response,
        headers,
        lambda version: service(
            official=request.auth, case_id=_case_id(number), version=version, **arguments
        ),
        lambda _changed: _case_now(request, number),
    )


# ---- cases --------------------------------------------------------------------------------


@router.get("/cases", response={200: CasePage, **COMMON})
def case_list(request, filters: Query[CaseFilters]):
    """The cases of your jurisdiction, oldest first, a page at a time."""
    cases = cases_for(
        request.auth,
        status=filters.status,
        case_type=filters.case_type,
        county=filters.county,
        overdue=filters.overdue,
    )
    after = _cursor_after(filters.cursor)
    page = case_summaries(cases.filter(pk__gt=after).order_by("pk")[: filters.limit])
    more = len(page) == filters.limit
    # Plain rows: ninja validates them against CasePage once, on the way out.
    return {"items": page, "next_cursor": _cursor_of(page[-1]["id"]) if more else None}


@router.post("/cases", response={201: CaseOut, **CREATE})
def case_create(request, response: HttpResponse, payload: CaseIn, headers: Header[Retries]):
    """Open a draft case at your county office for registered persons."""

    def run():
        case = services.case_open(
            official=request.auth,
            case_type=payload.case_type,
            principal_id=payload.principal_id,
            dependants=[(d.person_id, d.relationship) for d in payload.dependants],
            details=payload.details,
        )
        out, version = _case_now(request, case.number)
        headers = {"ETag": etag(version), "Location": f"/api/v1/cases/{case.number}"}
        return 201, out, headers

    return once(request, response, headers, run)


@router.get("/cases/{number}", response={200: CaseOut, **READ_ONE})
def case_read(request, response: HttpResponse, number: text(40)):
    case = case_values(request.auth, number)
    response["ETag"] = etag(case["version"])
    return case


@router.get("/cases/{number}/timeline", response={200: list[TimelineEntryOut], **READ_ONE})
def case_timeline(request, number: text(40)):
    """Status changes and audit events of the case and its clearances, oldest first."""
    case = get_for_user(request.auth, Case, number=number)
    return [TimelineEntryOut(**entry.__dict__) for entry in timeline(case)]


@router.post("/cases/{number}/submit", response={200: CaseOut, **ACTION})
def case_submit(
    request,
    response: HttpResponse,
    number: text(40),
    headers: Header[Preconditions],
):
    """Submit the draft: its clearances start at every unit the policy requires."""
    return _case_action(request, response, headers, number, services.case_submit)


@router.post("/cases/{number}/withdraw", response={200: CaseOut, **ACTION})
def case_withdraw(
    request,
    response: HttpResponse,
    number: text(40),
    payload: Reason,
    headers: Header[Preconditions],
):
    return _case_action(
        request, response, headers, number, services.case_withdraw, reason=payload.reason
    )


@router.post("/cases/{number}/decide", response={200: CaseOut, **ACTION})
def case_decide(
    request,
    response: HttpResponse,
    number: text(40),
    payload: DecisionIn,
    headers: Header[Preconditions],
):
    """Decide the household: the proposal, with the approver's changes per member."""
    chosen = {}
    for key, choice in payload.member_outcomes.items():
        member_id = parse_id(key)
        if member_id is None:
            raise ValidationError(
                {f"member_outcomes[{key}]": [_("member_outcomes: keys are case member ids.")]}
            )
        chosen[member_id] = (choice.outcome, choice.ground)
    return _case_action(
        request,
        response,
        headers,
        number,
        services.case_decide,
        member_outcomes=chosen,
        note=payload.note,
    )


@router.post("/cases/{number}/retype", response={201: CaseOut, **ACTION})
def case_retype(
    request,
    response: HttpResponse,
    number: text(40),
    payload: Ground,
    headers: Header[Preconditions],
):
    """Close the case as re-typed; answers with the new draft of the type the ground names."""
    return act(
        request,
        response,
        headers,
        lambda version: services.case_retype(
            official=request.auth, case_id=_case_id(number), version=version, ground=payload.ground
        ),
        lambda new: _case_now(request, new.number),
        status=201,
        location=lambda new: f"/api/v1/cases/{new.number}",
    )


# ---- clearances ---------------------------------------------------------------------------


@router.get("/clearances", response={200: list[ClearanceOut], **COMMON})
def clearance_worklist(request, limit: int = Query(50, ge=1, le=200)):
    """Pending clearances your unit must act on (its own and those escalated to it)."""
    rows = clearances_for_unit(request.auth)[:limit]
    return [ClearanceOut.of(c, c.case.number) for c in rows]


@router.get("/clearances/{clearance_id}", response={200: ClearanceOut, **READ_ONE})
def clearance_read(request, response: HttpResponse, clearance_id: Id):
    clearance = clearance_values(request.auth, clearance_id)
    response["ETag"] = etag(clearance["version"])
    return clearance


def _clearance_now(request, clearance_id: int) -> tuple[ClearanceOut, int]:
    clearance = clearance_values(request.auth, clearance_id)
    return ClearanceOut(**clearance), clearance["version"]


def _clearance_action(request, response, headers, clearance_id: int, service, **arguments):
    """Call `service` on the clearance at the version of If-Match; answer with the clearance."""
    return act(
        request,
        response,
        headers,
        lambda version: service(
            official=request.auth, clearance_id=clearance_id, version=version, **arguments
        ),
        lambda _changed: _clearance_now(request, clearance_id),
    )


@router.post("/clearances/{clearance_id}/grant", response={200: ClearanceOut, **ACTION})
def clearance_grant(
    request,
    response: HttpResponse,
    clearance_id: Id,
    payload: Note,
    headers: Header[Preconditions],
):
    """Clear the case: your unit has nothing against it."""
    return _clearance_action(
        request, response, headers, clearance_id, services.clearance_grant, note=payload.note
    )


@router.post("/clearances/{clearance_id}/flag", response={200: ClearanceOut, **ACTION})
def clearance_flag(
    request,
    response: HttpResponse,
    clearance_id: Id,
    payload: Flag,
    headers: Header[Preconditions],
):
    """Flag the case (or one member) on a ground the policy lists."""
    return _clearance_action(
        request,
        response,
        headers,
        clearance_id,
        services.clearance_flag,
        ground=payload.ground,
        note=payload.note,
        member_id=payload.member_id,
    )


@router.post("/clearances/{clearance_id}/resolve", response={200: ClearanceOut, **ACTION})
def clearance_resolve(
    request,
    response: HttpResponse,
    clearance_id: Id,
    payload: Note,
    headers: Header[Preconditions],
):
    """What was flagged is settled; the flag stays on the record."""
    return _clearance_action(
        request, response, headers, clearance_id, services.clearance_resolve, note=payload.note
    )


# ---- foreign requests ---------------------------------------------------------------------


class NamedPersonOut(Schema):
    person_id: int
    household: str
    is_principal: bool
    officer_name: str


class ForeignRequestOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 3,
                    "reference": "DPRK-MFA-1963-182",
                    "received_on": "1963-06-01",
                    "authority": "DPRK Ministry of Foreign Affairs",
                    "registered_by": "jilin-foreign-affairs",
                    "jurisdiction": "jilin",
                    "split_at": None,
                    "version": 1,
                    "persons": [
                        {
                            "person_id": 42,
                            "household": "A",
                            "is_principal": True,
                            "officer_name": "Ri Chol",
                        }
                    ],
                    "cases": [],
                }
            ]
        }
    )

    id: int
    reference: str
    received_on: datetime.date
    authority: str
    registered_by: str
    jurisdiction: str
    split_at: datetime.datetime | None
    version: int
    persons: list[NamedPersonOut]
    cases: list[str]

    @staticmethod
    def of(request: ForeignRequest) -> ForeignRequestOut:
        return ForeignRequestOut(
            id=request.pk,
            reference=request.reference,
            received_on=request.received_on,
            authority=request.authority,
            registered_by=request.registered_by.code,
            jurisdiction=request.jurisdiction.code,
            split_at=request.split_at,
            version=request.version,
            persons=[
                NamedPersonOut(
                    person_id=p.person_id,
                    household=p.household,
                    is_principal=p.is_principal,
                    officer_name=p.officer_name,
                )
                for p in request.persons.all()
            ],
            cases=[c.number for c in request.cases.all()],
        )


class NamedPersonIn(Schema):
    """A registered person by `person_id`, or the fields of a new person's record."""

    model_config = ConfigDict(extra="forbid")

    person_id: Id | None = None
    household: text(40)
    is_principal: bool = False
    officer_name: text(150) = ""
    name_hangul: text(100) | None = None
    name_hanzi: text(100) | None = None
    name_latin: text(150) | None = None
    sex: Literal["female", "male", "unknown"] | None = None
    date_of_birth: datetime.date | None = None
    nationality: Literal["prc", "dprk", "other", "stateless"] | None = None
    ethnicity: Literal["korean", "han", "other", ""] | None = None
    residence_code: text(50) | None = None
    household_number: text(40) | None = None
    residence_permit_number: text(40) | None = None
    passport_number: text(40) | None = None


class ForeignRequestIn(Schema):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "reference": "DPRK-MFA-1963-182",
                    "received_on": "1963-06-01",
                    "authority": "DPRK Ministry of Foreign Affairs",
                    "persons": [
                        {
                            "person_id": 42,
                            "household": "A",
                            "is_principal": True,
                            "officer_name": "Ri Chol",
                        }
                    ],
                }
            ]
        },
    )

    reference: text(100, min_length=1)
    received_on: datetime.date
    authority: text(200, min_length=1)
    persons: list[NamedPersonIn] = Field(min_length=1, max_length=200)


def _foreign_request_now(request, request_id: int) -> tuple[ForeignRequestOut, int]:
    found = foreign_request_page(request.auth, request_id)
    return ForeignRequestOut.of(found), found.version


@router.get(
    "/foreign-requests",
    response={200: list[ForeignRequestOut], **COMMON},
    tags=["foreign requests"],
)
def foreign_request_list(request, limit: int = Query(50, ge=1, le=200)):
    """Requests from the other side registered in your jurisdiction, newest first."""
    return [ForeignRequestOut.of(r) for r in foreign_requests_for(request.auth)[:limit]]


@router.post(
    "/foreign-requests", response={201: ForeignRequestOut, **CREATE}, tags=["foreign requests"]
)
def foreign_request_create(
    request,
    response: HttpResponse,
    payload: ForeignRequestIn,
    headers: Header[Retries],
):
    """Register a note and the persons it names, by household."""

    def run():
        created = services.foreign_request_register(
            official=request.auth,
            reference=payload.reference,
            received_on=payload.received_on,
            authority=payload.authority,
            persons=[p.dict(exclude_none=True) for p in payload.persons],
        )
        out = foreign_request_page(request.auth, created.pk)
        headers = {"ETag": etag(out.version), "Location": f"/api/v1/foreign-requests/{out.pk}"}
        return 201, ForeignRequestOut.of(out), headers

    return once(request, response, headers, run)


@router.get(
    "/foreign-requests/{request_id}",
    response={200: ForeignRequestOut, **READ_ONE},
    tags=["foreign requests"],
)
def foreign_request_read(request, response: HttpResponse, request_id: Id):
    out, version = _foreign_request_now(request, request_id)
    response["ETag"] = etag(version)
    return out


@router.post(
    "/foreign-requests/{request_id}/split",
    response={200: ForeignRequestOut, **ACTION},
    tags=["foreign requests"],
)
def foreign_request_split(
    request,
    response: HttpResponse,
    request_id: Id,
    headers: Header[Preconditions],
):
    """Open one family-travel case per household, each in the county it lives in."""
    return act(
        request,
        response,
        headers,
        lambda version: services.foreign_request_split(
            official=request.auth, request_id=request_id, version=version
        ),
        lambda _changed: _foreign_request_now(request, request_id),
    )
