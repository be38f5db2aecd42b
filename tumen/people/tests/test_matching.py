"""Online matching across scripts: blocking keys kept current by the services, candidates scored
with the trained model and explained, and intake showing them."""

from __future__ import annotations

import datetime
import re

import pytest

from tumen.people.matching import candidates, probe_features
from tumen.people.models import Person, PersonMatchKey
from tumen.people.services import person_register, person_update

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


def test_registering_a_person_stores_their_blocking_keys(yanji_clerk):
    person = register(yanji_clerk)
    keys = set(PersonMatchKey.objects.filter(person=person).values_list("key", flat=True))
    # A name in its birth month (and its lunar month, 1948-02), on its day of the year 1948, on
    # its day and month of any year; the surname on its birth date.
    assert {"y1948-03:김|k:yongjol", "y1948-02:김|k:yongjol"} <= keys
    assert {"d1948-12:김|k:yongjol", "m0312:김|k:yongjol", "s1948-03-12:김"} <= keys
    assert not any(k.startswith("y1948-12") for k in keys)  # the swap is the search's key
    person.refresh_from_db()
    assert person.match_profile["s"] == ["김"]
    assert person.match_profile["b"] == "1948-03-12"


def test_a_correction_rewrites_the_keys(yanji_clerk):
    person = register(yanji_clerk)
    person_update(
        official=yanji_clerk, person_id=person.pk, version=person.version, name_hanzi="朴永哲"
    )
    keys = set(PersonMatchKey.objects.filter(person=person).values_list("key", flat=True))
    assert "y1948-03:박|k:yongjol" in keys
    assert "y1948-03:김|k:yongjol" not in keys


def test_hangul_finds_the_person_registered_in_chinese_characters(yanji_clerk):
    person = register(yanji_clerk)
    found = candidates(official=yanji_clerk, name_hangul="김영철", date_of_birth=BORN)
    assert [c.person for c in found] == [person]
    assert found[0].probability > 0.9
    assert "Surname agrees (Hangul ~ Chinese characters)" in found[0].reasons
    assert "Same date of birth" in found[0].reasons


def test_a_profile_of_an_older_version_is_recomputed_from_the_record(yanji_clerk):
    from tumen.people.models import Person

    person = register(yanji_clerk)
    Person.objects.filter(pk=person.pk).update(match_profile={"v": 0})
    found = candidates(official=yanji_clerk, name_hangul="김영철", date_of_birth=BORN)
    assert [c.person for c in found] == [person]
    assert found[0].probability > 0.9
    assert "Same date of birth" in found[0].reasons


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"name_latin": "Kim Yong Chol", "date_of_birth": datetime.date(1948, 12, 3)}, "swapped"),
        (
            {"name_latin": "KIM YOUNG CHUL", "date_of_birth": datetime.date(1948, 3, 13)},
            "one digit",
        ),
        # 1948-03-12 is the 2nd day of the 2nd lunar month.
        ({"name_hangul": "김영철", "date_of_birth": datetime.date(1948, 2, 2)}, "lunar and solar"),
        # A wrong digit of the month, of the year; a year out.
        ({"name_hangul": "김영철", "date_of_birth": datetime.date(1948, 8, 12)}, "one digit"),
        ({"name_hangul": "김영철", "date_of_birth": datetime.date(1958, 3, 12)}, "one digit"),
        ({"name_hangul": "김영철", "date_of_birth": datetime.date(1949, 3, 12)}, "a year apart"),
    ],
)
def test_birth_date_errors_are_tolerated_and_named(yanji_clerk, fields, reason):
    person = register(yanji_clerk)
    found = candidates(official=yanji_clerk, **fields)
    assert [c.person for c in found] == [person]
    assert any(reason in line for line in found[0].reasons)


def test_a_lunar_date_registered_is_found_by_the_solar_date(yanji_clerk):
    # Registered with the lunar date (2nd day of the 2nd month, 1948); searched with the solar.
    person = register(yanji_clerk, date_of_birth=datetime.date(1948, 2, 2))
    found = candidates(official=yanji_clerk, name_hangul="김영철", date_of_birth=BORN)
    assert [c.person for c in found] == [person]
    assert any("lunar and solar" in line for line in found[0].reasons)


def test_a_namesake_born_another_month_is_not_compared(yanji_clerk):
    # Same name, same year, another month and day: no key in common, so not even scored.
    register(yanji_clerk, date_of_birth=datetime.date(1948, 7, 25))
    probe = {"name_hangul": "김영철", "date_of_birth": BORN, "threshold": 0.0}
    assert candidates(official=yanji_clerk, **probe) == []
    register(yanji_clerk, date_of_birth=datetime.date(1948, 3, 25))  # the same month: compared
    assert len(candidates(official=yanji_clerk, **probe)) == 1


def test_a_different_person_of_the_same_surname_is_not_a_candidate(yanji_clerk):
    register(yanji_clerk)
    assert candidates(official=yanji_clerk, name_hangul="김순희", date_of_birth=BORN) == []


def test_a_person_beyond_the_officials_jurisdiction_is_not_offered(yanji_clerk, make_official):
    register(
        make_official("t.kuandian", "liaoning-security", "clearing_officer"),
        residence_code="kuandian",
    )
    assert candidates(official=yanji_clerk, name_hangul="김영철", date_of_birth=BORN) == []


def test_intake_shows_a_candidate_for_kim_yong_chol_when_jin_yongzhe_is_registered(
    client, yanji_clerk
):
    """GIVEN 金永哲 born 1948-03-12 is registered
    WHEN a clerk searches the register at intake for 김영철 with the same birth date
    THEN the page offers that record, with the reasons it matched."""
    person = register(yanji_clerk)
    client.force_login(yanji_clerk)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.post("/cases/new/", {"case_type": "relocation"})
    response = client.post(
        "/cases/new/principal/",
        {"step": "search", "name": "김영철", "date_of_birth": "1948-03-12"},
    )
    page = response.content.decode()
    assert f'value="{person.pk}"' in page
    assert "金永哲" in page
    assert 'data-testid="match-reasons"' in page
    assert "Surname agrees (Hangul ~ Chinese characters)" in page
    assert "likely the same person" in page  # the same birth date and name across scripts
    response = client.post(
        "/cases/new/principal/",
        {"step": "search", "name": "김영철", "date_of_birth": "1948-03-19"},
    )
    page = response.content.decode()
    assert f'value="{person.pk}"' in page  # one wrong digit: shown, but only possible
    assert "likely the same person" not in page
    assert "possible match" in page


def test_person_search_finds_the_name_written_in_another_script(client, yanji_clerk):
    """GIVEN 金永哲 is registered
    WHEN a clerk searches the register for 김영철 (or Kim Yong Chol)
    THEN the search lists that record, with the reasons it matched."""
    person = register(yanji_clerk)
    client.force_login(yanji_clerk)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    for typed in ("김영철", "Kim Yong Chol"):
        page = client.post("/people/", {"name": typed}).content.decode()
        assert f'href="/people/{person.pk}/"' in page, typed
        assert "Given name agrees" in page
    page = client.post("/people/", {"name": "김순희"}).content.decode()
    assert f'href="/people/{person.pk}/"' not in page


def test_a_person_registered_without_a_birth_date_is_found_by_a_search_with_one(yanji_clerk):
    person = register(yanji_clerk, name_hanzi="崔泰玉", name_hangul="최태옥", date_of_birth=None)
    keys = set(PersonMatchKey.objects.filter(person=person).values_list("key", flat=True))
    assert "u:최|k:daog" in keys
    dated = register(yanji_clerk, name_hanzi="崔泰玉", date_of_birth=datetime.date(1950, 1, 2))
    assert not PersonMatchKey.objects.filter(person=dated, key__startswith="u:").exists()
    found = candidates(
        official=yanji_clerk,
        name_hangul="최태옥",
        name_hanzi="崔泰玉",
        date_of_birth=BORN,
        sex="male",
    )
    assert person in [c.person for c in found]


def test_the_reasons_say_whether_the_characters_or_only_their_reading_agree(yanji_clerk):
    register(yanji_clerk)  # 金永哲
    same = candidates(official=yanji_clerk, name_hanzi="金永哲", date_of_birth=BORN)
    assert "Given name agrees (Chinese characters ~ Chinese characters)" in same[0].reasons
    # 英 and 永 are both read 영: the same reading, other characters, and a lower probability.
    homophone = candidates(official=yanji_clerk, name_hanzi="金英哲", date_of_birth=BORN)
    assert "Given name reads alike but in other characters" in homophone[0].reasons
    assert homophone[0].probability < same[0].probability


def test_the_migration_to_monthly_keys_rewrites_every_persons_keys(yanji_clerk):
    import importlib

    from django.apps import apps
    from django.db import connection

    rekey = importlib.import_module("tumen.people.migrations.0007_match_keys_by_month").rekey
    person = register(yanji_clerk)
    written = set(PersonMatchKey.objects.filter(person=person).values_list("key", flat=True))
    # As the keys of a year stood before the migration.
    PersonMatchKey.objects.filter(person=person).delete()
    PersonMatchKey.objects.create(person=person, key="n1948:김|k:yongjol")
    # ... and a second person as a bulk writer stored them before they wrote profiles.
    other = register(yanji_clerk, name_hanzi="朴永哲")
    other_keys = set(PersonMatchKey.objects.filter(person=other).values_list("key", flat=True))
    other_profile = Person.objects.get(pk=other.pk).match_profile
    Person.objects.filter(pk=other.pk).update(match_profile={})
    # Not entered: on SQLite entering refuses inside the test's transaction, which rolls the
    # index's DROP and CREATE back after the test on both engines.
    editor = connection.schema_editor()
    editor.deferred_sql = []  # what entering would set
    rekey(apps, editor)
    keys = set(PersonMatchKey.objects.filter(person=person).values_list("key", flat=True))
    assert keys == written
    assert set(PersonMatchKey.objects.filter(person=other).values_list("key", flat=True)) == (
        other_keys
    )
    assert Person.objects.get(pk=other.pk).match_profile == other_profile
    found = candidates(official=yanji_clerk, name_hangul="김영철", date_of_birth=BORN)
    assert found[0].person == person


@pytest.mark.parametrize(("sex", "held"), [("male", "M"), ("female", "F"), ("unknown", "")])
def test_sex_not_recorded_is_no_evidence_either_way(yanji_clerk, sex, held):
    """Intake's form and the API send a Person.Sex value; "unknown" weighs as a blank sex."""
    assert probe_features(sex=sex).sex == held
    register(yanji_clerk)
    probe = {"name_hangul": "김영철", "date_of_birth": BORN}
    blank = candidates(official=yanji_clerk, **probe)[0].probability
    assert (candidates(official=yanji_clerk, sex=sex, **probe)[0].probability == blank) is (
        held == ""
    )


# Intake's register step: the official has typed the sex, nationality and identity number, and
# the duplicate warning weighs them.
INTAKE_BORN = datetime.date(1950, 3, 15)
# Two well-formed resident identity numbers of persons born on INTAKE_BORN.
ID_JIN, ID_KIM = "222401195003150113", "222401195003150236"


def register_step(client, **fields) -> list[tuple[int, int | None, str]]:
    """The persons intake's register step lists before registering anyone, in order: each as
    (record id, the matcher's percent or None for an equal name, the card's text)."""
    client.post("/cases/new/", {"case_type": "relocation"})
    values = {
        "step": "register",
        "sex": "male",
        "date_of_birth": INTAKE_BORN.isoformat(),
        "nationality": "prc",
        "residence_code": "yanji",
        "household_number": "YJ-1950-0315",
    } | fields
    page = client.post("/cases/new/principal/", values).content.decode()
    listed = []
    for card in page.split('data-testid="possible-duplicate"')[1:]:
        card = card.split("</li>")[0]
        percent = re.search(r"(?:possible match|likely the same person) \((\d+)%\)", card)
        pk = int(re.search(r"Record P(\d+)", card).group(1))
        listed.append((pk, int(percent.group(1)) if percent else None, card))
    return listed


@pytest.fixture
def intake(client, yanji_clerk):
    client.force_login(yanji_clerk)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.mark.parametrize(("sex", "nationality"), [("female", "prc"), ("male", "dprk")])
def test_intake_weighs_a_different_sex_or_nationality_against_a_match(
    intake, yanji_clerk, sex, nationality
):
    """GIVEN 김영철 (written 金永哲), born 1950-03-15, male, a Chinese national, is registered
    WHEN a clerk registers 김영철 born the same day, but female, or a Korean national
    THEN the warning rates him less probable than for a male Chinese national, or leaves him out."""
    person = register(yanji_clerk, date_of_birth=INTAKE_BORN)
    alike = register_step(intake, name_hangul="김영철")
    assert [pk for pk, _percent, _card in alike] == [person.pk]
    same_percent = alike[0][1]
    assert same_percent >= 95

    differs = register_step(intake, name_hangul="김영철", sex=sex, nationality=nationality)
    percent = {pk: p for pk, p, _card in differs}.get(person.pk)
    assert percent is None or percent < same_percent - 20


def test_intake_lists_the_person_with_the_same_identity_number_first(intake, yanji_clerk):
    """GIVEN 金永哲 and Kim Yong Chol, both born 1950-03-15, each with their own identity number
    WHEN a clerk registers 김영철 born the same day with Kim Yong Chol's identity number
    THEN the warning lists Kim Yong Chol first, because of the same identity number; without
    the number the two are equally probable and listed in registration order."""
    jin = register(yanji_clerk, date_of_birth=INTAKE_BORN, personal_id_number=ID_JIN)
    kim = register(
        yanji_clerk,
        name_hanzi="",
        name_latin="Kim Yong Chol",
        date_of_birth=INTAKE_BORN,
        personal_id_number=ID_KIM,
    )
    without = register_step(intake, name_hangul="김영철")
    assert [pk for pk, _p, _card in without] == [jin.pk, kim.pk]
    assert "Same identity number" not in without[0][2] + without[1][2]

    numbered = register_step(intake, name_hangul="김영철", personal_id_number=ID_KIM)
    assert numbered[0][0] == kim.pk
    assert "Same identity number" in numbered[0][2]
    assert numbered[0][1] > {pk: p for pk, p, _card in numbered}.get(jin.pk, 0)
