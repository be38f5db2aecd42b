"""/api/v1/persons (search) and /api/v1/persons/matches (identity matching): the pages' search
and intake's candidates, through the API, within the caller's jurisdiction."""

from __future__ import annotations

import datetime

import pytest

from tumen.people.selectors import find_persons
from tumen.people.services import person_register
from tumen.tokens.tests.apiclient import Api

pytestmark = pytest.mark.django_db

BORN = datetime.date(1948, 3, 12)


def register(official, **fields):
    values = {
        "name_hanzi": "金永哲",
        "sex": "male",
        "date_of_birth": BORN,
        "nationality": "prc",
        "ethnicity": "korean",
        "residence_code": "yanji",
    }
    values.update(fields)
    return person_register(official=official, **values)


def ids(items) -> list[int]:
    return [item.get("person", item)["id"] for item in items]


@pytest.fixture
def registry(yanji_clerk, make_official):
    kuandian = make_official("t.kuandian.s", "kuandian-office", "clerk")
    return {
        "jin": register(yanji_clerk),
        "ri": register(
            yanji_clerk,
            name_hanzi="李明浩",
            name_hangul="리명호",
            name_latin="Ri Myong Ho",
            date_of_birth=datetime.date(1950, 5, 5),
            household_number="220101-7731",
            passport_number="G1234567",
            passport_state="CHN",
        ),
        # Same name and birth date as Jin, but in Liaoning: no Yanji official sees him.
        "far": register(kuandian, residence_code="kuandian", household_number="210624-0001"),
    }


@pytest.mark.parametrize(
    ("typed", "who"),
    [
        ("明浩", "ri"),  # the middle of a Hanzi name, not its start
        ("명호", "ri"),
        ("myongho", "ri"),  # Latin without case or spaces
        ("MYONG HO", "ri"),
        ("220101-7731", "ri"),  # household number
        ("G1234567", "ri"),  # passport number
        ("永哲", "jin"),
    ],
)
def test_the_api_finds_any_part_of_a_name_or_a_number(yanji_clerk, registry, typed, who):
    found = Api(yanji_clerk).post("persons/search", {"name": typed})
    assert found.status_code == 200
    assert ids(found.json()["items"]) == [registry[who].pk]


def test_the_first_page_adds_the_same_name_in_other_scripts(yanji_clerk, registry):
    """GIVEN 金永哲 is registered (Hanzi only)
    WHEN the API is asked for 김영철
    THEN no name contains those letters, but other_scripts offers him, scored and explained;
    and the Liaoning namesake is not offered."""
    body = Api(yanji_clerk).post("persons/search", {"name": "김영철"}).json()
    assert body["items"] == []
    assert ids(body["other_scripts"]) == [registry["jin"].pk]
    match = body["other_scripts"][0]
    assert match["found_by"] == "matcher"
    assert 0 < match["score"] <= 1
    assert any("Given name agrees" in reason for reason in match["reasons"])


def test_the_api_and_the_pages_share_one_search(client, yanji_clerk, registry):
    api = Api(yanji_clerk).post("persons/search", {"name": "Kim Yong Chol"}).json()
    found = find_persons(yanji_clerk, "Kim Yong Chol")
    assert ids(api["items"]) == [p.pk for p in found.persons]
    assert ids(api["other_scripts"]) == [p.pk for p in found.other_scripts] == [registry["jin"].pk]
    client.force_login(yanji_clerk)
    page = client.post("/people/", {"name": "Kim Yong Chol"}).content.decode()
    assert f'href="/people/{registry["jin"].pk}/"' in page
    assert f'href="/people/{registry["far"].pk}/"' not in page


def test_search_pages_follow_the_cursor(yanji_clerk):
    people = [register(yanji_clerk, name_hanzi=f"朴{n}哲", date_of_birth=None) for n in range(5)]
    api = Api(yanji_clerk)
    first = api.post("persons/search", {"name": "哲", "limit": 3}).json()
    assert ids(first["items"]) == [p.pk for p in people[:3]]
    second = api.post(
        "persons/search", {"name": "哲", "after": first["next_cursor"], "limit": 3}
    ).json()
    assert ids(second["items"]) == [p.pk for p in people[3:]]
    assert second["next_cursor"] is None
    assert second["other_scripts"] == []


def test_identity_matches_rank_candidates_as_intake_shows_them(yanji_clerk, registry):
    """GIVEN 金永哲 (Yanji) and his namesake in Liaoning
    WHEN a Yanji clerk is about to register 金永哲, or 김영철, born the same day
    THEN the API offers the Yanji record only: by equal name, then by the matcher across scripts,
    each with the model's score and its reasons in the caller's language."""
    api = Api(yanji_clerk)
    same = api.post("persons/matches", {"name_hanzi": "金永哲", "date_of_birth": "1948-03-12"})
    assert same.status_code == 200
    assert ids(same.json()) == [registry["jin"].pk]
    assert same.json()[0]["found_by"] == "same_name"
    assert same.json()[0]["score"] > 0.9

    across = api.post("persons/matches", {"name_hangul": "김영철", "date_of_birth": "1948-03-12"})
    assert ids(across.json()) == [registry["jin"].pk]
    assert across.json()[0]["found_by"] == "matcher"
    assert "Same date of birth" in across.json()[0]["reasons"]

    korean = api.post(
        "persons/matches",
        {"name_hangul": "김영철", "date_of_birth": "1948-03-12"},
        Accept_Language="ko",
    )
    assert "Same date of birth" not in korean.json()[0]["reasons"]

    nobody = api.post("persons/matches", {"name_hangul": "김순희", "date_of_birth": "1948-03-12"})
    assert nobody.status_code == 200
    assert nobody.json() == []


def test_identity_matches_say_which_are_likely_the_same_person(yanji_clerk, registry):
    from tumen.people.linkage.model import LIKELY_THRESHOLD

    api = Api(yanji_clerk)
    same_day = api.post("persons/matches", {"name_hangul": "김영철", "date_of_birth": "1948-03-12"})
    assert same_day.json()[0]["score"] >= LIKELY_THRESHOLD
    assert same_day.json()[0]["likely"] is True
    # One wrong digit and no characters: still shown, no longer called likely.
    digit = api.post(
        "persons/matches",
        {"name_latin": "Kim Yong Chol", "date_of_birth": "1948-03-19", "sex": "male"},
    )
    assert ids(digit.json()) == [registry["jin"].pk]
    assert digit.json()[0]["score"] < LIKELY_THRESHOLD
    assert digit.json()[0]["likely"] is False


def test_identity_matches_need_a_name_and_a_caller(yanji_clerk):
    api = Api(yanji_clerk)
    refused = api.post("persons/matches", {"date_of_birth": "1948-03-12"})
    assert refused.status_code == 422
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["errors"][0]["field"] == "/name_latin"
    assert Api().post("persons/matches", {"name_hangul": "김영철"}).status_code == 401
    extra = api.post("persons/matches", {"name_hangul": "김", "household": "A"})
    assert extra.status_code == 422


def test_a_browser_session_must_send_csrf_for_matches_and_gets_the_documented_403(yanji_clerk):
    from django.test import Client

    from tumen.api import api

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(yanji_clerk)
    refused = browser.post(
        "/api/v1/persons/matches", {"name_hangul": "김영철"}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"
    documented = api.get_openapi_schema()["paths"]["/api/v1/persons/matches"]["post"]
    assert {"200", "401", "403", "422", "429"} <= {str(c) for c in documented["responses"]}


def test_a_search_never_carries_a_name_in_the_address(yanji_clerk, registry):
    """Names and numbers are personal data: the search is a POST with a body, as the pages' search
    is, and no GET on /persons takes a name (access logs record addresses)."""
    api = Api(yanji_clerk)
    assert api.get("persons", {"name": "永哲"}).status_code == 405
    found = api.post("persons/search", {"name": "永哲"})
    assert found.status_code == 200
    assert ids(found.json()["items"]) == [registry["jin"].pk]
    from tumen.api import api as ninja_api

    documented = ninja_api.get_openapi_schema()["paths"]
    assert "get" not in documented["/api/v1/persons"]
    assert documented["/api/v1/persons/search"]["post"]["x-tumen-read-only"] is True


# The evidence beyond names: sex, nationality and the resident identity number, as intake's
# register step weighs them.
MATCH_BORN = "1950-03-15"
ID_JIN, ID_KIM = "222401195003150113", "222401195003150236"


def score_of(response, person) -> float | None:
    assert response.status_code == 200, response.content
    return {item["person"]["id"]: item["score"] for item in response.json()}.get(person.pk)


def test_identity_matches_weigh_a_different_sex_or_nationality_against_a_match(yanji_clerk):
    """GIVEN 김영철, born 1950-03-15, male, a Chinese national, is registered
    WHEN the API is asked about 김영철 born the same day, female (or a Korean national)
    THEN he is listed (an equal name) but scored lower than for a male Chinese national; a sex
    not recorded counts as no evidence."""
    person = register(
        yanji_clerk, name_hanzi="", name_hangul="김영철", date_of_birth=datetime.date(1950, 3, 15)
    )
    api = Api(yanji_clerk)
    probe = {"name_hangul": "김영철", "date_of_birth": MATCH_BORN}
    male = score_of(
        api.post("persons/matches", probe | {"sex": "male", "nationality": "prc"}), person
    )
    female = score_of(
        api.post("persons/matches", probe | {"sex": "female", "nationality": "prc"}), person
    )
    korean = score_of(
        api.post("persons/matches", probe | {"sex": "male", "nationality": "dprk"}), person
    )
    assert male > 0.95
    assert female < male - 0.2
    assert korean < male - 0.2
    blank = score_of(api.post("persons/matches", probe), person)
    assert score_of(api.post("persons/matches", probe | {"sex": "unknown"}), person) == blank
    assert female < blank < male


def test_identity_matches_list_the_person_with_the_same_identity_number_first(yanji_clerk):
    jin = register(yanji_clerk, date_of_birth=datetime.date(1950, 3, 15), personal_id_number=ID_JIN)
    kim = register(
        yanji_clerk,
        name_hanzi="",
        name_latin="Kim Yong Chol",
        date_of_birth=datetime.date(1950, 3, 15),
        personal_id_number=ID_KIM,
    )
    api = Api(yanji_clerk)
    probe = {"name_hangul": "김영철", "date_of_birth": MATCH_BORN, "sex": "male"}
    assert ids(api.post("persons/matches", probe).json()) == [jin.pk, kim.pk]

    found = api.post("persons/matches", probe | {"personal_id_number": ID_KIM}).json()
    assert ids(found)[0] == kim.pk
    assert found[0]["found_by"] == "matcher"
    assert "Same identity number" in found[0]["reasons"]
    assert found[0]["score"] > found[1]["score"]


def test_identity_matches_take_only_the_persons_sex_and_nationality_choices(yanji_clerk):
    api = Api(yanji_clerk)
    probe = {"name_hangul": "김영철"}
    assert api.post("persons/matches", probe | {"sex": "m"}).status_code == 422
    assert api.post("persons/matches", probe | {"nationality": "kp"}).status_code == 422
    too_long = probe | {"personal_id_number": "2" * 19}
    assert api.post("persons/matches", too_long).status_code == 422
    blank = probe | {"sex": "", "nationality": "", "personal_id_number": ""}
    assert api.post("persons/matches", blank).status_code == 200
