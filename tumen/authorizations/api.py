"""/api/v1/ travel authorizations: a case's documents, issue, re-issue, revoke, the signed text
and the PDF; and the checkpoint's verify and record-crossing.

The same services, selectors and access rules as the pages (tumen/authorizations/views.py):
documents are seen by the officials of their case's jurisdiction; the county's approver issues,
re-issues and revokes; its clerk or approver prints (and so may read the signed text); a
checkpoint officer of a border-defence or customs unit verifies and records crossings at the
points their unit staffs, whatever county issued the document (the document is the key). A
document or case of another jurisdiction answers exactly like one that does not exist.
"""

from __future__ import annotations

import datetime
from typing import Literal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Schema
from pydantic import ConfigDict, Field

from tumen.authorizations import pdf, selectors, services, tmn1
from tumen.authorizations.models import Authorization, AuthorizationStatus, ScanOutcome
from tumen.authorizations.reasons import refusal_text
from tumen.cases.models import Case
from tumen.org.access import get_for_user, require
from tumen.tokens.protocol import (
    ACTION,
    READ_ONE,
    Preconditions,
    Problem,
    Retries,
    etag,
    expected_version,
    once,
    text,
)

router = Router(tags=["travel authorizations"])

Number = text(40, min_length=1)
PointCode = text(50, min_length=1)
PresentedText = text(tmn1.MAX_TEXT + 100, min_length=1)
ReasonText = text(services.REASON_MAX, min_length=1)
Paper = Literal["a4", "a6"]
DocumentStatus = Literal[tuple(AuthorizationStatus.values)]  # type: ignore[valid-type]
Reason = Literal[(*tmn1.REASONS, *services.ONLINE_REASONS)]  # type: ignore[valid-type]

# Reads that need the print authority (the signed text, the PDF): 403 besides the reads' codes,
# and 409 for a document that is no longer valid.
PRINT = dict.fromkeys((400, 401, 403, 404, 409, 422, 429), Problem)
# The checkpoint: no record is named in the address, so no 404; 422 for a point the officer's
# unit does not staff.
CHECKPOINT = dict.fromkeys((400, 401, 403, 422, 429), Problem)

ETAG_HEADER = {
    "ETag": {
        "description": "The record's version; send it back as If-Match to change the record.",
        "schema": {"type": "string"},
    }
}


def _with_etag(*codes: int) -> dict:
    return {"responses": {code: {"headers": ETAG_HEADER} for code in codes}}


def _pdf_answer() -> dict:
    return {
        "responses": {
            200: {
                "description": "The PDF, a page per document (each download is recorded as a "
                "print).",
                "content": {
                    "application/pdf": {
                        "schema": {"type": "string", "format": "binary"},
                        "example": "%PDF-1.7 …",
                    }
                },
            }
        }
    }


# ---- output -------------------------------------------------------------------------------

AUTHORIZATION_EXAMPLE = {
    "number": "TA-YANJI-1963-000001-01",
    "case": "YANJI-1963-000001",
    "member_id": 1,
    "holder": {
        "person_id": 42,
        "name_hangul": "김영철",
        "name_hanzi": "金永哲",
        "name_latin": "KIM YONG CHOL",
    },
    "status": "valid",
    "valid_from": "1963-09-01T08:00:00Z",
    "valid_until": "1963-11-30T08:00:00Z",
    "single_use": True,
    "crossing_points": ["tumen-namyang"],
    "clause_id": "cc1963.7",
    "authority": "jilin-security",
    "kid": "3f9a0c5e1b2d4a67",
    "issued_at": "1963-09-01T08:00:00Z",
    "replaces": None,
    "replaced_by": None,
    "reason": "",
    "crossed_at": [],
    "version": 1,
}


class HolderOut(Schema):
    person_id: int
    name_hangul: str
    name_hanzi: str
    name_latin: str


class AuthorizationOut(Schema):
    """A travel authorization as its case's documents page shows it (not the signed text)."""

    model_config = ConfigDict(json_schema_extra={"examples": [AUTHORIZATION_EXAMPLE]})

    number: str
    case: str
    member_id: int
    holder: HolderOut
    status: DocumentStatus
    valid_from: datetime.datetime
    valid_until: datetime.datetime
    single_use: bool
    crossing_points: list[str] = Field(description="Codes of the crossing points it names.")
    clause_id: str = Field(description="The policy clause that set its validity and use.")
    authority: str = Field(description="The issuing authority (a public-security unit's code).")
    kid: str = Field(description="The signing key's id, hexadecimal.")
    issued_at: datetime.datetime
    replaces: str | None = Field(description="The number of the lost document it replaces.")
    replaced_by: str | None = Field(description="The number of the document re-issued for it.")
    reason: str = Field(description="Why it was revoked or re-issued; empty while valid.")
    crossed_at: list[datetime.datetime] = Field(description="When its holder crossed on it.")
    version: int

    @staticmethod
    def of(authz: Authorization, replaced_by: str | None) -> AuthorizationOut:
        person = authz.person
        return AuthorizationOut(
            number=authz.number,
            case=authz.case.number,
            member_id=authz.member_id,
            holder=HolderOut(
                person_id=person.pk,
                name_hangul=person.name_hangul,
                name_hanzi=person.name_hanzi,
                name_latin=person.name_latin,
            ),
            status=authz.status,
            valid_from=authz.valid_from,
            valid_until=authz.valid_until,
            single_use=authz.single_use,
            crossing_points=sorted(p.code for p in authz.crossing_points.all()),
            clause_id=authz.clause_id,
            authority=authz.authority,
            kid=authz.kid,
            issued_at=authz.issued_at,
            replaces=authz.replaces.number if authz.replaces_id else None,
            replaced_by=replaced_by,
            reason=authz.revoked_reason,
            crossed_at=sorted(s.at for s in authz.scans.all() if s.outcome == ScanOutcome.CROSSED),
            version=authz.version,
        )


class IssuedOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "case": "YANJI-1963-000001",
                    "case_status": "authorized",
                    "case_version": 5,
                    "issued": [AUTHORIZATION_EXAMPLE],
                }
            ]
        }
    )

    case: str
    case_status: str
    case_version: int = Field(description="The case's version now (also its ETag).")
    issued: list[AuthorizationOut] = Field(
        description="The documents this call issued: none when every approved member has one."
    )


class PayloadOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "number": "TA-YANJI-1963-000001-01",
                    "status": "valid",
                    "payload": "TMN1:6BFOXN%TS3DH0YOJ58S S-W5HDC *M0II5EH+…",
                }
            ]
        }
    )

    number: str
    status: DocumentStatus
    payload: str = Field(description="The signed `TMN1:` text its QR code carries.")


class DocumentOut(Schema):
    """What the presented document itself says (once its signature verified)."""

    number: str
    authority: str
    holder: dict[str, str] = Field(description="Names by script: hangul, hanja, latin.")
    birth_date: str
    case_number: str
    crossings: list[str]
    valid_from: datetime.datetime
    valid_until: datetime.datetime
    single_use: bool

    @staticmethod
    def of(document: tmn1.Document) -> DocumentOut:
        return DocumentOut(
            number=document.number,
            authority=document.authority,
            holder=dict(document.holder),
            birth_date=document.birth_date,
            case_number=document.case_number,
            crossings=list(document.crossings),
            valid_from=document.valid_from,
            valid_until=document.valid_until,
            single_use=document.single_use,
        )


class VerdictOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "valid": False,
                    "reason": "already_used",
                    "message": "Single-use document that has already crossed.",
                    "detail": "a single-use document that has already crossed",
                    "recorded": True,
                    "point_named": None,
                    "document": {
                        "number": "TA-YANJI-1963-000001-01",
                        "authority": "jilin-security",
                        "holder": {"hangul": "김영철", "hanja": "金永哲", "latin": "KIM YONG CHOL"},
                        "birth_date": "1931-04-02",
                        "case_number": "YANJI-1963-000001",
                        "crossings": ["tumen-namyang"],
                        "valid_from": "1963-09-01T08:00:00Z",
                        "valid_until": "1963-11-30T08:00:00Z",
                        "single_use": True,
                    },
                }
            ]
        }
    )

    valid: bool
    reason: Reason = Field(description="`valid`, or the one reason for the refusal.")
    message: str = Field(description="The verdict as the checkpoint page says it, translated.")
    detail: str = Field(description="The technical detail of the check (English).")
    recorded: bool = Field(
        description="Whether this call recorded something: a refusal, or the crossing."
    )
    point_named: bool | None = Field(
        description="For a valid document: whether it names this crossing point."
    )
    document: DocumentOut | None = Field(
        description="The document's contents, when its signature verified."
    )

    @staticmethod
    def of(verdict: services.Verdict) -> VerdictOut:
        return VerdictOut(
            valid=verdict.valid,
            reason=verdict.reason,
            message=_("Valid") if verdict.valid else refusal_text(verdict.reason),
            detail=verdict.detail,
            recorded=verdict.recorded,
            point_named=verdict.point_named if verdict.valid else None,
            document=DocumentOut.of(verdict.document) if verdict.document else None,
        )


# ---- input --------------------------------------------------------------------------------


class ReasonIn(Schema):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"reason": "The holder reported the document lost."}]},
    )
    reason: ReasonText


class PresentedIn(Schema):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"point": "tumen-namyang", "text": "TMN1:6BFOXN%TS3DH0YOJ58S S-W5HDC…"}]
        },
    )
    point: PointCode = Field(
        description="The crossing point (its code) where the document is presented; your unit "
        "must staff it."
    )
    text: PresentedText = Field(
        description="The text of the QR code, as scanned: it begins with `TMN1:`."
    )


class PaperQuery(Schema):
    paper: Paper = "a4"


# ---- helpers ------------------------------------------------------------------------------


def _documents() -> QuerySet[Authorization]:
    return Authorization.objects.select_related("case", "person", "replaces").prefetch_related(
        "crossing_points", "scans"
    )


def _one(request, number: str) -> AuthorizationOut:
    authz = get_for_user(request.auth, _documents(), number=number)
    successor = Authorization.objects.filter(replaces=authz).values_list("number", flat=True)
    return AuthorizationOut.of(authz, successor.first())


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


# ---- a case's documents -------------------------------------------------------------------


@router.get("/cases/{number}/authorizations", response={200: list[AuthorizationOut], **READ_ONE})
def authorization_list(request, number: Number):
    """The case's travel authorizations, valid or not, oldest first."""
    case = get_for_user(request.auth, Case, number=number)
    documents = selectors.documents_of_case(request.auth, case)
    successors = {d.replaces_id: d.number for d in documents if d.replaces_id}
    return [AuthorizationOut.of(d, successors.get(d.pk)) for d in documents]


@router.post(
    "/cases/{number}/issue",
    response={200: IssuedOut, **ACTION},
    openapi_extra=_with_etag(200),
)
def authorization_issue(
    request, response: HttpResponse, number: Number, headers: Header[Preconditions]
):
    """Issue the travel authorizations an approved case lacks, one per approved member (as
    `tumen authorizations issue` does). If-Match: the case's ETag."""
    version = expected_version(headers.if_match)

    def run():
        issued = services.authorizations_issue(
            official=request.auth, case_number=number, version=version
        )
        case = Case.objects.get(number=number)
        documents = {d.pk: d for d in _documents().filter(pk__in=[a.pk for a in issued])}
        body = IssuedOut(
            case=case.number,
            case_status=case.status,
            case_version=case.version,
            issued=[AuthorizationOut.of(documents[a.pk], None) for a in issued],
        )
        return 200, body, {"ETag": etag(case.version)}

    return once(request, response, headers, run)


@router.get("/cases/{number}/authorizations/pdf", response=PRINT, openapi_extra=_pdf_answer())
def authorization_household_pdf(request, number: Number, query: Query[PaperQuery]):
    """The household's valid documents as one PDF, a page each (recorded as a print)."""
    official = request.auth
    case = get_for_user(official, Case, number=number)
    require(official, "authorization.print")
    numbers = [
        d.number
        for d in selectors.documents_of_case(official, case)
        if d.status == AuthorizationStatus.VALID
    ]
    if not numbers:
        raise ValidationError(
            {NON_FIELD_ERRORS: [_("This case has no valid travel authorization to print.")]}
        )
    printed = services.authorizations_printed(official=official, numbers=numbers)
    return _pdf(pdf.render(printed, paper=query.paper), f"{case.number}-{query.paper}.pdf")


# ---- one document -------------------------------------------------------------------------


@router.get(
    "/authorizations/{number}",
    response={200: AuthorizationOut, **READ_ONE},
    openapi_extra=_with_etag(200),
)
def authorization_read(request, response: HttpResponse, number: Number):
    out = _one(request, number)
    response["ETag"] = etag(out.version)
    return out


@router.post(
    "/authorizations/{number}/reissue",
    response={201: AuthorizationOut, **ACTION},
    openapi_extra=_with_etag(201),
)
def authorization_reissue(
    request,
    response: HttpResponse,
    number: Number,
    payload: ReasonIn,
    headers: Header[Preconditions],
):
    """A lost document: a new number is issued for its holder and the old one is superseded
    (it never verifies again). If-Match: the old document's ETag."""
    version = expected_version(headers.if_match)

    def run():
        new = services.authorization_reissue(
            official=request.auth, number=number, reason=payload.reason, version=version
        )
        out = _one(request, new.number)
        location = f"/api/v1/authorizations/{new.number}"
        return 201, out, {"ETag": etag(out.version), "Location": location}

    return once(request, response, headers, run)


@router.post(
    "/authorizations/{number}/revoke",
    response={200: AuthorizationOut, **ACTION},
    openapi_extra=_with_etag(200),
)
def authorization_revoke(
    request,
    response: HttpResponse,
    number: Number,
    payload: ReasonIn,
    headers: Header[Preconditions],
):
    """Revoke the document; it never verifies again. If-Match: its ETag."""
    version = expected_version(headers.if_match)

    def run():
        services.authorization_revoke(
            official=request.auth, number=number, reason=payload.reason, version=version
        )
        out = _one(request, number)
        return 200, out, {"ETag": etag(out.version)}

    return once(request, response, headers, run)


@router.get("/authorizations/{number}/payload", response={200: PayloadOut, **PRINT})
def authorization_payload(request, number: Number):
    """The signed `TMN1:` text, for those who may print the document (each reading audited)."""
    authz = services.authorization_payload(official=request.auth, number=number)
    return PayloadOut(number=authz.number, status=authz.status, payload=authz.payload)


@router.get("/authorizations/{number}/pdf", response=PRINT, openapi_extra=_pdf_answer())
def authorization_pdf(request, number: Number, query: Query[PaperQuery]):
    """The document as a PDF, A4 or A6 (recorded as a print); only a valid one prints."""
    printed = services.authorizations_printed(official=request.auth, numbers=[number])
    return _pdf(pdf.render(printed, paper=query.paper), f"{number}-{query.paper}.pdf")


# ---- the checkpoint -----------------------------------------------------------------------


@router.post("/checkpoint/verify", response={200: VerdictOut, **CHECKPOINT}, tags=["checkpoint"])
def checkpoint_verify(
    request, response: HttpResponse, payload: PresentedIn, headers: Header[Retries]
):
    """Check a presented document, as the checkpoint page does: the verdict with its reason.
    A refusal is recorded (and reported to the issuing units); a valid document is not."""

    def run():
        verdict = services.checkpoint_verify(
            official=request.auth, point_code=payload.point, text=payload.text
        )
        return 200, VerdictOut.of(verdict), {}

    return once(request, response, headers, run)


@router.post("/checkpoint/crossings", response={200: VerdictOut, **CHECKPOINT}, tags=["checkpoint"])
def crossing_record(
    request, response: HttpResponse, payload: PresentedIn, headers: Header[Retries]
):
    """Record the holder's crossing; the document is checked again first. A refused document
    (a single-use one that has crossed already, say) answers `valid: false` with its reason,
    and the refusal is recorded; when every holder of a case has crossed, the case is closed."""

    def run():
        verdict = services.crossing_record(
            official=request.auth, point_code=payload.point, text=payload.text
        )
        return 200, VerdictOut.of(verdict), {}

    return once(request, response, headers, run)
