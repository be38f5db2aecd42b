"""The travel-authorization endpoints in the API's access matrix: every role × own / other
jurisdiction × endpoint × method, with the cast of tumen/cases/tests/test_api_access_matrix.py.

The world: a Yanji (Jilin) household approved, so holding one travel authorization. Every change
is sent with a stale If-Match, so that a call which passes the access and role checks stops at
412 and the records stay as they were. Asserted for every cell: the status; and for "other", that
the answer is byte for byte the answer about a document or case that does not exist.

The checkpoint endpoints name no record: the presented document is the key, so a checkpoint
officer of any province may check it, at a crossing point their unit staffs. Their body names
Dandong–Sinuiju, which the Liaoning ("other") officer's unit staffs and the Yanji one's does not.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tumen.authorizations.models import Authorization
from tumen.cases.tests.test_api_access_matrix import EVERYONE, ROLES, STALE, UNITS
from tumen.tokens.tests.apiclient import Api

pytestmark = pytest.mark.django_db

PRINTERS = frozenset({"clerk", "approver"})
APPROVER = frozenset({"approver"})
PRESENTED = {"point": "dandong-sinuiju", "text": "TMN1:abc"}


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str  # with {case}, {document}
    body: dict | None = None
    allowed: frozenset = EVERYONE
    ok: int = 200
    refused: int = 403
    # The checkpoint: no record in the address; the status by (role, side) instead.
    checkpoint: bool = False


ENDPOINTS = [
    Endpoint("authorization list", "get", "cases/{case}/authorizations"),
    Endpoint("authorization read", "get", "authorizations/{document}"),
    Endpoint("authorization payload", "get", "authorizations/{document}/payload", None, PRINTERS),
    Endpoint("authorization pdf", "get", "authorizations/{document}/pdf", None, PRINTERS),
    Endpoint("household pdf", "get", "cases/{case}/authorizations/pdf", None, PRINTERS),
    Endpoint("authorization issue", "post", "cases/{case}/issue", {}, APPROVER, 412),
    Endpoint(
        "authorization reissue",
        "post",
        "authorizations/{document}/reissue",
        {"reason": "Reported lost"},
        APPROVER,
        412,
    ),
    Endpoint(
        "authorization revoke",
        "post",
        "authorizations/{document}/revoke",
        {"reason": "Issued in error"},
        APPROVER,
        412,
    ),
    Endpoint("checkpoint verify", "post", "checkpoint/verify", PRESENTED, checkpoint=True),
    Endpoint("crossing record", "post", "checkpoint/crossings", PRESENTED, checkpoint=True),
]

# The checkpoint officers: the Liaoning one staffs the point named and gets the verdict (a
# refusal: the text is malformed); the Yanji one's unit does not staff it. Every other role: 403.
CHECKPOINT = {("checkpoint_officer", "own"): 422, ("checkpoint_officer", "other"): 200}


@pytest.fixture
def world(approve, kim):
    case = approve([kim])
    document = Authorization.objects.get(case=case)
    return {
        "real": {"case": case.number, "document": document.number},
        "missing": {"case": "NOWHERE-1963-999999", "document": "TA-NOWHERE-1963-999999-01"},
        "document": document,
    }


def call(api: Api, endpoint: Endpoint, ids: dict):
    path = endpoint.path.format(**ids)
    if endpoint.method == "get":
        return api.get(path)
    return api.call(endpoint.method, path, endpoint.body, If_Match=STALE)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.name for e in ENDPOINTS])
@pytest.mark.parametrize("side", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(world, make_official, role, side, endpoint):
    unit = UNITS[role][0 if side == "own" else 1]
    api = Api(make_official(f"m.{role}.{side}", unit, role))
    answer = call(api, endpoint, world["real"])

    if endpoint.checkpoint:
        assert answer.status_code == CHECKPOINT.get((role, side), 403), answer.content
        if answer.status_code == 200:
            assert (answer.json()["valid"], answer.json()["reason"]) == (False, "malformed")
        return

    if side == "other":
        missing = call(api, endpoint, world["missing"])
        assert answer.status_code == 404
        assert answer.content == missing.content
        assert answer["Content-Type"] == missing["Content-Type"] == "application/problem+json"
        return

    expected = endpoint.ok if role in endpoint.allowed else endpoint.refused
    assert answer.status_code == expected, answer.content
    if expected == 200 and endpoint.name.endswith("pdf"):
        assert answer["Content-Type"] == "application/pdf"
        assert answer.content.startswith(b"%PDF")
    # Nothing the matrix sent changed the document.
    document = Authorization.objects.get(pk=world["document"].pk)
    assert (document.status, document.version) == ("valid", 1)
