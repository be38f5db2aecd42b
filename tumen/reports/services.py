"""Changes to situation reports. Each is one keyword-only, atomic function that writes its audit
event; who may make which move is tumen.reports.workflow's `may`."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tumen.audit.services import audit_record
from tumen.cases.models import Case, ExistingIssue, IssueKind
from tumen.directives.models import Directive
from tumen.lib import clock
from tumen.lib.errors import Problems, StaleVersion, error, invalid
from tumen.org.access import get_for_update, get_for_user, require, scope
from tumen.org.models import Official
from tumen.reports import workflow
from tumen.reports.consolidation import children, live_tally, owes
from tumen.reports.figures import parse_period
from tumen.reports.links import live_links
from tumen.reports.models import ReportStatus, SituationReport

MAX_ISSUES_TEXT = 20_000


def _payload(report: SituationReport, **extra) -> dict:
    return {
        "report": report.pk,
        "jurisdiction": report.jurisdiction.code,
        "period": report.period,
        "version": report.version,
        **extra,
    }


@transaction.atomic
def report_draft(*, official: Official, directive_code: str, period: str) -> SituationReport:
    """Start the official's jurisdiction's report for `period`; an existing one is returned
    (`drafted_now` tells which)."""
    require(official, workflow.AUTHORITY)
    period = parse_period(period)
    directives = Directive.objects.filter(report_back_required=True)
    directive = get_for_user(official, directives, code=directive_code)
    jurisdiction = official.unit.jurisdiction
    if not owes(jurisdiction, directive):
        raise invalid("directive", "report_not_owed")
    report, created = SituationReport.objects.get_or_create(
        directive=directive,
        jurisdiction=jurisdiction,
        period=period,
        defaults={"drafted_by": official},
    )
    if created:
        audit_record(
            actor=official, action="report.drafted", target=report, payload=_payload(report)
        )
    report.drafted_now = created
    return report


class StaleReport(StaleVersion, ValidationError):
    """The report changed since the caller read it: the pages show it as a problem of the form
    (a ValidationError), the API answers 412 (a StaleVersion)."""

    def __init__(self, current: int):
        self.message_text = _(
            "This report was changed by someone else (it is now at version "
            "%(version)d); reload it and try again."
        ) % {"version": current}
        ValidationError.__init__(self, {NON_FIELD_ERRORS: [self.message_text]})
        self.current, self.what = current, "report"

    def __str__(self) -> str:
        return self.message_text


def _lock(official: Official, report_id: int, version: int, action: str) -> SituationReport:
    queryset = SituationReport.objects.select_related("jurisdiction", "directive")
    report = get_for_update(official, queryset, action=workflow.AUTHORITY, pk=report_id)
    if report.version != version:
        raise StaleReport(report.version)
    move = workflow.MOVES[action]
    if report.status not in move.sources:
        raise invalid(NON_FIELD_ERRORS, "report_state", status=ReportStatus(report.status))
    if not workflow.may(official, report, action):
        raise PermissionDenied(error("report_other_level").messages[0])
    return report


def _save(report: SituationReport, *fields: str) -> None:
    report.version += 1
    report.save(update_fields=["version", *fields])


def _linked_cases(official: Official, report: SituationReport, numbers: Sequence[str]) -> list:
    wanted = [n.strip() for n in numbers if n.strip()]
    visible = scope(Case.objects.all(), official).filter(
        number__in=wanted, jurisdiction__path__startswith=report.jurisdiction.path
    )
    found = {case.number: case for case in visible}
    missing = [n for n in wanted if n not in found]
    if missing:
        problems = Problems()
        for number in missing:
            problems.add(
                "cases", "report_case_unknown", line=wanted.index(number) + 1, number=number
            )
        problems.raise_if_any()
    return list(found.values())


def _linked_flags(official: Official, report: SituationReport, ids: Sequence[int]) -> list:
    """Flags (existing issues of kind "flag") raised within the report's jurisdiction."""
    wanted = list(dict.fromkeys(ids))
    visible = scope(ExistingIssue.objects.filter(kind=IssueKind.FLAG), official).filter(
        pk__in=wanted, jurisdiction__path__startswith=report.jurisdiction.path
    )
    found = {issue.pk: issue for issue in visible}
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        problems = Problems()
        for pk in missing:
            problems.add("flags", "report_flag_unknown", id=pk)
        problems.raise_if_any()
    return list(found.values())


@transaction.atomic
def report_update(
    *,
    official: Official,
    report_id: int,
    version: int,
    issues_text: str,
    case_numbers: Sequence[str] = (),
    flag_ids: Sequence[int] = (),
) -> SituationReport:
    """Write the existing issues in words and name the cases and flags they concern."""
    report = _lock(official, report_id, version, "edit")
    text = issues_text.strip()
    if len(text) > MAX_ISSUES_TEXT:
        raise invalid("issues_text", "report_text_too_long", limit=MAX_ISSUES_TEXT)
    cases = _linked_cases(official, report, case_numbers)
    flags = _linked_flags(official, report, flag_ids)
    report.issues_text = text
    _save(report, "issues_text")
    report.linked_cases.set(cases)
    report.linked_flags.set(flags)
    audit_record(
        actor=official,
        action="report.updated",
        target=report,
        payload=_payload(
            report, cases=sorted(c.pk for c in cases), flags=sorted(f.pk for f in flags)
        ),
    )
    return report


@transaction.atomic
def report_submit(*, official: Official, report_id: int, version: int) -> SituationReport:
    """Freeze the figures as they stand now and send the report to the level above."""
    report = _lock(official, report_id, version, "submit")
    now = clock.now()
    report.figures = live_tally(report, as_of=now).rows()
    report.frozen_at = now
    report.consolidated = [c.report.pk for c in children(report) if c.accepted]
    report.frozen_links = live_links(report)
    report.status, report.submitted_at, report.return_comment = ReportStatus.SUBMITTED, now, ""
    _save(
        report,
        "figures",
        "frozen_at",
        "consolidated",
        "frozen_links",
        "status",
        "submitted_at",
        "return_comment",
    )
    audit_record(
        actor=official,
        action="report.submitted",
        target=report,
        payload=_payload(report, consolidated=report.consolidated),
    )
    return report


@transaction.atomic
def report_return(
    *, official: Official, report_id: int, version: int, comment: str
) -> SituationReport:
    """Send a submitted report back to its writers with a comment; they may then resubmit."""
    comment = comment.strip()
    if not comment:
        raise invalid("comment", "report_comment_required")
    report = _lock(official, report_id, version, "return")
    report.status, report.return_comment = ReportStatus.RETURNED, comment[:MAX_ISSUES_TEXT]
    report.reviewed_at = clock.now()
    _save(report, "status", "return_comment", "reviewed_at")
    audit_record(actor=official, action="report.returned", target=report, payload=_payload(report))
    return report


@transaction.atomic
def report_accept(*, official: Official, report_id: int, version: int) -> SituationReport:
    """Accept a submitted report: its frozen figures now count in the level above's report."""
    report = _lock(official, report_id, version, "accept")
    report.status, report.reviewed_at = ReportStatus.ACCEPTED, clock.now()
    _save(report, "status", "reviewed_at")
    audit_record(actor=official, action="report.accepted", target=report, payload=_payload(report))
    return report
