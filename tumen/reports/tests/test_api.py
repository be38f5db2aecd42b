"""/api/v1/figures and /api/v1/reports: the same figures as the command, and the report's
workflow through the API under the same access rules as the pages."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from tumen.audit.models import AuditEvent
from tumen.reports.models import SituationReport
from tumen.reports.tests.conftest import DIRECTIVE
from tumen.reports.tests.histories import at, september_1963
from tumen.tokens.tests.apiclient import Api

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(make_official, clock):
    cases = september_1963(make_official("t.yanji.approver", "yanji-office", "approver"))
    clock.set(at(10, 5, 12))
    return cases


@pytest.fixture
def api(analysts):
    return {name: Api(official) for name, official in analysts.items()}


def command_figures(code: str) -> dict:
    out = io.StringIO()
    call_command("report", code, "--period", "1963-09", stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())["figures"]


def test_figures_are_the_commands_and_another_province_is_a_missing_one(history, api):
    answer = api["jilin"].get("figures", {"jurisdiction": "jilin", "period": "1963-09"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["figures"] == command_figures("jilin")
    assert body["figures"]["cases_opened"] == 8
    assert body["figures"]["processing_days_by_type"]["relocation"] == {
        "count": 5,
        "median": 7,
        "p90": 30,
    }
    theirs = api["liaoning"].get("figures", {"jurisdiction": "jilin", "period": "1963-09"})
    missing = api["liaoning"].get("figures", {"jurisdiction": "atlantis", "period": "1963-09"})
    assert theirs.status_code == missing.status_code == 404
    assert theirs.content == missing.content
    # A county analyst sees their own county, not the province above it.
    assert (
        api["yanji"].get("figures", {"jurisdiction": "jilin", "period": "1963-09"}).status_code
        == 404
    )
    bad = api["jilin"].get("figures", {"jurisdiction": "jilin", "period": "1963-9"})
    assert bad.status_code == 422
    assert bad["Content-Type"] == "application/problem+json"
    assert bad.json()["errors"][0]["field"] == "period"


def act(client: Api, path: str, version: int, body=None, **headers):
    return client.post(path, body or {}, If_Match=f'"{version}"', **headers)


def test_the_workflow_through_the_api(history, api):
    yanji, tumen, yanbian = api["yanji"], api["tumen"], api["yanbian"]
    created = yanji.post("reports", {"directive": DIRECTIVE, "period": "1963-09"})
    assert created.status_code == 201
    report = created.json()
    path = f"reports/{report['id']}"
    assert created["Location"] == f"/api/v1/{path}"
    assert created["ETag"] == '"1"'
    assert report["figures"]["cases_opened"] == 5
    # Drafting again answers the same report.
    again = yanji.post("reports", {"directive": DIRECTIVE, "period": "1963-09"})
    assert (again.status_code, again.json()["id"]) == (200, report["id"])
    # A sibling county and the level above do not see a draft: exactly like a missing report.
    missing = tumen.get("reports/2147483647")
    for other in (tumen, yanbian):
        answer = other.get(path)
        assert answer.status_code == 404
        assert answer.content == missing.content
    assert yanbian.get("reports").json() == []

    assert yanji.patch(path, {"issues_text": "x"}).status_code == 428
    assert yanji.patch(path, {"issues_text": "x"}, If_Match='"7"').status_code == 412
    number = history["10"].number
    edited = yanji.patch(
        path, {"issues_text": "Identity checks lag.", "cases": [number]}, If_Match='"1"'
    )
    assert edited.status_code == 200, edited.content
    assert edited.json()["links"][0]["number"] == number
    elsewhere = yanji.patch(path, {"cases": [history["11"].number]}, If_Match='"2"')
    assert elsewhere.status_code == 422
    assert elsewhere.json()["errors"][0]["field"] == "/cases"

    submitted = act(yanji, f"{path}/submit", 2)
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["frozen_at"] is not None
    # Only the level above reviews; a county cannot accept its own report.
    assert act(yanji, f"{path}/accept", 3).status_code == 403
    assert [r["id"] for r in yanbian.get("reports").json()] == [report["id"]]
    no_comment = act(yanbian, f"{path}/return", 3, {"comment": " "})
    assert no_comment.status_code == 422
    returned = act(yanbian, f"{path}/return", 3, {"comment": "Name the flagged case."})
    assert returned.json()["status"] == "returned"
    assert returned.json()["return_comment"] == "Name the flagged case."
    assert act(yanji, f"{path}/submit", 4).json()["status"] == "submitted"

    accepted = act(yanbian, f"{path}/accept", 5, Idempotency_Key="accept-yanji-1963-09")
    replay = act(yanbian, f"{path}/accept", 5, Idempotency_Key="accept-yanji-1963-09")
    assert accepted.status_code == replay.status_code == 200
    assert replay.json() == accepted.json()
    assert replay["Idempotent-Replayed"] == "true"
    assert AuditEvent.objects.filter(action="report.accepted").count() == 1
    # Accepting again without the key is a state conflict.
    assert act(yanbian, f"{path}/accept", 6).status_code == 409

    # Yanbian consolidates: its own report counts Yanji's frozen figures; Tumen has not reported.
    consolidation = yanbian.post("reports", {"directive": DIRECTIVE, "period": "1963-09"})
    assert consolidation.status_code == 201
    body = consolidation.json()
    children = {c["jurisdiction"]: c for c in body["children"]}
    assert children["yanji"] == {
        "jurisdiction": "yanji",
        "state": "accepted",
        "report_id": report["id"],
    }
    assert children["tumen"]["state"] == "not_reported"
    assert children["tumen"]["report_id"] is None
    assert body["figures"]["cases_opened"] == 5
    yanbian_report = SituationReport.objects.get(pk=body["id"])
    assert yanbian_report.jurisdiction.code == "yanbian"


def test_only_analysts_draft_and_a_directive_not_owed_is_refused(history, api, yanji_clerk):
    clerk = Api(yanji_clerk)
    assert clerk.post("reports", {"directive": DIRECTIVE, "period": "1963-09"}).status_code == 403
    bad = api["yanji"].post("reports", {"directive": DIRECTIVE, "period": "1963-13"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "/period"
    unknown = api["yanji"].post("reports", {"directive": "nothing", "period": "1963-09"})
    assert unknown.status_code == 404


@pytest.mark.parametrize("period", ["0000-01", "9999-12", "1899-12", "2100-01"])
def test_a_month_outside_the_calendar_the_figures_reckon_with_is_refused(api, period):
    answer = api["jilin"].get("figures", {"jurisdiction": "jilin", "period": period})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "period"
