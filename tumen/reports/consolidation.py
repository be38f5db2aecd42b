"""What a report adds up: its children's accepted reports and its own direct cases.

A county's report counts its cases. A prefecture's, province's or bureau's adds the frozen figures
of each child's accepted report to the cases entered directly at its own level, and lists the
children that have not (yet) been accepted: their cases are not counted until they report.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from tumen.directives.models import Directive
from tumen.org.models import Jurisdiction
from tumen.reports.figures import Tally, tally_for
from tumen.reports.models import ReportStatus, SituationReport

FROZEN = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


def owes(jurisdiction: Jurisdiction, directive: Directive) -> bool:
    """Every jurisdiction at or below an addressee reports to the one above it."""
    paths = directive.addressees.values_list("jurisdiction__path", flat=True)
    return any(jurisdiction.path.startswith(path) for path in paths)


@dataclass(frozen=True)
class ChildState:
    jurisdiction: Jurisdiction
    report: SituationReport | None

    @property
    def accepted(self) -> bool:
        return self.report is not None and self.report.status == ReportStatus.ACCEPTED


def children(report: SituationReport) -> list[ChildState]:
    """Each child jurisdiction that owes a report for the same directive and month."""
    below = Jurisdiction.objects.filter(parent_id=report.jurisdiction_id).order_by("path")
    reports = {
        r.jurisdiction_id: r
        for r in SituationReport.objects.filter(
            directive_id=report.directive_id, period=report.period, jurisdiction__in=below
        )
    }
    return [
        ChildState(child, reports.get(child.pk)) for child in below if owes(child, report.directive)
    ]


def live_tally(report: SituationReport, *, as_of: datetime.datetime | None = None) -> Tally:
    own = tally_for([report.jurisdiction_id], report.period, as_of=as_of)
    accepted = [Tally.from_rows(c.report.figures) for c in children(report) if c.accepted]
    return own.merged(*accepted)


def report_tally(report: SituationReport) -> Tally:
    """The frozen figures once submitted; until then, the consolidation as it stands."""
    if report.status in FROZEN:
        return Tally.from_rows(report.figures)
    return live_tally(report)
