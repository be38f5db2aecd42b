"""The pages: a case's documents and print, the checkpoint (photo or text), reconciliation."""

from __future__ import annotations

import io

import segno
from django.test import Client

from tumen.authorizations.models import Authorization
from tumen.cases.tests.viewkit import Desk, form, text


def desk(official) -> Desk:
    return Desk(Client(), official)


def photo(payload: str) -> io.BytesIO:
    out = io.BytesIO()
    segno.make_qr(payload, error="m").save(out, kind="png", scale=4)
    out.seek(0)
    out.name = "photo.png"
    return out


def test_the_checkpoint_officer_lands_on_the_checkpoint(checkpoint_officer):
    response = desk(checkpoint_officer).get("/")
    assert response.status_code == 302
    assert response.url == "/checkpoint/"


def test_the_case_page_links_to_its_documents_and_prints_them(approve, household, yanji_approver):
    case = approve(household)
    approver = desk(yanji_approver)
    assert 'data-testid="action-documents"' in text(approver.get(f"/cases/{case.number}/"))
    page = approver.get(f"/cases/{case.number}/documents/")
    assert text(page).count('data-testid="document-status"') == 3
    printed = approver.submit(page, "print-form", paper="a6")
    assert printed["Content-Type"] == "application/pdf"
    assert printed.content.startswith(b"%PDF")
    assert set(Authorization.objects.values_list("printed_count", flat=True)) == {1}


def test_a_photo_is_checked_then_the_crossing_recorded_and_the_case_closed(
    approve, kim, checkpoint_officer
):
    case = approve([kim])
    payload = Authorization.objects.get(case=case).payload
    officer = desk(checkpoint_officer)
    page = officer.get("/checkpoint/")
    checked = officer.post(
        "/checkpoint/",
        {**form(page, "scan-form").data(point="tumen-namyang"), "image": photo(payload)},
    )
    body = text(checked)
    assert 'data-testid="verdict-title">Valid' in body
    assert "김영철 · 金永哲 · KIM YONG CHOL" in body
    done = officer.submit(checked, "cross-form", url="/checkpoint/cross/")
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.status == "closed"

    again = officer.submit(officer.get("/checkpoint/"), "scan-form", text=payload)
    body = text(again)
    assert 'data-testid="verdict-title">Refused' in body
    assert "Single-use document that has already crossed." in body


def test_pasted_text_that_is_not_a_document_is_refused_with_its_reason(checkpoint_officer):
    officer = desk(checkpoint_officer)
    checked = officer.submit(officer.get("/checkpoint/"), "scan-form", text="TMN1:abc")
    assert "This is not a Tumen travel authorization, or it could not be read." in text(checked)


def test_an_empty_scan_form_names_what_is_missing(checkpoint_officer):
    officer = desk(checkpoint_officer)
    checked = officer.submit(officer.get("/checkpoint/"), "scan-form")
    assert "Upload a photo of the QR code or paste the text of the document." in text(checked)


def test_a_clerk_may_not_use_the_checkpoint(yanji_clerk):
    assert desk(yanji_clerk).get("/checkpoint/").status_code == 403


def test_reconciliation_lists_the_refused_scan_for_the_issuing_county(
    approve, kim, checkpoint_officer, yanji_approver
):
    case = approve([kim])
    payload = Authorization.objects.get(case=case).payload
    officer = desk(checkpoint_officer)
    first = officer.submit(officer.get("/checkpoint/"), "scan-form", text=payload)
    officer.submit(first, "cross-form", url="/checkpoint/cross/")
    officer.submit(officer.get("/checkpoint/"), "scan-form", text=payload)
    page = text(desk(yanji_approver).get("/reconciliation/"))
    assert 'data-testid="refused-already_used"' in page
