"""The API's access matrix for reports and figures: the rows of
tumen/cases/tests/test_api_access_matrix.py's table for /figures and /reports, with its cast,
its Endpoint rows and its assertions (status; "other" answers byte for byte like "missing").

The world: Yanji's September report, submitted (so that the levels above may see it), and the
figures of Yanji. Every change is sent with a stale If-Match: a call that passes the access and
role checks stops at 412 and leaves the report as it was.
"""

from __future__ import annotations

import pytest

from tumen.cases.tests.test_api_access_matrix import (
    MISSING_ID,
    ROLES,
    UNITS,
    Endpoint,
    call,
)
from tumen.reports import services
from tumen.reports.tests.conftest import DIRECTIVE
from tumen.reports.tests.histories import september_1963
from tumen.tokens.tests.apiclient import Api

pytestmark = pytest.mark.django_db

ANALYST = frozenset({"analyst"})

ENDPOINTS = [
    Endpoint("figures read", "get", "figures?jurisdiction={county}&period=1963-09"),
    Endpoint("report read", "get", "reports/{report}"),
    Endpoint("report list", "get", "reports", is_list=True),
    Endpoint("report edit", "patch", "reports/{report}", {"issues_text": "x"}, ANALYST, 412),
    Endpoint("report submit", "post", "reports/{report}/submit", {}, ANALYST, 412),
    Endpoint("report return", "post", "reports/{report}/return", {"comment": "why?"}, ANALYST, 412),
    Endpoint("report accept", "post", "reports/{report}/accept", {}, ANALYST, 412),
]


@pytest.fixture
def world(make_official):
    september_1963(make_official("t.yanji.approver", "yanji-office", "approver"))
    writer = make_official("m.yanji.analyst", "yanji-office", "analyst")
    report = services.report_draft(official=writer, directive_code=DIRECTIVE, period="1963-09")
    report = services.report_submit(official=writer, report_id=report.pk, version=report.version)
    return {
        "real": {"report": report.pk, "county": "yanji"},
        "missing": {"report": MISSING_ID, "county": "nowhere"},
        "report": report.pk,
    }


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.name for e in ENDPOINTS])
@pytest.mark.parametrize("side", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(world, make_official, role, side, endpoint):
    unit = UNITS[role][0 if side == "own" else 1]
    api = Api(make_official(f"m.{role}.{side}", unit, role))
    answer = call(api, endpoint, world["real"])
    sees = side == "own"

    if endpoint.is_list:
        assert answer.status_code == 200
        assert (world["report"] in {item["id"] for item in answer.json()}) is sees
        return

    if not sees:
        missing = call(api, endpoint, world["missing"])
        assert answer.status_code == 404
        assert answer.content == missing.content
        assert answer["Content-Type"] == missing["Content-Type"] == "application/problem+json"
        return

    expected = endpoint.ok if role in endpoint.allowed else endpoint.refused
    assert answer.status_code == expected, answer.content
