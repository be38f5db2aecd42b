"""Every document of presented.ROWS through every channel, one test per channel and row: the
checkpoint page (pasted text, a photo of the QR code, and its record-crossing action), the
offline `tumen verify`, and the API's verify and record-crossing. Each must accept or refuse with
the row's reason."""

from __future__ import annotations

import io

import pytest
import segno
from django.test import Client
from django.utils.html import escape

from tumen.authorizations.models import CheckpointScan, ScanOutcome
from tumen.authorizations.reasons import refusal_text
from tumen.authorizations.tests.presented import (
    POINT,
    ROWS,
    export_trust,
    offline_verdict,
    presenting,
)
from tumen.cases.models import ExistingIssue
from tumen.cases.tests.viewkit import Desk, form, text
from tumen.tokens.tests.apiclient import Api


@pytest.fixture(params=ROWS, ids=[row.name for row in ROWS])
def row(request):
    return request.param


@pytest.fixture
def presented(row, presented_world):
    """The row's document, made once for the test."""
    return row.build(presented_world)


def photo(payload: str) -> io.BytesIO:
    out = io.BytesIO()
    segno.make_qr(payload, error="m").save(out, kind="png", scale=4)
    out.seek(0)
    out.name = "photo.png"
    return out


def refusals() -> list[tuple[str, bool]]:
    return list(
        CheckpointScan.objects.filter(outcome=ScanOutcome.REFUSED).values_list(
            "reason", "point__code"
        )
    )


@pytest.mark.parametrize("how", ["pasted", "photo"])
def test_the_checkpoint_page(row, presented, presented_world, checkpoint_officer, how):
    officer = Desk(Client(), checkpoint_officer)
    data = form(officer.get("/checkpoint/"), "scan-form").data(point=POINT)
    if how == "photo":
        data["image"] = photo(presented.text)
    else:
        data["text"] = presented.text
    before = refusals()
    with presenting(presented):
        body = text(officer.post("/checkpoint/", data))

    if row.online == "valid":
        assert 'data-testid="verdict-title">Valid' in body
        assert "김영철 · 金永哲 · KIM YONG CHOL" in body
        assert 'data-testid="cross-form"' in body
        assert refusals() == before
    else:
        assert 'data-testid="verdict-title">Refused' in body
        assert escape(refusal_text(row.online)) in body
        assert 'data-testid="cross-form"' not in body
        assert refusals() == [(row.online, POINT), *before]


def test_the_offline_command(row, presented, tmp_path, capsys):
    trust = export_trust(tmp_path / "trust")
    code, verdict = offline_verdict(capsys, presented, trust)
    assert verdict["reason"] == row.offline
    assert verdict["valid"] is (row.offline == "valid")
    assert code == (0 if row.offline == "valid" else 1)
    if row.offline == "valid":
        assert verdict["document"]["holder"]["hanja"] == "金永哲"


def test_the_api_verify(row, presented, checkpoint_officer):
    api = Api(checkpoint_officer)
    before = refusals()
    with presenting(presented):
        answer = api.post("checkpoint/verify", {"point": POINT, "text": presented.text})
    assert answer.status_code == 200, answer.content
    verdict = answer.json()
    assert verdict["reason"] == row.online
    assert verdict["valid"] is (row.online == "valid")
    assert verdict["message"] == ("Valid" if row.online == "valid" else refusal_text(row.online))
    # A refusal is recorded for the issuing units; a valid document only when it crosses.
    assert verdict["recorded"] is (row.online != "valid")
    assert refusals() == (before if row.online == "valid" else [(row.online, POINT), *before])
    if row.online == "valid":
        assert verdict["document"]["holder"]["hangul"] == "김영철"
        assert verdict["point_named"] is True


def test_the_api_record_crossing(row, presented, presented_world, checkpoint_officer):
    api = Api(checkpoint_officer)
    issues = ExistingIssue.objects.count()
    with presenting(presented):
        answer = api.post("checkpoint/crossings", {"point": POINT, "text": presented.text})
    assert answer.status_code == 200, answer.content
    verdict = answer.json()
    assert (verdict["valid"], verdict["reason"], verdict["recorded"]) == (
        row.online == "valid",
        row.online,
        True,
    )
    crossed = CheckpointScan.objects.filter(
        authorization=presented_world.authorization, outcome=ScanOutcome.CROSSED
    )
    case = presented_world.authorization.case
    case.refresh_from_db()
    if row.online == "valid":
        assert crossed.count() == 1
        assert case.status == "closed"
    else:
        # Only the row that crossed before it was presented has a crossing, from then.
        assert crossed.count() == (1 if row.online == "already_used" else 0)
    # The second crossing of a single-use document is also an existing issue of its case.
    reused = row.online == "already_used"
    assert ExistingIssue.objects.count() == issues + (1 if reused else 0)


def test_the_checkpoint_page_records_the_crossing(
    row, presented, presented_world, checkpoint_officer
):
    """The page's one action, posted with the text as the verdict's form carries it."""
    officer = Desk(Client(), checkpoint_officer)
    officer.get("/checkpoint/")
    with presenting(presented):
        done = officer.post("/checkpoint/cross/", {"point": POINT, "text": presented.text})
    assert done.status_code == 302
    body = text(officer.get("/checkpoint/"))
    number = presented_world.authorization.number
    if row.online == "valid":
        assert f"Crossing recorded: {number}." in body
    else:
        assert escape(f"Crossing refused: {refusal_text(row.online)}") in body
    crossed = CheckpointScan.objects.filter(
        authorization=presented_world.authorization, outcome=ScanOutcome.CROSSED
    ).count()
    assert crossed == (1 if row.online in ("valid", "already_used") else 0)
