"""Foreign requests: registered once, split once into one case per household."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError

from tumen.audit.models import AuditEvent
from tumen.cases import services
from tumen.cases.intake import submission_problems
from tumen.cases.models import ForeignRequest, Status
from tumen.people.models import Person, Relation

from .conftest import db_state

RECEIVED = datetime.date(1963, 9, 1)


def register_request(official, persons, reference="DPRK-1963-77"):
    return services.foreign_request_register(
        official=official,
        reference=reference,
        received_on=RECEIVED,
        authority="DPRK Ministry of Foreign Affairs",
        persons=persons,
    )


def new_person(household, *, principal=False, officer="", **fields):
    values = {
        "name_hangul": "박순희",
        "sex": "female",
        "date_of_birth": datetime.date(1935, 3, 1),
        "nationality": "prc",
        "ethnicity": "korean",
        "residence_code": "yanji",
        "household": household,
        "is_principal": principal,
        "officer_name": officer,
    }
    values.update(fields)
    return values


def test_new_persons_are_registered_with_the_request(officer):
    foreign = officer("yanji-foreign")
    request = register_request(
        foreign,
        [
            new_person("A", principal=True, officer="Pak Chol", household_number="YJ-77"),
            new_person("A", name_hangul="박영남", household_number="YJ-78"),
        ],
    )
    assert (request.jurisdiction.code, request.registered_by.code) == ("yanji", "yanji-foreign")
    assert request.persons.count() == 2
    # The note attests each person's tie to the officer that the family-travel rule reads.
    relations = Relation.objects.filter(kind="officer_family", relative_name="Pak Chol")
    assert relations.count() == 2
    event = AuditEvent.objects.get(action="foreign_request.registered")
    assert event.payload["reference"] == "DPRK-1963-77"


def test_a_reference_is_registered_once(officer, register):
    foreign = officer("yanji-foreign")
    person = register()
    entry = {"person_id": person.pk, "household": "A", "is_principal": True}
    register_request(foreign, [entry])
    before = db_state()
    with pytest.raises(ValidationError) as caught:
        register_request(foreign, [entry])
    assert "already registered" in caught.value.message_dict["reference"][0]
    assert db_state() == before


def test_problems_of_entries_are_reported_per_person(officer, register):
    foreign = officer("yanji-foreign")
    person = register()
    with pytest.raises(ValidationError) as caught:
        register_request(
            foreign,
            [
                {"person_id": person.pk, "household": "A", "is_principal": True},
                new_person("A", principal=True, nationality="mars"),
                new_person("", name_hangul=""),
            ],
        )
    problems = caught.value.message_dict
    assert "persons[2].household" in problems
    assert "persons[1].nationality" in problems
    assert "at least one script" in problems["persons[2]"][0]
    assert any("Household “A” has 2 principals" in m for m in problems["persons"])
    assert not ForeignRequest.objects.exists()
    assert not Person.objects.exclude(pk=person.pk).exists()


def test_only_foreign_affairs_offices_handle_requests(yanji_clerk, officer, register):
    entry = {"person_id": register().pk, "household": "A", "is_principal": True}
    with pytest.raises(PermissionDenied, match="foreign affairs office"):
        register_request(yanji_clerk, [entry])
    with pytest.raises(PermissionDenied):
        register_request(officer("yanji-foreign", "approver"), [entry])


def test_a_request_is_split_once(officer, register):
    foreign = officer("yanji-foreign")
    person = register()
    request = register_request(
        foreign,
        [{"person_id": person.pk, "household": "A", "is_principal": True, "officer_name": "Ri"}],
    )
    cases = services.foreign_request_split(official=foreign, request_id=request.pk, version=1)
    request.refresh_from_db()
    assert request.version == 2
    assert request.split_at is not None
    with pytest.raises(services.StaleVersion):
        services.foreign_request_split(official=foreign, request_id=request.pk, version=1)
    before = db_state()
    with pytest.raises(ValidationError) as caught:
        services.foreign_request_split(official=foreign, request_id=request.pk, version=2)
    message = caught.value.message_dict[NON_FIELD_ERRORS][0]
    assert "already split on" in message
    assert cases[0].number in message
    assert db_state() == before


def test_an_incomplete_household_stays_a_draft_at_its_county(officer, register):
    foreign = officer("yanji-foreign")
    undated = register(date_of_birth=None)
    request = register_request(
        foreign,
        [{"person_id": undated.pk, "household": "A", "is_principal": True, "officer_name": "Ri"}],
    )
    [case] = services.foreign_request_split(official=foreign, request_id=request.pk, version=1)
    assert case.status == Status.DRAFT
    assert case.foreign_request == request
    assert set(submission_problems(case)) == {"members[0].date_of_birth"}


def test_a_new_person_on_a_request_needs_a_county_of_residence(officer):
    with pytest.raises(ValidationError) as caught:
        register_request(
            officer("yanji-foreign"),
            [new_person("A", principal=True, officer="Ri", residence_code=None)],
        )
    assert (
        "county this person lives in" in caught.value.message_dict["persons[0].residence_code"][0]
    )


def test_a_split_writes_per_case_what_opening_and_submitting_one_by_one_would(officer, register):
    """The bulk split: each household's case has its members, its three status changes, its four
    clearances and its two audit events, numbered in its county; a draft has only its opening."""
    from tumen.audit.verify import verify_chain
    from tumen.cases.models import Case, Clearance, Transition

    foreign = officer("jilin-foreign")
    complete = [register(county) for county in ("yanji", "yanji", "tumen")]
    dependant = register("yanji")
    undated = register("hunchun", date_of_birth=None)
    entries = [
        {"person_id": p.pk, "household": f"H{i}", "is_principal": True, "officer_name": "Ri"}
        for i, p in enumerate([*complete, undated])
    ]
    entries.append({"person_id": dependant.pk, "household": "H0", "officer_name": ""})
    request = register_request(foreign, entries)

    cases = services.foreign_request_split(official=foreign, request_id=request.pk, version=1)

    assert len(cases) == 4
    by_principal = {
        c.members.get(role="principal").person_id: Case.objects.get(pk=c.pk) for c in cases
    }
    for person in complete:
        case = by_principal[person.pk]
        assert (case.status, case.version) == (Status.IN_CLEARANCE, 2)
        assert case.number.startswith(person.residence.code.upper())
        steps = Transition.objects.filter(case=case).order_by("pk")
        assert [(t.from_status, t.to_status) for t in steps] == [
            ("", "draft"),
            ("draft", "submitted"),
            ("submitted", "in_clearance"),
        ]
        assert Clearance.objects.filter(case=case, status="pending").count() == 4
        events = AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk))
        assert [(e.action, e.payload["version"]) for e in events.order_by("seq")] == [
            ("case.opened", 1),
            ("case.submitted", 2),
        ]
    assert by_principal[complete[0].pk].members.count() == 2
    draft = by_principal[undated.pk]
    assert (draft.status, draft.version) == (Status.DRAFT, 1)
    assert not Clearance.objects.filter(case=draft).exists()
    assert Transition.objects.filter(case=draft).count() == 1
    assert verify_chain().ok
