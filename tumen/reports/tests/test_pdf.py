"""The report PDF: the reader's language, figures and charts; large areas in the background."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.urls import reverse

from tumen.reports import services
from tumen.reports.models import ReportPdf
from tumen.reports.tasks import typeset_report
from tumen.reports.tests.conftest import DIRECTIVE
from tumen.reports.tests.histories import september_1963

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    done = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)  # noqa: S607
    return done.stdout.decode()


@pytest.fixture
def reports(analysts, make_official):
    september_1963(make_official("t.yanji.approver", "yanji-office", "approver"))
    yanji = services.report_draft(
        official=analysts["yanji"], directive_code=DIRECTIVE, period="1963-09"
    )
    yanbian = services.report_draft(
        official=analysts["yanbian"], directive_code=DIRECTIVE, period="1963-09"
    )
    return {"yanji": yanji, "yanbian": yanbian}


def test_a_countys_pdf_is_typeset_at_once_in_the_readers_language(client, analysts, reports):
    client.force_login(analysts["yanji"])
    url = reverse("report_pdf", kwargs={"report_id": reports["yanji"].pk})
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 200
    assert response.content[:5] == b"%PDF-"
    text = text_of(response.content)
    assert "延吉 · 1963-09" in text
    assert "存在的问题" in text
    assert ReportPdf.objects.filter(report=reports["yanji"]).count() == 1


def test_a_prefectures_pdf_is_left_to_the_worker_then_served(client, analysts, reports):
    client.force_login(analysts["yanbian"])
    url = reverse("report_pdf", kwargs={"report_id": reports["yanbian"].pk})
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 202
    assert ReportPdf.objects.count() == 0
    typeset_report.call(reports["yanbian"].pk, "en")
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Yanbian · 1963-09" in text_of(response.content)


def test_the_monthly_run_typesets_every_submitted_report_in_every_language(analysts, reports):
    report = reports["yanji"]
    services.report_submit(official=analysts["yanji"], report_id=report.pk, version=report.version)
    out = io.StringIO()
    call_command("report", "--monthly-pdfs", "--period", "1963-09", stdout=out)
    assert "3 report PDFs for 1963-09 typeset." in out.getvalue()
    assert sorted(ReportPdf.objects.values_list("language", flat=True)) == ["en", "ko", "zh-hans"]
