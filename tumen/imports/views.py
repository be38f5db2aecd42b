"""Pages: upload an import and follow it while a worker runs it; download its error report;
export persons or cases of the official's jurisdiction."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tumen.imports import export as exports
from tumen.imports.forms import UploadForm
from tumen.imports.models import ImportRun, RunStatus
from tumen.imports.services import importable_kinds, run_create
from tumen.imports.tasks import run_import
from tumen.org.access import authorised, get_for_user, scope

FORMATS = {"csv": "text/csv; charset=utf-8", "xlsx": exports.XLSX_TYPE}


def _store(upload) -> Path:
    """Keep the upload outside the database under a name no one can guess."""
    directory = Path(settings.TUMEN_IMPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"upload-{secrets.token_hex(12)}{Path(upload.name).suffix.lower()}"
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return path


@login_required
@require_http_methods(["GET", "POST"])
def import_list(request: HttpRequest) -> HttpResponse:
    kinds = importable_kinds(request.user)
    if request.method == "POST" and not kinds:
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        path = _store(form.cleaned_data["file"])
        try:
            with transaction.atomic():
                run = run_create(
                    actor=request.user, kind=form.cleaned_data["kind"], path=path,
                    file_name=form.cleaned_data["file"].name,
                    dry_run=form.cleaned_data["dry_run"],
                    language=request.LANGUAGE_CODE,
                )  # fmt: skip
                transaction.on_commit(lambda: run_import.enqueue(run.pk))
        except PermissionDenied as exc:
            path.unlink(missing_ok=True)
            form.add_error("kind", str(exc))
        else:
            return redirect("import_detail", run_id=run.pk)
    runs = scope(ImportRun.objects.all(), request.user).select_related("actor")[:20]
    context = {
        # The upload form only for those who may import something: no form that answers 403.
        "form": form if kinds else None,
        "runs": runs,
        # Offered only to the roles that may export, so no link there answers 403.
        "may_export": authorised(request.user, "export"),
    }
    return render(request, "imports/import_list.html", context)


def _run(request: HttpRequest, run_id: int) -> ImportRun:
    return get_for_user(request.user, ImportRun, pk=run_id)


@login_required
def import_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    return render(request, "imports/import_detail.html", {"run": _run(request, run_id)})


@login_required
def import_progress(request: HttpRequest, run_id: int) -> HttpResponse:
    """The progress panel alone, which the detail page polls (htmx) until the run ends."""
    return render(request, "imports/_progress.html", {"run": _run(request, run_id)})


@login_required
def import_errors(request: HttpRequest, run_id: int) -> FileResponse:
    run = _run(request, run_id)
    if run.status != RunStatus.DONE or not run.error_path:
        raise Http404(_("This import has no error report."))
    path = Path(run.error_path)
    name = f"{Path(run.file_name).stem}-errors{path.suffix}"
    return FileResponse(path.open("rb"), as_attachment=True, filename=name)


@login_required
def export(request: HttpRequest, subject: str, fmt: str) -> HttpResponse:
    if subject not in exports.SUBJECTS or fmt not in FORMATS:
        raise Http404
    rows = exports.export_begin(official=request.user, subject=subject, fmt=fmt)
    name = f"{subject}-{request.user.unit.jurisdiction.code}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(exports.csv_stream(rows), content_type=FORMATS[fmt])
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    path = exports.xlsx_file(rows)
    handle = path.open("rb")
    path.unlink()  # the open handle keeps the content until the response is sent
    return FileResponse(handle, as_attachment=True, filename=name, content_type=FORMATS[fmt])
