"""The probe's reproductions: hand-made values that used to end in a server error.

Each posts what a browser never would (a superscript digit, thirty nines, a NUL, 5,000 digits)
and expects the page's ordinary answer: a form message, the same page again, or the shared 404.
"""

from __future__ import annotations

import pytest

from .conftest import RELOCATION_DETAILS, db_state, open_case
from .viewkit import Desk

HOSTILE_IDS = ["²", "9" * 5000, "9" * 30, "-1", "1\x00", " ", "１２"]


@pytest.mark.parametrize("value", HOSTILE_IDS)
def test_a_hostile_person_choice_at_intake_is_a_form_message(client, yanji_clerk, value):
    desk = Desk(client, yanji_clerk)
    desk.post("/cases/new/", {"case_type": "relocation"})
    response = desk.post("/cases/new/principal/", {"step": "pick", "person": value, "name": "Kim"})
    assert response.status_code == 200
    assert 'data-testid="error-summary"' in response.content.decode()


@pytest.mark.parametrize("value", HOSTILE_IDS)
def test_a_hostile_person_choice_on_a_foreign_request_is_a_form_message(client, officer, value):
    desk = Desk(client, officer("yanji-foreign"))
    response = desk.post(
        "/foreign-requests/new/person/", {"step": "pick", "person": value, "name": "Kim"}
    )
    assert response.status_code == 200
    assert 'data-testid="error-summary"' in response.content.decode()


@pytest.mark.parametrize("suffix", ["²", "9" * 5000, "9" * 30, ""])
def test_a_hostile_remove_action_on_a_foreign_request_changes_nothing(client, officer, suffix):
    desk = Desk(client, officer("yanji-foreign"))
    response = desk.post("/foreign-requests/new/", {"action": f"remove-{suffix}"})
    assert response.status_code == 200


def test_removing_a_member_by_an_id_too_big_for_the_database_is_a_message(
    client, yanji_clerk, household
):
    case = open_case(yanji_clerk, "relocation", household, RELOCATION_DETAILS)
    desk = Desk(client, yanji_clerk)
    before = db_state()
    response = desk.post(
        f"/cases/{case.number}/members/",
        {"step": "remove", "version": case.version, "person_id": "9" * 30},
    )
    assert response.status_code == 200
    assert "This value is not valid. Reload the page." in response.content.decode()
    assert db_state() == before


@pytest.mark.parametrize("path", ["/cases/%00/", "/cases/%00/members/", "/cases/" + "9" * 80 + "/"])
def test_a_case_address_with_a_nul_or_too_long_is_the_shared_404(client, yanji_clerk, path):
    assert Desk(client, yanji_clerk).get(path).status_code == 404


@pytest.mark.parametrize(
    "path", ["/foreign-requests/" + "9" * 30 + "/", "/people/" + "9" * 25 + "/edit/"]
)
def test_an_id_in_an_address_too_big_for_the_database_is_a_404(client, officer, path):
    assert Desk(client, officer("yanji-foreign", "clerk")).get(path).status_code == 404


def test_a_name_with_a_nul_in_the_duplicate_search_is_a_form_message(client, yanji_clerk):
    desk = Desk(client, yanji_clerk)
    desk.post("/cases/new/", {"case_type": "relocation"})
    for step in ("search", "pick", "register"):
        response = desk.post(
            "/cases/new/principal/",
            {"step": step, "name": "Kim\x00Chol", "name_latin": "Kim\x00", "person": "x"},
        )
        assert response.status_code == 200, step


def test_a_returning_page_that_is_not_a_path_goes_nowhere_strange(client, yanji_clerk, register):
    person = register()
    desk = Desk(client, yanji_clerk)
    response = desk.get(f"/people/{person.pk}/edit/", {"next": "-1"})
    assert response.status_code == 200
    assert 'value="-1"' not in response.content.decode()
