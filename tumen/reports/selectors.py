"""Reads of situation reports, always through the access module, shaped for the pages."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from tumen.cases.models import ExistingIssue, IssueKind
from tumen.directives.models import Directive
from tumen.org.access import get_for_user, scope
from tumen.org.models import Jurisdiction, Official
from tumen.reports import consolidation, labels, workflow
from tumen.reports.consolidation import ChildState, owes, report_tally
from tumen.reports.figures import derive, month_bounds, previous_period
from tumen.reports.models import ReportStatus, SituationReport

OUTSTANDING = (ReportStatus.DRAFT, ReportStatus.RETURNED)


@dataclass(frozen=True)
class Owed:
    directive: Directive
    jurisdiction: Jurisdiction
    period: str
    due: datetime.date
    report: SituationReport | None
    overdue: bool


def report_for_official(*, official: Official, report_id: int) -> SituationReport:
    queryset = SituationReport.objects.select_related("jurisdiction", "directive", "drafted_by")
    return get_for_user(official, queryset, pk=report_id)


def children(report: SituationReport) -> list[ChildState]:
    """The jurisdictions below the report's, each with its report for the month (or None).

    A child's draft is listed only as "not reported"; the pages never link to it.
    """
    return consolidation.children(report)


def report_figures(report: SituationReport) -> dict:
    return derive(report_tally(report))


def _owed(directive, jurisdiction, period, report, today) -> Owed | None:
    if report is not None and report.status not in OUTSTANDING:
        return None
    due = workflow.due_on(jurisdiction.level, month_bounds(period)[1])
    return Owed(directive, jurisdiction, period, due, report, today > due)


def _report_directives(official: Official) -> list[Directive]:
    visible = scope(Directive.objects.filter(report_back_required=True), official)
    return list(visible.prefetch_related("addressees__jurisdiction"))


def owed_by(jurisdiction: Jurisdiction, directives, today: datetime.date) -> list[Owed]:
    """The jurisdiction's reports not yet submitted: last month's, and any draft or returned."""
    period = previous_period(today)
    open_reports = SituationReport.objects.filter(
        Q(period=period) | Q(status__in=OUTSTANDING), jurisdiction=jurisdiction
    ).select_related("directive")
    found = {(r.directive_id, r.period): r for r in open_reports}
    items = []
    for directive in directives:
        if not owes(jurisdiction, directive):
            continue
        periods = {period} | {p for (d, p) in found if d == directive.pk}
        for each in sorted(periods, reverse=True):
            item = _owed(directive, jurisdiction, each, found.get((directive.pk, each)), today)
            if item is not None:
                items.append(item)
    return items


@dataclass(frozen=True)
class Worklist:
    owed: list[Owed]
    to_review: list[SituationReport]
    overdue_below: list[Owed]

    def __bool__(self) -> bool:
        return bool(self.owed or self.to_review or self.overdue_below)


def worklist(*, official: Official, today: datetime.date | None = None) -> Worklist:
    """What an analyst's unit owes, what it must review, and which units below are late."""
    if not workflow.AUTHORITY.allows(official) or not official.unit_id:
        return Worklist([], [], [])
    today = today or timezone.localdate()
    jurisdiction = official.unit.jurisdiction
    directives = _report_directives(official)
    to_review = scope(SituationReport.objects.all(), official).filter(
        jurisdiction__parent=jurisdiction, status=ReportStatus.SUBMITTED
    )
    below = []
    for child in Jurisdiction.objects.filter(parent=jurisdiction).order_by("path"):
        below.extend(item for item in owed_by(child, directives, today) if item.overdue)
    return Worklist(
        owed=owed_by(jurisdiction, directives, today),
        to_review=list(to_review.select_related("jurisdiction", "directive")),
        overdue_below=below,
    )


FLAG_CHOICES = 200


def flag_choices(*, official: Official, report: SituationReport) -> list[tuple[int, str]]:
    """Flags a report may link: those raised in its jurisdiction in its month, and those it
    links already; newest first. The service checks each chosen one again."""
    first, following = month_bounds(report.period)
    zone = timezone.get_current_timezone()
    start, end = (
        datetime.datetime.combine(day, datetime.time(), zone) for day in (first, following)
    )
    flags = scope(ExistingIssue.objects.filter(kind=IssueKind.FLAG), official).filter(
        jurisdiction__path__startswith=report.jurisdiction.path
    )
    linked = set(report.linked_flags.values_list("pk", flat=True))
    chosen = flags.filter(Q(raised_at__gte=start, raised_at__lt=end) | Q(pk__in=linked))
    rows = chosen.select_related("case").order_by("-raised_at", "-pk")[:FLAG_CHOICES]
    return [
        (issue.pk, flag_label(issue.case.number, issue.ground, issue.raised_at)) for issue in rows
    ]


def flag_label(case_number: str, ground: str, raised_at) -> str:
    raised = raised_at if isinstance(raised_at, str) else timezone.localdate(raised_at).isoformat()
    return f"{case_number} · {labels.key_label(ground)} · {raised}"


def reports_list(*, official: Official) -> list[SituationReport]:
    """Every report the official may see, newest month first."""
    queryset = scope(SituationReport.objects.all(), official)
    return list(queryset.select_related("jurisdiction", "directive")[:200])
