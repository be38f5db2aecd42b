"""The travel-authorization endpoints: what they answer, and that they call the pages' services
(ETag / If-Match, Idempotency-Key, problem details, audit)."""

from __future__ import annotations

import pytest

from tumen.audit.models import AuditEvent
from tumen.authorizations import tmn1
from tumen.authorizations.models import Authorization, CheckpointScan
from tumen.authorizations.services import trusted_keys
from tumen.authorizations.tests.presented import POINT
from tumen.cases.models import Case, ExistingIssue
from tumen.cases.tests.conftest import RELOCATION_DETAILS, open_case
from tumen.lib import clock
from tumen.tokens.tests.apiclient import Api

pytestmark = pytest.mark.django_db


@pytest.fixture
def kim_case(approve, kim):
    return approve([kim])


def document_of(case) -> Authorization:
    return Authorization.objects.get(case=case, status="valid")


def test_a_case_lists_its_documents_with_what_its_page_shows(approve, household, yanji_clerk):
    case = approve(household)
    answer = Api(yanji_clerk).get(f"cases/{case.number}/authorizations")
    assert answer.status_code == 200
    documents = answer.json()
    assert [d["number"] for d in documents] == [
        f"TA-{case.number}-01",
        f"TA-{case.number}-02",
        f"TA-{case.number}-03",
    ]
    first = documents[0]
    assert first["status"] == "valid"
    assert "tumen-namyang" in first["crossing_points"]
    assert first["single_use"] is True
    assert first["holder"]["name_hangul"] == household[0].name_hangul
    # The signed text is not part of a listing: it is read through /payload, audited.
    assert "payload" not in first
    assert "identity_number" not in first


def test_reading_a_document_gives_its_etag(kim_case, yanji_clerk):
    number = document_of(kim_case).number
    answer = Api(yanji_clerk).get(f"authorizations/{number}")
    assert answer.status_code == 200
    assert answer["ETag"] == '"1"'
    assert answer.json()["holder"]["name_hanzi"] == "金永哲"
    assert answer.json()["case"] == kim_case.number


def test_revoking_needs_the_current_etag_and_a_reason(kim_case, yanji_approver):
    number = document_of(kim_case).number
    api = Api(yanji_approver)
    path = f"authorizations/{number}/revoke"
    assert api.post(path, {"reason": "Issued in error"}).status_code == 428
    stale = api.post(path, {"reason": "Issued in error"}, If_Match='"7"')
    assert stale.status_code == 412
    assert stale["Content-Type"] == "application/problem+json"
    assert stale["ETag"] == '"1"'
    assert stale.json()["detail"].startswith("This travel authorization was changed")
    empty = api.post(path, {"reason": "   "}, If_Match='"1"')
    assert (empty.status_code, empty.json()["errors"][0]["field"]) == (422, "/reason")

    done = api.post(path, {"reason": "Issued in error"}, If_Match='"1"')
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["reason"]) == ("revoked", "Issued in error")
    assert done["ETag"] == '"2"'
    assert AuditEvent.objects.filter(action="authorization.revoked").count() == 1
    again = api.post(path, {"reason": "Issued in error"}, If_Match='"2"')
    assert (again.status_code, again.json()["code"]) == (409, "conflict")


def test_reissue_answers_the_new_document_once_per_idempotency_key(kim_case, yanji_approver):
    old = document_of(kim_case)
    api = Api(yanji_approver)
    path = f"authorizations/{old.number}/reissue"
    first = api.post(path, {"reason": "Reported lost"}, If_Match='"1"', Idempotency_Key="k-1")
    assert first.status_code == 201
    new = first.json()
    assert new["number"] == f"TA-{kim_case.number}-02"
    assert new["replaces"] == old.number
    assert first["Location"] == f"/api/v1/authorizations/{new['number']}"
    retried = api.post(path, {"reason": "Reported lost"}, If_Match='"1"', Idempotency_Key="k-1")
    assert retried.status_code == 201
    assert retried.json() == new
    assert retried["Idempotent-Replayed"] == "true"
    assert Authorization.objects.filter(case=kim_case).count() == 2
    superseded = api.get(f"authorizations/{old.number}").json()
    assert (superseded["status"], superseded["replaced_by"]) == ("superseded", new["number"])


def test_issue_signs_what_the_case_lacks_against_the_cases_etag(kim_case, yanji_approver):
    api = Api(yanji_approver)
    old = document_of(kim_case)
    api.post(f"authorizations/{old.number}/revoke", {"reason": "Wrong date"}, If_Match='"1"')
    case = Case.objects.get(pk=kim_case.pk)
    path = f"cases/{case.number}/issue"
    assert api.post(path, {}, If_Match=f'"{case.version - 1}"').status_code == 412
    first = api.post(path, {}, If_Match=f'"{case.version}"', Idempotency_Key="issue-1")
    assert first.status_code == 200, first.content
    body = first.json()
    assert [d["number"] for d in body["issued"]] == [f"TA-{case.number}-02"]
    assert body["case_status"] == "authorized"
    assert first["ETag"] == f'"{body["case_version"]}"'
    replay = api.post(path, {}, If_Match=f'"{case.version}"', Idempotency_Key="issue-1")
    assert replay.json() == body
    assert Authorization.objects.filter(case=case, status="valid").count() == 1
    # Issuing again adds nothing: every approved member has a valid document.
    nothing = api.post(path, {}, If_Match=f'"{body["case_version"]}"')
    assert nothing.status_code == 200
    assert nothing.json()["issued"] == []


def test_issue_refuses_a_case_that_is_not_approved(household, yanji_clerk, yanji_approver):
    draft = open_case(yanji_clerk, "relocation", household, RELOCATION_DETAILS)
    api = Api(yanji_approver)
    answer = api.post(f"cases/{draft.number}/issue", {}, If_Match=f'"{draft.version}"')
    assert answer.status_code == 409
    assert "documents are issued only to approved cases" in answer.json()["detail"]
    (refusal,) = answer.json()["errors"]
    assert refusal["code"] == "authz_case_not_approved"
    assert refusal["params"] == {"number": draft.number, "status": "draft"}
    # The same refusal read in Korean: the status by its Korean label, no English, no code.
    api.headers["Accept-Language"] = "ko"
    korean = api.post(f"cases/{draft.number}/issue", {}, If_Match=f'"{draft.version}"')
    detail = korean.json()["detail"]
    assert korean.status_code == 409
    assert "draft" not in detail.lower()
    assert "documents" not in detail
    assert "승인된 사건에만" in detail


def test_the_signed_text_is_for_those_who_print_and_its_reading_is_audited(
    kim_case, yanji_clerk, yanji_approver, checkpoint_officer
):
    number = document_of(kim_case).number
    answer = Api(yanji_clerk).get(f"authorizations/{number}/payload")
    assert answer.status_code == 200
    payload = answer.json()["payload"]
    assert payload == document_of(kim_case).payload
    assert tmn1.verify(payload, trusted_keys(), now=clock.now()).number == number
    assert AuditEvent.objects.filter(action="authorization.payload_read").count() == 1


def test_the_pdf_is_recorded_as_a_print(approve, household, yanji_clerk):
    case = approve(household)
    api = Api(yanji_clerk)
    one = api.get(f"authorizations/TA-{case.number}-01/pdf", {"paper": "a6"})
    assert one.status_code == 200
    assert one["Content-Type"] == "application/pdf"
    assert one.content.startswith(b"%PDF")
    whole = api.get(f"cases/{case.number}/authorizations/pdf")
    assert whole.status_code == 200
    counts = dict(Authorization.objects.filter(case=case).values_list("number", "printed_count"))
    assert counts[f"TA-{case.number}-01"] == 2
    assert counts[f"TA-{case.number}-02"] == 1
    bad_paper = api.get(f"cases/{case.number}/authorizations/pdf", {"paper": "letter"})
    assert bad_paper.status_code == 422


def test_a_revoked_document_does_not_print(kim_case, yanji_approver):
    number = document_of(kim_case).number
    api = Api(yanji_approver)
    api.post(f"authorizations/{number}/revoke", {"reason": "Issued in error"}, If_Match='"1"')
    assert api.get(f"authorizations/{number}/pdf").status_code == 409
    assert api.get(f"cases/{kim_case.number}/authorizations/pdf").status_code == 409


def test_the_checkpoint_needs_a_point_the_officers_unit_staffs(kim_case, checkpoint_officer):
    payload = document_of(kim_case).payload
    answer = Api(checkpoint_officer).post(
        "checkpoint/verify", {"point": "dandong-sinuiju", "text": payload}
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "/point"
    assert not CheckpointScan.objects.exists()


def test_a_crossing_then_a_second_one_on_a_single_use_document(
    kim_case, checkpoint_officer, yanji_approver
):
    payload = document_of(kim_case).payload
    api = Api(checkpoint_officer)
    body = {"point": POINT, "text": payload}
    crossed = api.post("checkpoint/crossings", body, Idempotency_Key="cross-1")
    assert (crossed.json()["valid"], crossed.json()["recorded"]) == (True, True)
    # A retry of the same call (a lost answer) is not a second crossing.
    retried = api.post("checkpoint/crossings", body, Idempotency_Key="cross-1")
    assert retried.json() == crossed.json()
    assert CheckpointScan.objects.count() == 1
    assert Case.objects.get(pk=kim_case.pk).status == "closed"

    second = api.post("checkpoint/crossings", body, Idempotency_Key="cross-2")
    assert (second.json()["valid"], second.json()["reason"]) == (False, "already_used")
    # The attempt is recorded, and raised as an existing issue of the case (reconciliation).
    assert second.json()["recorded"] is True
    assert list(CheckpointScan.objects.values_list("outcome", "reason")) == [
        ("refused", "already_used"),
        ("crossed", "valid"),
    ]
    assert ExistingIssue.objects.filter(case=kim_case, kind="reused").count() == 1
    read = Api(yanji_approver).get(f"authorizations/{document_of(kim_case).number}").json()
    assert len(read["crossed_at"]) == 1


def test_verdicts_speak_the_callers_language(kim_case, checkpoint_officer):
    api = Api(checkpoint_officer, language="ko")
    answer = api.post("checkpoint/verify", {"point": POINT, "text": "TMN1:abc"})
    assert answer.json()["reason"] == "malformed"
    assert answer.json()["message"] != (
        "This is not a Tumen travel authorization, or it could not be read."
    )
    assert any("\uac00" <= char <= "\ud7a3" for char in answer.json()["message"])
