"""A bulk import registers persons the online matcher finds: each with its current matching
profile in its row and the blocking keys the person services would have written."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from tumen.imports.services import import_file
from tumen.people.linkage.features import PROFILE_VERSION
from tumen.people.matching import candidates, match_data, refresh_keys
from tumen.people.models import Person, PersonMatchKey

from .conftest import CASE_HEADER, person_row, write_csv

pytestmark = pytest.mark.django_db

BORN = datetime.date(1948, 3, 12)


def stored(person: Person) -> tuple[dict, list[str]]:
    person.refresh_from_db()
    keys = PersonMatchKey.objects.filter(person=person).order_by("key")
    return person.match_profile, list(keys.values_list("key", flat=True))


def kim_yong_chol(n: int = 1, **changes) -> dict[str, str]:
    """金永哲 in Chinese characters only, so a search in Hangul must cross scripts."""
    row = person_row(
        n, name_hangul="", name_hanzi="金永哲", name_latin="", sex="m", birth_date=BORN.isoformat()
    )
    row.update(changes)
    return row


def test_an_imported_person_has_the_profile_and_keys_the_services_write(tmp_path):
    others = [person_row(n) for n in range(2, 6)]
    run = import_file(
        actor=None,
        kind="persons",
        path=write_csv(tmp_path / "p.csv", [kim_yong_chol(), *others]),
    )
    assert run.rows_imported == 5

    # Stored as a JSON object on either engine, not as a JSON string of one.
    assert Person.objects.filter(match_profile__v=PROFILE_VERSION).count() == 5
    for person in Person.objects.order_by("pk"):
        profile, keys = stored(person)
        assert profile["v"] == PROFILE_VERSION
        assert keys  # a name and a birth date: keys to be found by
        assert (profile, keys) == match_data(person)
        refresh_keys(person)
        assert stored(person) == (profile, keys)


def test_the_matcher_finds_an_imported_person_by_their_name_in_another_script(tmp_path):
    import_file(
        actor=None,
        kind="persons",
        path=write_csv(tmp_path / "p.csv", [kim_yong_chol(), person_row(2)]),
    )
    person = Person.objects.get(name_hanzi="金永哲")

    with translation.override("en"):
        found = candidates(official=None, name_hangul="김영철", date_of_birth=BORN)

    assert [c.person for c in found] == [person]
    assert found[0].probability > 0.9
    assert "Surname agrees (Hangul ~ Chinese characters)" in found[0].reasons


def test_an_application_registers_its_applicant_with_their_matching_keys(tmp_path):
    row = {**kim_yong_chol(), "record_id": "APP-1", "case_type": "repatriation",
           "county": "yanji", "destination": "Sinuiju"}  # fmt: skip
    run = import_file(
        actor=None, kind="cases", path=write_csv(tmp_path / "a.csv", [row], header=CASE_HEADER)
    )
    assert run.rows_imported == 1

    person = Person.objects.get()
    assert stored(person) == match_data(person)
    assert stored(person)[0]["v"] == PROFILE_VERSION
    found = candidates(official=None, name_hangul="김영철", date_of_birth=BORN)
    assert [c.person for c in found] == [person]
