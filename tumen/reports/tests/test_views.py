"""The report pages: list, start, the report with its figures and charts, review and export."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tumen.reports.models import SituationReport
from tumen.reports.tests.conftest import DIRECTIVE
from tumen.reports.tests.histories import september_1963

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(make_official):
    return september_1963(make_official("t.yanji.approver", "yanji-office", "approver"))


def as_(client, official):
    client.force_login(official)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def start(client, period="1963-09"):
    return client.post(reverse("report_start"), {"directive": DIRECTIVE, "period": period})


def test_a_county_analyst_drafts_edits_and_submits_through_the_pages(client, analysts, history):
    c = as_(client, analysts["yanji"])
    response = start(c)
    report = SituationReport.objects.get()
    assert response.url == reverse("report_detail", kwargs={"report_id": report.pk})
    page = c.get(response.url).content.decode()
    assert 'data-testid="figure-cases_opened">5<' in page
    assert "<svg" in page
    assert 'data-testid="chart-over-time"' in page
    response = c.post(
        reverse("report_act", kwargs={"report_id": report.pk, "action": "edit"}),
        {"version": 1, "issues_text": "One flag.", "cases": f"{history['10'].number}\nNOPE-1"},
    )
    assert response.status_code == 400
    assert "there is no case NOPE-1 in this jurisdiction" in response.content.decode()
    c.post(
        reverse("report_act", kwargs={"report_id": report.pk, "action": "edit"}),
        {"version": 1, "issues_text": "One flag.", "cases": history["10"].number},
    )
    c.post(
        reverse("report_act", kwargs={"report_id": report.pk, "action": "submit"}), {"version": 2}
    )
    report.refresh_from_db()
    assert report.status == "submitted"
    assert report.linked_cases.get() == history["10"]


def test_a_bad_month_is_named_and_a_stale_form_is_refused(client, analysts):
    c = as_(client, analysts["yanji"])
    response = start(c, "1963-9")
    assert response.status_code == 400
    assert "Write the month as YYYY-MM" in response.content.decode()
    start(c)
    report = SituationReport.objects.get()
    response = c.post(
        reverse("report_act", kwargs={"report_id": report.pk, "action": "submit"}), {"version": 7}
    )
    assert response.status_code == 400
    assert "changed by someone else" in response.content.decode()


def test_exports_carry_the_same_figures(client, analysts, history):
    c = as_(client, analysts["yanji"])
    start(c)
    report_id = SituationReport.objects.get().pk
    csv_text = c.get(reverse("report_export", kwargs={"report_id": report_id, "fmt": "csv"}))
    assert "cases_opened,,,5" in csv_text.content.decode()
    xlsx = c.get(reverse("report_export", kwargs={"report_id": report_id, "fmt": "xlsx"}))
    assert xlsx.content[:2] == b"PK"


def test_a_sibling_county_gets_the_shared_404(client, analysts):
    start(as_(client, analysts["yanji"]))
    report = SituationReport.objects.get()
    c = as_(client, analysts["tumen"])
    assert c.get(reverse("report_detail", kwargs={"report_id": report.pk})).status_code == 404


def test_the_analysts_home_shows_figures_charts_and_reports_owed(client, analysts):
    page = as_(client, analysts["yanbian"]).get(reverse("home")).content.decode()
    assert 'data-testid="analyst-home"' in page
    assert 'data-testid="reports-owed"' in page
    assert 'data-testid="chart-backlog"' in page
    assert 'data-testid="nav-reports"' in page


def test_a_clerks_home_has_no_analyst_part(client, yanji_clerk):
    page = as_(client, yanji_clerk).get(reverse("home")).content.decode()
    assert 'data-testid="analyst-home"' not in page
    assert 'data-testid="nav-reports"' not in page
