"""The API's access matrix: every role × own / other jurisdiction × endpoint × method.

The world: a Yanji (Jilin) household with a case in clearance, and a foreign request registered
in Jilin. The cast: one official of each role in Jilin's Yanji subtree ("own") and one in
Liaoning ("other"). Every change is sent with a stale If-Match, so that a call which passes the
access and role checks stops at 412 and the matrix leaves the records as they were.

Asserted for every cell: the status; and for "other", that the answer is byte for byte the
answer about a record that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tumen.cases.models import Clearance
from tumen.cases.services import foreign_request_register
from tumen.cases.tests.conftest import RELOCATION_DETAILS, open_case, submit
from tumen.tokens.tests.apiclient import Api

pytestmark = pytest.mark.django_db

MISSING_ID = 2_147_483_647
STALE = '"999999"'

# Own: inside Yanji's subtree (or above it, in Jilin). Other: Liaoning.
UNITS = {
    "clerk": ("yanji-office", "kuandian-office"),
    "clearing_officer": ("yanji-security", "liaoning-security"),
    "approver": ("yanji-office", "kuandian-office"),
    "checkpoint_officer": ("yanji-border", "dandong-border"),
    "analyst": ("jilin-committee", "liaoning-committee"),
    "administrator": ("jilin-committee", "liaoning-committee"),
}
ROLES = tuple(UNITS)
EVERYONE = frozenset(ROLES)


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str  # with {case}, {clearance}, {person}, {request}
    body: dict | None = None
    # Roles that get past authorization on their own jurisdiction's record, and what they get.
    allowed: frozenset = EVERYONE
    ok: int = 200
    # Status for an own-jurisdiction official of any other role.
    refused: int = 403
    # Lists: "other" gets 200 without the record, instead of 404.
    is_list: bool = False
    # A foreign request is registered at the province: its counties' officials do not see it.
    provincial: bool = False


ENDPOINTS = [
    Endpoint("case read", "get", "cases/{case}"),
    Endpoint("case timeline", "get", "cases/{case}/timeline"),
    Endpoint("clearance read", "get", "clearances/{clearance}"),
    Endpoint("person read", "get", "persons/{person}"),
    Endpoint("person timeline", "get", "persons/{person}/timeline"),
    Endpoint("foreign request read", "get", "foreign-requests/{request}", provincial=True),
    Endpoint("case list", "get", "cases", is_list=True),
    Endpoint("person search", "post", "persons/search", {"name": "Kim"}, is_list=True),
    Endpoint("foreign request list", "get", "foreign-requests", is_list=True, provincial=True),
    Endpoint(
        "person search by number",
        "post",
        "persons/search",
        {"name": "{household_number}"},
        is_list=True,
    ),
    Endpoint(
        "person matches",
        "post",
        "persons/matches",
        {"name_hangul": "{hangul}", "date_of_birth": "{born}"},
        is_list=True,
    ),
    Endpoint("case submit", "post", "cases/{case}/submit", {}, frozenset({"clerk"}), 412),
    Endpoint(
        "case withdraw",
        "post",
        "cases/{case}/withdraw",
        {"reason": "asked to"},
        frozenset({"clerk", "approver"}),
        412,
    ),
    Endpoint("case decide", "post", "cases/{case}/decide", {}, frozenset({"approver"}), 412),
    Endpoint(
        "case retype",
        "post",
        "cases/{case}/retype",
        {"ground": "not_a_national"},
        frozenset({"approver"}),
        412,
    ),
    Endpoint(
        "clearance grant",
        "post",
        "clearances/{clearance}/grant",
        {"note": "ok"},
        frozenset({"clearing_officer"}),
        412,
    ),
    Endpoint(
        "clearance flag",
        "post",
        "clearances/{clearance}/flag",
        {"ground": "identity_unverified", "note": "n"},
        frozenset({"clearing_officer"}),
        412,
    ),
    Endpoint(
        "clearance resolve",
        "post",
        "clearances/{clearance}/resolve",
        {"note": "n"},
        frozenset({"clearing_officer"}),
        412,
    ),
    Endpoint(
        "person correct",
        "patch",
        "persons/{person}",
        {"name_latin": "Kim"},
        frozenset({"clerk", "clearing_officer"}),
        412,
    ),
    # No one of the cast works at a foreign affairs office, where requests are split.
    Endpoint(
        "foreign request split",
        "post",
        "foreign-requests/{request}/split",
        {},
        frozenset(),
        412,
        provincial=True,
    ),
]


@pytest.fixture
def world(yanji_clerk, officer, household, make_official):
    case = submit(yanji_clerk, open_case(yanji_clerk, "relocation", household, RELOCATION_DETAILS))
    clearance = Clearance.objects.filter(case=case, unit__code="yanji-security").first()
    clearance = clearance or Clearance.objects.filter(case=case).first()
    foreign = make_official("t.jilin.foreign.m", "jilin-foreign", "clerk")
    request = foreign_request_register(
        official=foreign,
        reference="MATRIX-1",
        received_on=__import__("datetime").date(1963, 6, 1),
        authority="DPRK MFA",
        persons=[{"person_id": household[0].pk, "household": "A", "is_principal": True}],
    )
    return {
        "real": {
            "case": case.number,
            "clearance": clearance.pk,
            "person": household[0].pk,
            "request": request.pk,
            "household_number": household[0].household_number,
            "hangul": household[0].name_hangul,
            "born": household[0].date_of_birth.isoformat(),
        },
        "missing": {
            "case": "NOWHERE-1963-999999",
            "clearance": MISSING_ID,
            "person": MISSING_ID,
            "request": MISSING_ID,
            "household_number": "NOWHERE-0",
            "hangul": "없음",
            "born": "1900-01-01",
        },
        "ids": {"case": case.pk, "person": household[0].pk, "request": request.pk},
    }


def call(api: Api, endpoint: Endpoint, ids: dict):
    path = endpoint.path.format(**ids)
    if endpoint.method == "get":
        return api.get(path)
    body = {k: v.format(**ids) if isinstance(v, str) else v for k, v in endpoint.body.items()}
    return api.call(endpoint.method, path, body, If_Match=STALE)


def listed_ids(endpoint: Endpoint, response) -> set:
    body = response.json()
    items = body["items"] if isinstance(body, dict) else body
    # Identity matches list candidates: {"person": {...}, "score": ...}.
    return {item.get("person", item)["id"] for item in items}


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.name for e in ENDPOINTS])
@pytest.mark.parametrize("side", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(world, make_official, role, side, endpoint):
    unit = UNITS[role][0 if side == "own" else 1]
    api = Api(make_official(f"m.{role}.{side}", unit, role))
    answer = call(api, endpoint, world["real"])
    sees = side == "own" and (not endpoint.provincial or unit == "jilin-committee")

    if endpoint.is_list:
        assert answer.status_code == 200
        kind = "case" if endpoint.name == "case list" else "request"
        kind = "person" if endpoint.name.startswith("person") else kind
        assert (world["ids"][kind] in listed_ids(endpoint, answer)) is sees
        return

    if not sees:
        missing = call(api, endpoint, world["missing"])
        assert answer.status_code == 404
        assert answer.content == missing.content
        assert answer["Content-Type"] == missing["Content-Type"] == "application/problem+json"
        return

    expected = endpoint.ok if role in endpoint.allowed else endpoint.refused
    assert answer.status_code == expected, answer.content
