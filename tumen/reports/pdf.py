"""The situation report as a PDF in the reader's language: figures, charts, issues, who reported.

Typeset by tumen.lib.typeset (Typst and the CJK font shared with travel authorizations). The
values reach the template as data, never as markup. A county's report is small and is made while
the reader waits; a larger subtree's is made by the task worker (tumen.reports.tasks) and kept in
ReportPdf, keyed by the report's version, so a PDF never shows figures other than the page's.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from tumen.lib.typeset import compile_pdf
from tumen.org.models import Level
from tumen.reports import labels, selectors
from tumen.reports.charts import charts
from tumen.reports.exports import figure_rows
from tumen.reports.links import report_links
from tumen.reports.models import ReportPdf, SituationReport

TEMPLATE = """\
#set page(paper: "a4", margin: 18mm, numbering: "1 / 1")
#set text(size: 9.5pt)
#text(size: 8pt, fill: gray)[#data.caption]
#heading(level: 1, data.title)
#data.status

#heading(level: 2, data.issues_heading)
#data.issues

#if data.links.len() > 0 {
  heading(level: 3, data.links_heading)
  list(..data.links)
}

#if data.children.len() > 0 {
  heading(level: 2, data.children_heading)
  table(columns: 2, ..data.children.flatten())
}

#for c in data.charts {
  heading(level: 2, c.title)
  if c.svg { svg(c.slug, width: 80%) }
  par(text(size: 8pt, c.alt))
}

#heading(level: 2, data.figures_heading)
#table(
  columns: 4,
  ..data.figure_header.map(strong),
  ..data.figure_rows.flatten(),
)
"""


def _children(report: SituationReport) -> list[list[str]]:
    rows = []
    for child in selectors.children(report):
        if child.accepted:
            state = _("Accepted and consolidated")
        elif child.report is not None and child.report.status != "draft":
            state = str(child.report.get_status_display())
        else:
            state = _("Not reported")
        rows.append([child.jurisdiction.name, state])
    return rows


def _link_text(link: dict) -> str:
    if link["kind"] == "case":
        return f"{link['number']} · {labels.key_label(link['status'])}"
    label = selectors.flag_label(link["case"], link["ground"], link["raised_on"])
    return _("Flag raised: %(label)s") % {"label": label}


def _data(report: SituationReport, figures: dict, shown) -> dict:
    return {
        "caption": f"{_('Situation report')} · {report.directive.title}",
        "title": f"{report.jurisdiction.name} · {report.period}",
        "status": str(report.get_status_display()),
        "issues_heading": _("Existing issues"),
        "issues": report.issues_text or _("None written."),
        "links_heading": _("Cases and flags referred to"),
        "links": [_link_text(link) for link in report_links(report)],
        "children_heading": _("Reports from the level below"),
        "children": _children(report),
        "charts": [
            {"slug": c.slug, "title": c.title, "alt": c.alt, "svg": bool(c.svg)} for c in shown
        ],
        "figures_heading": _("Figures"),
        "figure_header": [_("Figure"), _("Key"), _("Measure"), _("Value")],
        "figure_rows": [
            [str(labels.FIGURES.get(name, name)), labels.key_label(str(key)), measure, str(value)]
            for name, key, measure, value in figure_rows(figures)
        ],
    }


def report_pdf(report: SituationReport, *, language: str) -> bytes:
    with translation.override(language):
        figures = selectors.report_figures(report)
        shown = charts(figures)
        data = _data(report, figures, shown)
    return compile_pdf(TEMPLATE, data=data, svgs={c.slug: c.svg for c in shown if c.svg})


def stored_pdf(report: SituationReport, language: str) -> bytes | None:
    row = ReportPdf.objects.filter(report=report, language=language, version=report.version)
    pdf = row.values_list("pdf", flat=True).first()
    return bytes(pdf) if pdf is not None else None


def store_pdf(report: SituationReport, language: str) -> bytes:
    """Typeset the report as it is now and keep it; again for the same version is a no-op."""
    pdf = report_pdf(report, language=language)
    ReportPdf.objects.get_or_create(
        report=report, language=language, version=report.version, defaults={"pdf": pdf}
    )
    return pdf


def typeset_while_waiting(report: SituationReport) -> bool:
    """A county's report is made at once; a larger subtree's by the worker."""
    return report.jurisdiction.level == Level.COUNTY
