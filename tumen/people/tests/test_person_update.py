"""Correcting a person's record: the rules of registration, a version, and names-only audit."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404

from tumen.audit.models import AuditEvent
from tumen.cases import services as case_services
from tumen.cases.pages import timeline_rows
from tumen.cases.selectors.cases import case_page, timeline
from tumen.lib.errors import StaleVersion
from tumen.people.models import Person
from tumen.people.services import person_register, person_update, relation_add
from tumen.policy.selectors import case_type_for

BORN = datetime.date(1931, 5, 4)
RELOCATION_DETAILS = {"destination": "Pyongyang", "application_date": "1963-09-02"}


ID = "222401193105040020"


@pytest.fixture
def register(yanji_clerk):
    def make(**fields) -> Person:
        values = {
            "name_hanzi": "李英子",
            "name_hangul": "리영자",
            "name_latin": "Ri Yong Ja",
            "sex": "female",
            "date_of_birth": BORN,
            "nationality": "prc",
            "ethnicity": "korean",
            "residence_code": "yanji",
            "household_number": "",
        }
        values.update(fields)
        return person_register(official=yanji_clerk, **values)

    return make


@pytest.fixture
def ri(register):
    return register()


def update(official, person, **changes) -> Person:
    version = changes.pop("version", None) or Person.objects.get(pk=person.pk).version
    return person_update(official=official, person_id=person.pk, version=version, **changes)


def test_a_clerk_fills_in_what_the_record_lacks(yanji_clerk, ri):
    corrected = update(
        yanji_clerk, ri, household_number=" YJ-0001 ", date_of_birth=datetime.date(1931, 5, 5)
    )

    ri.refresh_from_db()
    assert ri == corrected
    assert (ri.household_number, ri.date_of_birth) == ("YJ-0001", datetime.date(1931, 5, 5))
    assert ri.version == 2
    event = AuditEvent.objects.get(action="person.updated")
    assert (event.object_type, event.object_id) == ("people.person", str(ri.pk))
    assert event.payload == {
        "person": ri.pk,
        "fields": ["date_of_birth", "household_number"],
        "person_version": 2,
        "cases": [],
    }


def test_the_audit_event_names_the_fields_and_never_their_values(yanji_clerk, ri):
    update(
        yanji_clerk,
        ri,
        name_latin="Li Yong Ja",
        household_number="YJ-0009",
        passport_number="G-1234",
        passport_state="CHN",
        date_of_birth=datetime.date(1932, 7, 8),
    )

    payload = str(AuditEvent.objects.get(action="person.updated").payload)
    for value in ("Li Yong Ja", "Yong", "YJ-0009", "G-1234", "1932", "07-08"):
        assert value not in payload
    assert "name_latin" in payload
    assert "passport_number" in payload


def test_fields_given_unchanged_are_left_alone_and_nothing_changed_writes_nothing(yanji_clerk, ri):
    update(yanji_clerk, ri, name_hanzi="李英子", residence_code="yanji", household_number="")

    ri.refresh_from_db()
    assert ri.version == 1
    assert not AuditEvent.objects.filter(action="person.updated").exists()


def test_a_person_outside_the_jurisdiction_is_the_same_404_as_no_person(
    ri, liaoning_security, jilin_security
):
    with pytest.raises(Http404) as elsewhere:
        update(liaoning_security, ri, version=1, household_number="X-1")
    with pytest.raises(Http404) as missing:
        person_update(
            official=liaoning_security, person_id=ri.pk + 1000, version=1, household_number="X"
        )
    assert str(elsewhere.value) == str(missing.value)
    ri.refresh_from_db()
    assert (ri.household_number, ri.version) == ("", 1)
    # The province's public security sees the Yanji person and may correct them.
    assert update(jilin_security, ri, household_number="X-1").version == 2


def test_approvers_do_not_correct_records(yanji_approver, ri):
    with pytest.raises(PermissionDenied):
        update(yanji_approver, ri, household_number="YJ-0001")
    assert Person.objects.get(pk=ri.pk).household_number == ""


def test_a_stale_version_is_refused_and_changes_nothing(yanji_clerk, jilin_security, ri):
    update(jilin_security, ri, version=1, household_number="YJ-0001")

    with pytest.raises(StaleVersion) as caught:
        update(yanji_clerk, ri, version=1, household_number="YJ-0002")

    assert caught.value.current == 2
    assert "This person's record was changed by someone else" in str(caught.value)
    assert Person.objects.get(pk=ri.pk).household_number == "YJ-0001"
    assert AuditEvent.objects.filter(action="person.updated").count() == 1


def test_a_document_number_of_another_person_names_the_field_and_that_person(
    yanji_clerk, register, ri
):
    other = register(name_hanzi="李哲", name_hangul="", name_latin="", personal_id_number=ID)

    with pytest.raises(ValidationError) as caught:
        update(yanji_clerk, ri, personal_id_number=ID)

    assert caught.value.message_dict == {
        "personal_id_number": [
            f"resident identity number: Already registered as person P{other.pk}; use that record."
        ]
    }
    assert Person.objects.get(pk=ri.pk).version == 1


def test_a_correction_is_held_to_the_rules_of_registration(yanji_clerk, jilin_security, ri):
    with pytest.raises(ValidationError) as caught:
        update(yanji_clerk, ri, name_hanzi="", name_hangul=" ", name_latin="", sex="x")
    problems = caught.value.message_dict
    assert "at least one script" in problems[NON_FIELD_ERRORS][0]
    assert problems["sex"][0].startswith("sex: ")
    with pytest.raises(Http404):
        update(yanji_clerk, ri, residence_code="tumen")
    with pytest.raises(ValidationError, match=r"residence: .* county"):
        update(jilin_security, ri, residence_code="yanbian")
    with pytest.raises(ValidationError, match="“colour” is not part of a person's record"):
        update(yanji_clerk, ri, colour="red")
    assert not AuditEvent.objects.filter(action="person.updated").exists()


def test_a_person_who_moved_beyond_the_jurisdiction_can_still_be_corrected_on_its_case(
    yanji_clerk, jilin_security, ri
):
    """
    GIVEN a Yanji case naming a person whom the province then records as living in Tumen
    WHEN the Yanji clerk corrects the person's date of birth, sending the residence unchanged
    THEN the correction is saved: an unchanged residence is not looked up again
    """
    case_services.case_open(official=yanji_clerk, case_type="relocation", principal_id=ri.pk)
    update(jilin_security, ri, residence_code="tumen")

    update(yanji_clerk, ri, residence_code="tumen", date_of_birth=datetime.date(1931, 6, 1))

    ri.refresh_from_db()
    assert (ri.residence.code, ri.date_of_birth) == ("tumen", datetime.date(1931, 6, 1))


def test_correcting_a_member_of_a_submitted_case_lists_it_for_its_timeline(
    yanji_clerk, register, ri
):
    """
    GIVEN a person who is the principal of a submitted case and a member of a draft
    WHEN the clerk corrects the person's household registration number
    THEN the audit event lists the submitted case only, and that case's timeline shows the
         correction by the fields' names; the draft's does not
    """
    ri = update(yanji_clerk, ri, household_number="YJ-0001")
    relation_add(
        official=yanji_clerk, person_id=ri.pk, kind="social_relation_korea", relative_name="Ri"
    )
    submitted = case_services.case_open(
        official=yanji_clerk,
        case_type="relocation",
        principal_id=ri.pk,
        details=RELOCATION_DETAILS,
    )
    submitted = case_services.case_submit(
        official=yanji_clerk, case_id=submitted.pk, version=submitted.version
    )
    draft_principal = register(name_hanzi="金", household_number="YJ-0002")
    draft = case_services.case_open(
        official=yanji_clerk,
        case_type="relocation",
        principal_id=draft_principal.pk,
        dependants=[(ri.pk, "spouse")],
    )

    update(yanji_clerk, ri, household_number="YJ-0003")

    event = AuditEvent.objects.filter(action="person.updated").last()
    assert event.payload["cases"] == [submitted.pk]
    page = case_page(yanji_clerk, submitted.number)
    rows = timeline_rows(timeline(page), case_type_for(page))
    assert rows[-1].what == "A member's record corrected"
    assert rows[-1].detail == f"P{ri.pk}: household registration number"
    draft_actions = [entry.action for entry in timeline(case_page(yanji_clerk, draft.number))]
    assert "person.updated" not in draft_actions
