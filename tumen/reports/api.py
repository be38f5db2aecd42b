"""/api/v1/figures and /api/v1/reports: a jurisdiction's figures, and situation reports with
their workflow, through the same selectors and services as the report pages.

Figures are those of docs/reports.md, named as there. Reports are seen under the access module's
rule for them (a draft only by its own jurisdiction, a sibling's never; missing and not yours
answer the same 404). Each move is an explicit POST (PATCH for the draft's text and links) that
takes the report's ETag as If-Match and an optional Idempotency-Key and calls the one service
function for it. Consolidation is not a separate call: accepting a child's report makes its
frozen figures count in the level above's report, whose `children` say who has not reported;
the level above drafts (POST /reports) and submits its own report as the county does.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from django.http import HttpResponse
from ninja import Header, Query, Router, Schema
from pydantic import ConfigDict, Field, StringConstraints

from tumen.lib import clock
from tumen.org.access import get_for_user, scope
from tumen.org.models import Jurisdiction
from tumen.reports import selectors, services
from tumen.reports.figures import PERIOD_PATTERN, derive, subtree_ids, tally_for
from tumen.reports.links import report_links
from tumen.reports.models import ReportStatus, SituationReport
from tumen.tokens.protocol import (
    ACTION,
    COMMON,
    CREATE,
    READ_ONE,
    Id,
    Preconditions,
    Retries,
    etag,
    expected_version,
    once,
    text,
)

router = Router(tags=["reports"])

Month = Annotated[str, StringConstraints(min_length=7, max_length=7, pattern=PERIOD_PATTERN)]
Period = Field(description="A calendar month, YYYY-MM, from 1900-01 to 2099-12.")
FIGURES_DESCRIPTION = (
    "The figures of docs/reports.md by their names there (`cases_opened`, "
    "`processing_days_by_type`, `authorizations_issued`, …): numbers, objects of counts by key, "
    "or {count, median, p90} by key."
)
FIGURES_EXAMPLE = {
    "cases_opened": 8,
    "cases_opened_by_type": {"relocation": 7, "repatriation": 1},
    "processing_days_by_type": {"relocation": {"count": 5, "median": 7, "p90": 30}},
    "authorizations_issued": 4,
    "authorizations_used": 3,
    "authorizations_expired_unused": 1,
    "departures": 1,
}
ReportState = Literal[tuple(ReportStatus.values)]  # type: ignore[valid-type]


# ---- output -------------------------------------------------------------------------------


class FiguresOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "jurisdiction": "jilin",
                    "period": "1963-09",
                    "as_of": "1963-10-05T04:00:00Z",
                    "figures": FIGURES_EXAMPLE,
                }
            ]
        }
    )

    jurisdiction: str
    period: str
    as_of: datetime.datetime = Field(description="The moment the figures were computed.")
    figures: dict[str, Any] = Field(description=FIGURES_DESCRIPTION)


class LinkOut(Schema):
    """A case or a flag the existing issues refer to, as it stood when the report was
    submitted (or as it stands now, for a draft)."""

    kind: Literal["case", "flag"]
    number: str | None = Field(None, description="case: its number")
    case_type: str | None = None
    status: str | None = None
    id: int | None = Field(None, description="flag: the existing issue's id")
    case: str | None = Field(None, description="flag: the number of the flagged case")
    ground: str | None = None
    clause_id: str | None = None
    raised_on: datetime.date | None = None


class ChildOut(Schema):
    jurisdiction: str
    state: Literal["accepted", "submitted", "returned", "not_reported"] = Field(
        description="A child whose report is a draft (or missing) has not reported."
    )
    report_id: int | None = Field(None, description="The child's report, once it was sent up.")


class ReportSummary(Schema):
    id: int
    directive: str
    jurisdiction: str
    period: str
    status: ReportState
    submitted_at: datetime.datetime | None
    reviewed_at: datetime.datetime | None
    version: int

    @staticmethod
    def of(report: SituationReport) -> ReportSummary:
        return ReportSummary(
            id=report.pk,
            directive=report.directive.code,
            jurisdiction=report.jurisdiction.code,
            period=report.period,
            status=report.status,
            submitted_at=report.submitted_at,
            reviewed_at=report.reviewed_at,
            version=report.version,
        )


REPORT_EXAMPLE = {
    "id": 12,
    "directive": "cc-1963-08-08",
    "jurisdiction": "yanji",
    "period": "1963-09",
    "status": "submitted",
    "submitted_at": "1963-10-02T01:00:00Z",
    "reviewed_at": None,
    "version": 3,
    "issues_text": "Identity checks at the border-defence station lag by a week.",
    "return_comment": "",
    "frozen_at": "1963-10-02T01:00:00Z",
    "links": [
        {
            "kind": "case",
            "number": "YANJI-1963-000010",
            "case_type": "relocation",
            "status": "in_clearance",
        }
    ],
    "consolidated": [],
    "children": [],
    "figures": FIGURES_EXAMPLE,
}


class ReportOut(ReportSummary):
    model_config = ConfigDict(json_schema_extra={"examples": [REPORT_EXAMPLE]})

    issues_text: str
    return_comment: str
    frozen_at: datetime.datetime | None = Field(
        description="When the figures were frozen (on submission); null for a draft."
    )
    links: list[LinkOut]
    consolidated: list[int] = Field(
        description="The children's accepted reports counted in the frozen figures."
    )
    children: list[ChildOut]
    figures: dict[str, Any] = Field(description=FIGURES_DESCRIPTION)

    @staticmethod
    def of(report: SituationReport) -> ReportOut:
        return ReportOut(
            **ReportSummary.of(report).dict(),
            issues_text=report.issues_text,
            return_comment=report.return_comment,
            frozen_at=report.frozen_at,
            links=[LinkOut(**link) for link in report_links(report)],
            consolidated=list(report.consolidated),
            children=[_child(child) for child in selectors.children(report)],
            figures=selectors.report_figures(report),
        )


def _child(child) -> ChildOut:
    report = child.report
    if report is None or report.status == ReportStatus.DRAFT:
        return ChildOut(jurisdiction=child.jurisdiction.code, state="not_reported")
    return ChildOut(jurisdiction=child.jurisdiction.code, state=report.status, report_id=report.pk)


# ---- input --------------------------------------------------------------------------------


class FiguresQuery(Schema):
    jurisdiction: text(50, min_length=1) = Field(description="A jurisdiction's code, e.g. jilin.")
    period: Month = Period


class ReportFilters(Schema):
    directive: text(50) | None = None
    period: Month | None = None
    status: ReportState | None = None
    limit: int = Field(50, ge=1, le=200)


class ReportIn(Schema):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"directive": "cc-1963-08-08", "period": "1963-09"}]},
    )

    directive: text(50, min_length=1) = Field(description="A directive requiring a report back.")
    period: Month = Period


class ReportEdit(Schema):
    """What is left out stays as it is."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "issues_text": "Identity checks lag by a week.",
                    "cases": ["YANJI-1963-000010"],
                    "flags": [7],
                }
            ]
        },
    )

    issues_text: text(services.MAX_ISSUES_TEXT) | None = None
    cases: list[text(40)] | None = Field(
        None, max_length=200, description="Case numbers of the report's jurisdiction."
    )
    flags: list[Id] | None = Field(
        None, max_length=200, description="Ids of flags (existing issues) of its jurisdiction."
    )


class ReturnIn(Schema):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"comment": "Say why Tumen's clearances are late."}]},
    )

    comment: text(services.MAX_ISSUES_TEXT)


# ---- helpers ------------------------------------------------------------------------------


def _report(request, report_id: int) -> SituationReport:
    return selectors.report_for_official(official=request.auth, report_id=report_id)


def _answer(request, report_id: int, status: int = 200, **headers):
    report = _report(request, report_id)
    return status, ReportOut.of(report), {"ETag": etag(report.version), **headers}


def _action(request, response, report_id: int, headers, call):
    version = expected_version(headers.if_match)

    def run():
        call(version)
        return _answer(request, report_id)

    return once(request, response, headers, run)


# ---- figures ------------------------------------------------------------------------------


@router.get("/figures", response={200: FiguresOut, **READ_ONE})
def figures_read(request, query: Query[FiguresQuery]):
    """The figures of a jurisdiction in your subtree and everything below it for a month, now
    (every case below, not a consolidation of reports), as `tumen report` prints them."""
    jurisdiction = get_for_user(request.auth, Jurisdiction, code=query.jurisdiction)
    now = clock.now()
    tally = tally_for(subtree_ids(jurisdiction), query.period, as_of=now)
    return FiguresOut(
        jurisdiction=jurisdiction.code, period=query.period, as_of=now, figures=derive(tally)
    )


# ---- reports ------------------------------------------------------------------------------


@router.get("/reports", response={200: list[ReportSummary], **COMMON})
def report_list(request, filters: Query[ReportFilters]):
    """Reports you may see: your jurisdiction's, and those sent up to it from below; newest
    month first."""
    reports = scope(SituationReport.objects.all(), request.auth).select_related(
        "jurisdiction", "directive"
    )
    if filters.directive:
        reports = reports.filter(directive__code=filters.directive)
    if filters.period:
        reports = reports.filter(period=filters.period)
    if filters.status:
        reports = reports.filter(status=filters.status)
    ordered = reports.order_by("-period", "jurisdiction__path", "pk")[: filters.limit]
    return [ReportSummary.of(r) for r in ordered]


@router.post("/reports", response={200: ReportOut, 201: ReportOut, **CREATE})
def report_create(request, response: HttpResponse, payload: ReportIn, headers: Header[Retries]):
    """Draft your jurisdiction's report for a month (an analyst): 201. Drafting one that exists
    answers it as it is: 200. A level above a county drafts the consolidation of its children."""

    def run():
        report = services.report_draft(
            official=request.auth, directive_code=payload.directive, period=payload.period
        )
        status = 201 if report.drafted_now else 200
        return _answer(request, report.pk, status, Location=f"/api/v1/reports/{report.pk}")

    return once(request, response, headers, run)


@router.get("/reports/{report_id}", response={200: ReportOut, **READ_ONE})
def report_read(request, response: HttpResponse, report_id: Id):
    """A report with its figures (frozen once submitted), links and who below has reported."""
    report = _report(request, report_id)
    response["ETag"] = etag(report.version)
    return ReportOut.of(report)


@router.patch("/reports/{report_id}", response={200: ReportOut, **ACTION})
def report_edit(
    request,
    response: HttpResponse,
    report_id: Id,
    payload: ReportEdit,
    headers: Header[Preconditions],
):
    """Write the existing issues and the cases and flags they refer to (draft or returned)."""

    def call(version):
        report = _report(request, report_id)
        current_cases = [c.number for c in report.linked_cases.all()]
        current_flags = list(report.linked_flags.values_list("pk", flat=True))
        services.report_update(
            official=request.auth,
            report_id=report_id,
            version=version,
            issues_text=report.issues_text if payload.issues_text is None else payload.issues_text,
            case_numbers=current_cases if payload.cases is None else payload.cases,
            flag_ids=current_flags if payload.flags is None else payload.flags,
        )

    return _action(request, response, report_id, headers, call)


@router.post("/reports/{report_id}/submit", response={200: ReportOut, **ACTION})
def report_submit(request, response: HttpResponse, report_id: Id, headers: Header[Preconditions]):
    """Freeze the figures and links and send the report to the level above."""
    return _action(
        request,
        response,
        report_id,
        headers,
        lambda version: services.report_submit(
            official=request.auth, report_id=report_id, version=version
        ),
    )


@router.post("/reports/{report_id}/return", response={200: ReportOut, **ACTION})
def report_return(
    request,
    response: HttpResponse,
    report_id: Id,
    payload: ReturnIn,
    headers: Header[Preconditions],
):
    """Send a submitted report from the level below back with a comment (the level above)."""
    return _action(
        request,
        response,
        report_id,
        headers,
        lambda version: services.report_return(
            official=request.auth, report_id=report_id, version=version, comment=payload.comment
        ),
    )


@router.post("/reports/{report_id}/accept", response={200: ReportOut, **ACTION})
def report_accept(request, response: HttpResponse, report_id: Id, headers: Header[Preconditions]):
    """Accept a submitted report from the level below and consolidate it: its frozen figures
    count in your own report from now on (the level above)."""
    return _action(
        request,
        response,
        report_id,
        headers,
        lambda version: services.report_accept(
            official=request.auth, report_id=report_id, version=version
        ),
    )
