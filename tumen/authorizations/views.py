"""Pages: a case's travel documents (print, re-issue, revoke), the checkpoint, reconciliation.

Thin: parse the form, call the service (which authorizes), render. Addresses carry document and
case numbers, never names; the pasted or scanned text travels in POST bodies only.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tumen.authorizations import pdf, selectors, services
from tumen.authorizations.forms import CrossingForm, PrintForm, ReasonForm, ScanForm
from tumen.authorizations.models import AuthorizationStatus
from tumen.authorizations.offline import read_qr
from tumen.authorizations.reasons import REFUSALS, refusal_text
from tumen.cases.selectors.cases import case_page
from tumen.lib.errors import StaleVersion
from tumen.org.access import authorised, require
from tumen.web.forms import add_service_errors

# A case's documents -------------------------------------------------------------------------


@login_required
@require_GET
def case_documents(request: HttpRequest, number: str) -> HttpResponse:
    case = case_page(request.user, number)
    documents = selectors.documents_of_case(request.user, case)
    context = {
        "case": case,
        "documents": documents,
        "print_form": PrintForm(),
        "may_manage": authorised(request.user, "authorization.manage"),
        "may_print": authorised(request.user, "authorization.print"),
    }
    return render(request, "authorizations/case_documents.html", context)


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def case_print(request: HttpRequest, number: str) -> HttpResponse:
    """The household's valid documents as one PDF (each print is audited)."""
    case = case_page(request.user, number)
    form = PrintForm(request.POST)
    paper = form.cleaned_data["paper"] if form.is_valid() else "a4"
    numbers = [
        d.number
        for d in selectors.documents_of_case(request.user, case)
        if d.status == AuthorizationStatus.VALID
    ]
    if not numbers:
        messages.info(request, _("This case has no valid travel authorization to print."))
        return redirect("case_documents", number=case.number)
    printed = services.authorizations_printed(official=request.user, numbers=numbers)
    return _pdf_response(pdf.render(printed, paper=paper), f"{case.number}-{paper}.pdf")


def _reason_action(request, number: str, service, template: str, done: str) -> HttpResponse:
    official = request.user
    authz = selectors.authorization_for_user(official, number)
    require(official, "authorization.manage")
    form = ReasonForm(request.POST or None, initial={"version": authz.version})
    if request.method == "POST" and form.is_valid():
        try:
            service(
                official=official,
                number=authz.number,
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
            )
        except StaleVersion:
            form.add_error(None, _("Someone else changed this document meanwhile; look again."))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("case_documents", number=authz.case.number)
    context = {"authorization": authz, "case": authz.case, "form": form}
    return render(request, template, context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def authorization_revoke(request: HttpRequest, number: str) -> HttpResponse:
    return _reason_action(
        request,
        number,
        services.authorization_revoke,
        "authorizations/revoke.html",
        _("The travel authorization is revoked; it will not verify again."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def authorization_reissue(request: HttpRequest, number: str) -> HttpResponse:
    return _reason_action(
        request,
        number,
        services.authorization_reissue,
        "authorizations/reissue.html",
        _("A new travel authorization is issued; the old number will not verify again."),
    )


# The checkpoint -----------------------------------------------------------------------------


def _checkpoint_official(request: HttpRequest):
    official = request.user
    require(official, "crossing.record")
    return official


def _scanned_text(form: ScanForm) -> str | None:
    image = form.cleaned_data.get("image")
    if image is not None:
        return read_qr(image.read())
    return form.cleaned_data["text"]


def _verdict_context(verdict) -> dict:
    return {
        "verdict": verdict,
        "refusal": None if verdict.valid else refusal_text(verdict.reason),
        "holder": verdict.authorization.person if verdict.authorization else None,
    }


@login_required
@require_http_methods(["GET", "POST"])
def checkpoint(request: HttpRequest) -> HttpResponse:
    official = _checkpoint_official(request)
    points = list(services.staffed_points(official))
    form = ScanForm(request.POST or None, request.FILES or None, points=points)
    context: dict = {"form": form, "points": points}
    if request.method == "POST" and form.is_valid():
        text = _scanned_text(form)
        if not text:
            form.add_error("image", refusal_text("no_qr"))
        else:
            try:
                verdict = services.checkpoint_verify(
                    official=official, point_code=form.cleaned_data["point"], text=text
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                context.update(_verdict_context(verdict))
                context["crossing_form"] = CrossingForm(
                    initial={"point": form.cleaned_data["point"], "text": text}
                )
    context["recent"] = selectors.recent_scans(official)
    return render(request, "authorizations/checkpoint.html", context)


@login_required
@require_POST
def checkpoint_cross(request: HttpRequest) -> HttpResponse:
    official = _checkpoint_official(request)
    form = CrossingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form is incomplete. Scan the document again."))
        return redirect("checkpoint")
    try:
        verdict = services.crossing_record(
            official=official,
            point_code=form.cleaned_data["point"],
            text=form.cleaned_data["text"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("checkpoint")
    if verdict.valid:
        messages.success(
            request,
            _("Crossing recorded: %(number)s.") % {"number": verdict.authorization.number},
        )
    else:
        messages.error(
            request, _("Crossing refused: %(reason)s") % {"reason": refusal_text(verdict.reason)}
        )
    return redirect("checkpoint")


# Reconciliation -----------------------------------------------------------------------------


@login_required
@require_GET
def reconciliation(request: HttpRequest) -> HttpResponse:
    report = selectors.reconciliation(request.user)
    context = {"report": report, "refusals": REFUSALS}
    return render(request, "authorizations/reconciliation.html", context)
