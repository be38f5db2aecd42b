"""The person page and person search: any part of a name in any script, or any number."""

from __future__ import annotations

import pytest

from .conftest import RELOCATION_DETAILS, open_case
from .viewkit import Desk, text


@pytest.fixture
def minho(register):
    return register(name_hanzi="金明浩", name_hangul="김명호", name_latin="Kim Myong Ho")


@pytest.mark.parametrize("typed", ["明浩", "명호", "myongho", "MYONG HO"])
def test_any_part_of_a_name_in_any_script_finds_the_person(client, yanji_clerk, minho, typed):
    desk = Desk(client, yanji_clerk)
    page = desk.get("/people/")
    found = text(desk.submit(page, "person-find", name=typed))
    assert f'href="/people/{minho.pk}/"' in found


def test_a_number_finds_its_person_and_the_household_finds_every_member(
    client, yanji_clerk, register, minho
):
    wife = register(household_number=minho.household_number)
    desk = Desk(client, yanji_clerk)
    page = desk.get("/people/")

    by_id = text(desk.submit(page, "person-find", name=minho.personal_id_number))
    assert f'href="/people/{minho.pk}/"' in by_id
    assert f'href="/people/{wife.pk}/"' not in by_id
    household = text(desk.submit(page, "person-find", name=minho.household_number))
    assert f'href="/people/{minho.pk}/"' in household
    assert f'href="/people/{wife.pk}/"' in household


def test_another_province_finds_no_one_and_gets_the_404_on_the_page(client, officer, minho):
    liaoning = officer("liaoning-security", "clearing_officer")
    desk = Desk(client, liaoning)
    page = desk.get("/people/")
    found = text(desk.submit(page, "person-find", name="明浩"))
    assert 'data-testid="persons-none"' in found
    assert desk.get(f"/people/{minho.pk}/").status_code == 404


def test_the_person_page_lists_cases_relations_and_numbers_and_case_pages_link_to_it(
    client, yanji_clerk, minho, relate
):
    relate(minho, "social_relation_korea", "Kim Chol")
    case = open_case(yanji_clerk, "relocation", [minho], RELOCATION_DETAILS)
    desk = Desk(client, yanji_clerk)

    page = text(desk.get(f"/people/{minho.pk}/"))
    assert case.number in page
    assert "Kim Chol" in page
    assert minho.personal_id_number in page
    assert minho.household_number in page
    case_page = text(desk.get(f"/cases/{case.number}/"))
    assert f'href="/people/{minho.pk}/" data-testid="person-link"' in case_page
