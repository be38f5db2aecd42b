"""The cases and flags a report's existing issues refer to, live or as frozen on submission.

A link is a small dict (`kind` "case" or "flag"), so that the page, the PDF and the API show the
same thing, and a submitted report shows its links as they stood when it was submitted.
"""

from __future__ import annotations

from django.utils import timezone

from tumen.reports.models import ReportStatus, SituationReport

FROZEN = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


def live_links(report: SituationReport) -> list[dict]:
    cases = [
        {"kind": "case", "number": c.number, "case_type": c.case_type, "status": c.status}
        for c in report.linked_cases.order_by("number")
    ]
    flags = [
        {
            "kind": "flag",
            "id": issue.pk,
            "case": issue.case.number,
            "ground": issue.ground,
            "clause_id": issue.clause_id,
            "raised_on": timezone.localdate(issue.raised_at).isoformat(),
        }
        for issue in report.linked_flags.select_related("case").order_by("raised_at", "pk")
    ]
    return cases + flags


def report_links(report: SituationReport) -> list[dict]:
    """The frozen links once submitted; until then, what the report links now."""
    if report.status in FROZEN:
        return list(report.frozen_links)
    return live_links(report)
