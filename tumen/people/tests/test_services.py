"""Registering persons and their relations: one record per human being, ids only in the audit."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404

from tumen.audit.models import AuditEvent
from tumen.people.models import Person, Relation
from tumen.people.services import person_register, relation_add

BORN = datetime.date(1931, 5, 4)


ID = "222401193105040020"


def register(official, **fields):
    values = {
        "name_hanzi": "李英子",
        "name_hangul": "리영자",
        "name_latin": "Ri Yong Ja",
        "sex": "female",
        "date_of_birth": BORN,
        "nationality": "prc",
        "ethnicity": "korean",
        "residence_code": "yanji",
        "household_number": "YJ-0001",
    }
    values.update(fields)
    return person_register(official=official, **values)


def test_a_clerk_registers_a_person_of_their_county(yanji_clerk):
    person = register(yanji_clerk)
    assert person.residence.code == "yanji"
    assert person.registered_by == yanji_clerk.unit
    event = AuditEvent.objects.get(action="person.registered")
    assert event.payload == {"person": person.pk, "residence": "yanji"}
    assert "Ri" not in str(event.payload)


def test_a_personal_number_already_registered_names_the_existing_person(yanji_clerk):
    first = register(yanji_clerk, personal_id_number=ID)
    with pytest.raises(ValidationError) as caught:
        register(yanji_clerk, name_hanzi="李英", personal_id_number=" " + ID)
    assert caught.value.message_dict["personal_id_number"] == [
        f"resident identity number: Already registered as person P{first.pk}; use that record."
    ]
    assert Person.objects.count() == 1


def test_a_household_registration_number_is_shared_by_the_households_members(yanji_clerk):
    register(yanji_clerk, household_number="YJ-0001")
    register(yanji_clerk, name_hanzi="金哲洙", household_number="YJ-0001")
    assert Person.objects.filter(household_number="YJ-0001").count() == 2


def test_a_resident_identity_number_must_carry_its_check_character(yanji_clerk):
    with pytest.raises(ValidationError) as caught:
        register(yanji_clerk, personal_id_number=ID[:17] + "1")
    assert "does not match" in caught.value.message_dict["personal_id_number"][0]
    with pytest.raises(ValidationError) as caught:
        register(yanji_clerk, personal_id_number="HH-YANJI-1")
    assert "18 characters" in caught.value.message_dict["personal_id_number"][0]


def test_a_passport_number_is_unique_within_its_issuing_state(yanji_clerk):
    register(yanji_clerk, passport_number="P-1", passport_state="PRK", nationality="dprk")
    register(yanji_clerk, passport_number="P-1", passport_state="CHN", nationality="prc")
    with pytest.raises(ValidationError, match="passport number: Already registered"):
        register(yanji_clerk, passport_number="P-1", passport_state="prk", nationality="dprk")
    with pytest.raises(ValidationError, match="issued the passport"):
        register(yanji_clerk, passport_number="P-2", nationality="dprk")


def test_every_problem_is_reported_at_once(yanji_clerk):
    with pytest.raises(ValidationError) as caught:
        register(
            yanji_clerk, name_hanzi="", name_hangul="", name_latin="", sex="x", nationality="mars"
        )
    problems = caught.value.message_dict
    assert set(problems) >= {NON_FIELD_ERRORS, "sex", "nationality"}
    assert "at least one script" in problems[NON_FIELD_ERRORS][0]
    assert problems["sex"][0].startswith("sex: ")
    assert not AuditEvent.objects.filter(action="person.registered").exists()


def test_residence_must_be_a_county_the_official_can_see(yanji_clerk, jilin_security):
    with pytest.raises(Http404):
        register(yanji_clerk, residence_code="tumen")
    with pytest.raises(ValidationError, match=r"residence: .* county"):
        register(jilin_security, residence_code="yanbian")
    assert Person.objects.count() == 0


def test_a_person_living_abroad_has_no_residence(yanji_clerk):
    assert register(yanji_clerk, residence_code=None, household_number="").residence is None


def test_approvers_do_not_register_persons(yanji_approver):
    with pytest.raises(PermissionDenied):
        register(yanji_approver)


def test_a_relation_is_recorded_once(yanji_clerk):
    person = register(yanji_clerk)
    relation = relation_add(
        official=yanji_clerk,
        person_id=person.pk,
        kind="social_relation_korea",
        relative_name="Ri Chol",
        relative_place="Hamhung",
    )
    assert relation.person == person
    assert AuditEvent.objects.get(action="person.relation_added").payload["kind"] == (
        "social_relation_korea"
    )
    twice = r"already has this relation \(Social relation in Korea"
    with pytest.raises(ValidationError, match=twice):
        relation_add(
            official=yanji_clerk,
            person_id=person.pk,
            kind="social_relation_korea",
            relative_name="Ri Chol",
        )


def test_a_registered_relative_and_bad_relations(yanji_clerk):
    mother = register(yanji_clerk)
    son = register(yanji_clerk, name_hanzi="李哲", household_number="YJ-0002")
    relation_add(official=yanji_clerk, person_id=son.pk, kind="parent", relative_id=mother.pk)
    assert Relation.objects.get(person=son).relative == mother
    with pytest.raises(ValidationError, match="own relative"):
        relation_add(official=yanji_clerk, person_id=son.pk, kind="parent", relative_id=son.pk)
    with pytest.raises(ValidationError, match="kind of relation: “cousin” is not a kind"):
        relation_add(official=yanji_clerk, person_id=son.pk, kind="cousin", relative_name="X")
    with pytest.raises(ValidationError, match="Name the relative"):
        relation_add(official=yanji_clerk, person_id=son.pk, kind="sibling")


def test_relations_of_persons_outside_the_jurisdiction_are_the_shared_404(
    yanji_clerk, liaoning_security
):
    person = register(yanji_clerk)
    with pytest.raises(Http404):
        relation_add(
            official=liaoning_security, person_id=person.pk, kind="sibling", relative_name="X"
        )
    assert not Relation.objects.exists()
