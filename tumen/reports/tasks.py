"""Background work for reports, on Django's tasks API; `tumen db_worker` runs it.

A task loads the report by id and typesets it. The month's PDFs are queued by
`tumen report --monthly-pdfs --enqueue`, which a site runs from cron on the first of each month.
"""

from __future__ import annotations

from django_tasks import task

from tumen.reports.models import ReportStatus, SituationReport
from tumen.reports.pdf import store_pdf


@task()
def typeset_report(report_id: int, language: str) -> int:
    """Typeset one report in one language; returns the PDF's size in bytes."""
    report = SituationReport.objects.select_related("jurisdiction", "directive").get(pk=report_id)
    return len(store_pdf(report, language))


def monthly_pdfs(period: str, languages: list[str], *, enqueue: bool) -> int:
    """Every submitted or accepted report of `period`, in each language; returns how many."""
    reports = SituationReport.objects.filter(
        period=period, status__in=(ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)
    ).values_list("pk", flat=True)
    count = 0
    for report_id in reports:
        for language in languages:
            if enqueue:
                typeset_report.enqueue(report_id, language)
            else:
                typeset_report.call(report_id, language)
            count += 1
    return count
