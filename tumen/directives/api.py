"""/api/v1/directives: instructions addressed along the caller's line, and acknowledging them."""

from __future__ import annotations

import datetime

from django.http import HttpResponse
from ninja import Header, Router, Schema
from pydantic import ConfigDict

from tumen.directives.models import Directive
from tumen.directives.selectors import directive_for_official, directive_list_for_official
from tumen.directives.services import directive_acknowledge
from tumen.tokens.protocol import (
    COMMON,
    READ_ONE,
    UNVERSIONED_ACTION,
    Retries,
    once,
    text,
)

router = Router(tags=["directives"])


class ClauseOut(Schema):
    number: int
    clause_id: str
    text_zh: str
    text_ko: str
    text_en: str


class AcknowledgementOut(Schema):
    unit: str
    acknowledged_at: datetime.datetime


class DirectiveOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "code": "cc1963",
                    "title_zh": "中共中央关于处理朝鲜族和朝侨出境问题的指示",
                    "title_ko": "",
                    "title_en": "Instruction on the departure of ethnic Koreans",
                    "issued_by": "cn",
                    "issued_on": "1963-05-10",
                    "report_back_required": True,
                    "clauses": [
                        {
                            "number": 1,
                            "clause_id": "cc1963.1",
                            "text_zh": "…",
                            "text_ko": "",
                            "text_en": "…",
                        }
                    ],
                    "acknowledgements": [
                        {"unit": "yanji-office", "acknowledged_at": "1963-05-12T08:00:00Z"}
                    ],
                }
            ]
        }
    )

    code: str
    title_zh: str
    title_ko: str
    title_en: str
    issued_by: str
    issued_on: datetime.date
    report_back_required: bool
    clauses: list[ClauseOut]
    acknowledgements: list[AcknowledgementOut]

    @staticmethod
    def of(directive: Directive, acknowledgements=()) -> DirectiveOut:
        return DirectiveOut(
            code=directive.code,
            title_zh=directive.title_zh,
            title_ko=directive.title_ko,
            title_en=directive.title_en,
            issued_by=directive.issued_by.code,
            issued_on=directive.issued_on,
            report_back_required=directive.report_back_required,
            clauses=[
                ClauseOut(
                    number=c.number,
                    clause_id=c.clause_id,
                    text_zh=c.text_zh,
                    text_ko=c.text_ko,
                    text_en=c.text_en,
                )
                for c in directive.clauses.all()
            ],
            acknowledgements=[
                AcknowledgementOut(unit=a.unit.code, acknowledged_at=a.acknowledged_at)
                for a in acknowledgements
            ],
        )


@router.get("/directives", response={200: list[DirectiveOut], **COMMON})
def directive_list(request):
    """Directives addressed to your jurisdiction, to one above it or to one below it."""
    return [DirectiveOut.of(d) for d in directive_list_for_official(official=request.auth)]


@router.get("/directives/{code}", response={200: DirectiveOut, **READ_ONE})
def directive_read(request, code: text(50)):
    """One directive, with the acknowledgements of the units in your subtree."""
    directive = directive_for_official(official=request.auth, code=code)
    return DirectiveOut.of(directive, directive.visible_acknowledgements)


@router.post("/directives/{code}/acknowledge", response={200: DirectiveOut, **UNVERSIONED_ACTION})
def directive_acknowledge_receipt(
    request,
    response: HttpResponse,
    code: text(50),
    headers: Header[Retries],
):
    """Record that your unit received the directive; acknowledging twice changes nothing."""

    def run():
        directive_acknowledge(official=request.auth, directive_code=code)
        directive = directive_for_official(official=request.auth, code=code)
        return 200, DirectiveOut.of(directive, directive.visible_acknowledgements), {}

    return once(request, response, headers, run)
