"""The report pages: the analyst's list of reports owed and to review, and the report itself.

Each view parses with a form, calls a service (which authorises through tumen.org.access and
tumen.reports.workflow), and redirects after a successful POST; a refusal is shown beside its
field or in the error summary, with the report page around it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from tumen.reports import pdf, selectors, services, workflow
from tumen.reports.charts import charts
from tumen.reports.exports import as_csv, as_xlsx
from tumen.reports.forms import IssuesForm, ReturnForm, StartForm, VersionForm
from tumen.reports.links import report_links
from tumen.reports.models import ReportStatus
from tumen.reports.tasks import typeset_report
from tumen.web.forms import add_service_errors, problems_form


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    official = request.user
    context = {
        "worklist": selectors.worklist(official=official),
        "reports": selectors.reports_list(official=official),
    }
    return render(request, "reports/report_list.html", context)


@login_required
@require_POST
def report_start(request: HttpRequest) -> HttpResponse:
    form = StartForm(request.POST)
    if form.is_valid():
        try:
            report = services.report_draft(
                official=request.user,
                directive_code=form.cleaned_data["directive"],
                period=form.cleaned_data["period"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("report_detail", report_id=report.pk)
    context = {
        "worklist": selectors.worklist(official=request.user),
        "reports": selectors.reports_list(official=request.user),
        "start_form": form,
    }
    return render(request, "reports/report_list.html", context, status=400)


def _issues_form(official, report, data=None) -> IssuesForm:
    choices = selectors.flag_choices(official=official, report=report) if report.pk else []
    if data is not None:
        return IssuesForm(data, flag_choices=choices)
    return IssuesForm(
        initial={
            "version": report.version,
            "issues_text": report.issues_text,
            "cases": "\n".join(c.number for c in report.linked_cases.order_by("number")),
            "flags": list(report.linked_flags.values_list("pk", flat=True)),
        },
        flag_choices=choices,
    )


def _page(request, report, *, issues_form=None, return_form=None, problems=None, status=200):
    official = request.user
    figures = selectors.report_figures(report)
    version = {"version": report.version}
    may = {action: workflow.may(official, report, action) for action in workflow.MOVES}
    links = report_links(report)
    context = {
        "report": report,
        "figures": figures,
        "charts": charts(figures),
        "children": selectors.children(report),
        "linked_cases": [link for link in links if link["kind"] == "case"],
        "linked_flags": [
            {**link, "label": selectors.flag_label(link["case"], link["ground"], link["raised_on"])}
            for link in links
            if link["kind"] == "flag"
        ],
        "may": may,
        "issues_form": issues_form or (_issues_form(official, report) if may["edit"] else None),
        "return_form": return_form or ReturnForm(initial=version),
        "version_form": VersionForm(initial=version),
        "problems": problems or problems_form(),
        "frozen": report.status in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED),
    }
    return render(request, "reports/report_detail.html", context, status=status)


@login_required
@require_GET
def report_detail(request: HttpRequest, report_id: str) -> HttpResponse:
    report = selectors.report_for_official(official=request.user, report_id=int(report_id))
    return _page(request, report)


DONE = {
    "edit": _("The report was saved."),
    "submit": _("The report was submitted; its figures are frozen."),
    "return": _("The report was returned with your comment."),
    "accept": _("The report was accepted; its figures now count in your report."),
}


@login_required
@require_POST
def report_act(request: HttpRequest, report_id: str, action: str) -> HttpResponse:
    official = request.user
    report = selectors.report_for_official(official=official, report_id=int(report_id))
    if action == "edit":
        form = _issues_form(official, report, request.POST)
    else:
        form = {"return": ReturnForm}.get(action, VersionForm)(request.POST)
    if form.is_valid():
        try:
            _call(official, report, action, form)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, DONE[action])
            return redirect("report_detail", report_id=report.pk)
    report.refresh_from_db()
    forms = {"edit": "issues_form", "return": "return_form"}
    extra = {forms[action]: form} if action in forms else {"problems": form}
    return _page(request, report, status=400, **extra)


def _call(official, report, action: str, form) -> None:
    ids = {"official": official, "report_id": report.pk, "version": form.cleaned_data["version"]}
    if action == "edit":
        services.report_update(
            **ids,
            issues_text=form.cleaned_data["issues_text"],
            case_numbers=form.case_numbers(),
            flag_ids=form.flag_ids(),
        )
    elif action == "submit":
        services.report_submit(**ids)
    elif action == "return":
        services.report_return(**ids, comment=form.cleaned_data["comment"])
    else:
        services.report_accept(**ids)


@login_required
@require_GET
def report_export(request: HttpRequest, report_id: str, fmt: str) -> HttpResponse:
    report = selectors.report_for_official(official=request.user, report_id=int(report_id))
    figures = selectors.report_figures(report)
    name = f"report-{report.jurisdiction.code}-{report.period}"
    if fmt == "csv":
        response = HttpResponse(as_csv(figures), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            as_xlsx(figures, title=name),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
@require_GET
def report_pdf_download(request: HttpRequest, report_id: str) -> HttpResponse:
    """The PDF in the reader's language: made now for a county, by the worker for more."""
    report = selectors.report_for_official(official=request.user, report_id=int(report_id))
    language = get_language()
    pdf_bytes = pdf.stored_pdf(report, language)
    if pdf_bytes is None and pdf.typeset_while_waiting(report):
        pdf_bytes = pdf.store_pdf(report, language)
    if pdf_bytes is None:
        transaction.on_commit(lambda: typeset_report.enqueue(report.pk, language))
        return render(request, "reports/pdf_pending.html", {"report": report}, status=202)
    response = HttpResponse(pdf_bytes, content_type="application/pdf")
    name = f"report-{report.jurisdiction.code}-{report.period}-{language}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
