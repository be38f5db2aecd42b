"""The REST API end to end: a clerk, clearing officers and an approver take a case from intake
to decision over HTTP, with ETags, idempotency keys and problem details on the way."""

from __future__ import annotations

import base64

import pytest

from tumen.cases.models import Case, Decision
from tumen.cases.tests.conftest import RELOCATION_DETAILS, db_state
from tumen.tokens.tests.apiclient import Api

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def person_body(n: int, county: str = "yanji") -> dict:
    return {
        "name_hanzi": f"李{n}",
        "name_hangul": f"리{n}",
        "name_latin": f"Ri Api{n}",
        "sex": "male",
        "date_of_birth": f"1930-05-0{n % 9 + 1}",
        "nationality": "prc",
        "ethnicity": "korean",
        "residence_code": county,
        "household_number": f"API-{county}-{n}",
    }


def open_by_api(api: Api, household) -> dict:
    principal, *dependants = household
    response = api.post(
        "cases",
        {
            "case_type": "relocation",
            "principal_id": principal.pk,
            "dependants": [{"person_id": p.pk, "relationship": "child"} for p in dependants],
            "details": RELOCATION_DETAILS,
        },
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_a_case_goes_from_intake_to_decision_over_the_api(
    yanji_clerk, yanji_approver, officer, household
):
    clerk = Api(yanji_clerk)
    case = open_by_api(clerk, household)
    number = case["number"]
    assert case["status"] == "draft"
    assert [m["person_id"] for m in case["members"]] == [p.pk for p in household]

    read = clerk.get(f"cases/{number}")
    assert read.status_code == 200
    assert read["ETag"] == f'"{case["version"]}"'

    submitted = clerk.post(f"cases/{number}/submit", If_Match=read["ETag"])
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "in_clearance"

    for item in submitted.json()["clearances"]:
        unit_officer = Api(officer(item["unit"]))
        granted = unit_officer.post(
            f"clearances/{item['id']}/grant",
            {"note": "nothing found"},
            If_Match=f'"{item["version"]}"',
        )
        assert granted.status_code == 200, granted.content
        assert granted.json()["status"] == "cleared"

    approver = Api(yanji_approver)
    now = approver.get(f"cases/{number}")
    assert now.json()["status"] == "awaiting_decision"
    decided = approver.post(f"cases/{number}/decide", {"note": ""}, If_Match=now["ETag"])
    assert decided.status_code == 200, decided.content
    # Approval issues the travel documents in the same step.
    assert decided.json()["status"] == "authorized"
    assert decided.json()["decisions"][0]["outcome"] == "approved"

    timeline = clerk.get(f"cases/{number}/timeline").json()
    assert [e["to_status"] for e in timeline if e["kind"] == "transition"] == [
        "draft",
        "submitted",
        "in_clearance",
        "awaiting_decision",
        "approved",
        "authorized",
    ]


def test_a_change_without_if_match_is_428_and_a_stale_one_412(yanji_clerk, household):
    clerk = Api(yanji_clerk)
    number = open_by_api(clerk, household)["number"]
    before = db_state()

    missing = clerk.post(f"cases/{number}/submit")
    assert missing.status_code == 428
    assert missing["Content-Type"] == PROBLEM
    assert missing.json()["code"] == "if_match_required"

    stale = clerk.post(f"cases/{number}/submit", If_Match='"99"')
    assert stale.status_code == 412
    assert stale.json()["code"] == "stale_version"
    assert stale["ETag"] == '"1"'
    assert db_state() == before


def test_a_retried_create_with_the_same_key_makes_one_case(yanji_clerk, household):
    clerk = Api(yanji_clerk)
    body = {"case_type": "relocation", "principal_id": household[0].pk, "details": {}}
    first = clerk.post("cases", body, Idempotency_Key="create-1")
    again = clerk.post("cases", body, Idempotency_Key="create-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Case.objects.filter(members__person=household[0]).count() == 1

    other = clerk.post("cases", {**body, "case_type": "repatriation"}, Idempotency_Key="create-1")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"


def test_a_retried_decision_with_the_same_key_decides_once(
    yanji_clerk, yanji_approver, officer, household
):
    from tumen.cases.tests.conftest import grant_all, open_case, submit

    case = submit(yanji_clerk, open_case(yanji_clerk, "relocation", household, RELOCATION_DETAILS))
    grant_all(case, officer)
    approver = Api(yanji_approver)
    etag = approver.get(f"cases/{case.number}")["ETag"]
    first = approver.post(f"cases/{case.number}/decide", {}, If_Match=etag, Idempotency_Key="d-1")
    again = approver.post(f"cases/{case.number}/decide", {}, If_Match=etag, Idempotency_Key="d-1")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert Decision.objects.filter(case=case).count() == 1


def test_bad_input_names_the_field_as_sent_in_the_callers_language(yanji_clerk):
    clerk = Api(yanji_clerk, language="zh-hans")
    bad = clerk.post("persons", {**person_body(1), "sex": "robot", "date_of_birth": "1930-13-01"})
    assert bad.status_code == 422
    assert bad["Content-Type"] == PROBLEM
    fields = {e["field"] for e in bad.json()["errors"]}
    assert fields == {"/sex", "/date_of_birth"}

    unknown = clerk.post("persons", {**person_body(2), "residence_code": "atlantis"})
    assert unknown.status_code == 404

    refused = clerk.post("cases", {"case_type": "teleportation", "principal_id": 1, "details": {}})
    assert refused.status_code == 422
    problem = refused.json()
    assert problem["errors"][0]["field"] == "/case_type"
    # The service's message, in the Accept-Language (Chinese), not English.
    assert "teleportation" in problem["detail"]
    assert "no active policy pack" not in problem["detail"]
    # The registry's code and the parameters as codes, for a client that words it itself; the
    # case types open are named by their titles in the words, by their codes in the params.
    error = problem["errors"][0]
    assert error["code"] == "case_type_unknown"
    assert error["params"]["type"] == "teleportation"
    assert "relocation" in error["params"]["offered"]
    assert "relocation" not in error["message"]
    assert "移居" in error["message"]


def test_a_person_is_registered_found_in_any_script_and_corrected(yanji_clerk):
    clerk = Api(yanji_clerk)
    created = clerk.post("persons", person_body(7))
    assert created.status_code == 201, created.content
    person = created.json()
    for name in ("李7", "리7", "ri api7", "RiApi7"):
        found = clerk.post("persons/search", {"name": name}).json()["items"]
        assert [p["id"] for p in found] == [person["id"]], name

    corrected = clerk.patch(
        f"persons/{person['id']}", {"name_latin": "Ri Chol"}, If_Match=created["ETag"]
    )
    assert corrected.status_code == 200, corrected.content
    assert corrected.json()["name_latin"] == "Ri Chol"
    assert corrected["ETag"] == '"2"'
    stale = clerk.patch(f"persons/{person['id']}", {"name_latin": "X"}, If_Match=created["ETag"])
    assert stale.status_code == 412
    events = clerk.get(f"persons/{person['id']}/timeline").json()
    assert [e["action"] for e in events] == ["person.registered", "person.updated"]
    assert events[1]["payload"]["fields"] == ["name_latin"]
    assert "Ri Chol" not in str(events)


def test_the_case_list_pages_with_a_cursor_and_filters(yanji_clerk, household, register):
    clerk = Api(yanji_clerk)
    numbers = [open_by_api(clerk, [register()])["number"] for _ in range(3)]
    first = clerk.get("cases", {"limit": 2, "status": "draft"}).json()
    assert [c["number"] for c in first["items"]] == numbers[:2]
    second = clerk.get("cases", {"limit": 2, "status": "draft", "cursor": first["next_cursor"]})
    assert [c["number"] for c in second.json()["items"]] == numbers[2:]
    assert second.json()["next_cursor"] is None
    assert clerk.get("cases", {"status": "approved"}).json()["items"] == []
    bad = clerk.get("cases", {"cursor": "not-a-cursor"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "cursor"


def test_a_foreign_request_is_registered_and_split_into_cases(make_official, register):
    clerk_officer = make_official("t.jilin.foreign", "jilin-foreign", "clerk")
    officer = Api(clerk_officer)
    persons = [register(), register()]
    response = officer.post(
        "foreign-requests",
        {
            "reference": "NOTE-API-1",
            "received_on": "1963-06-01",
            "authority": "DPRK MFA",
            "persons": [
                {
                    "person_id": persons[0].pk,
                    "household": "A",
                    "is_principal": True,
                    "officer_name": "Ri Chol",
                },
                {"person_id": persons[1].pk, "household": "A"},
            ],
        },
    )
    assert response.status_code == 201, response.content
    split = officer.post(
        f"foreign-requests/{response.json()['id']}/split", If_Match=response["ETag"]
    )
    assert split.status_code == 200, split.content
    assert len(split.json()["cases"]) == 1


def test_unauthenticated_calls_get_401_problem_details(yanji_clerk):
    anonymous = Api()
    response = anonymous.get("cases")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"].startswith("Bearer")
    wrong = anonymous.get("cases", HTTP_AUTHORIZATION="Bearer tmn_nope")
    assert wrong.status_code == 401


@pytest.mark.parametrize(
    "cursor",
    [
        base64.urlsafe_b64encode(b"c99999999999999999999").decode(),
        base64.urlsafe_b64encode("c²".encode()).decode(),
        "%%%",
    ],
)
def test_a_hostile_cursor_is_a_422_not_a_500(yanji_clerk, cursor):
    answer = Api(yanji_clerk).get("cases", {"cursor": cursor})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "cursor"


def test_a_decision_keyed_by_something_other_than_a_member_id_is_a_422(yanji_approver):
    answer = Api(yanji_approver).post(
        "cases/YANJI-1963-000001/decide",
        {"member_outcomes": {"²": {"outcome": "approved"}}},
        If_Match='"1"',
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "/member_outcomes/²"
