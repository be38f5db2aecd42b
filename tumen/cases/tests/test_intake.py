"""Opening, editing and submitting cases at a county office."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from tumen.cases import services
from tumen.cases.intake import submission_problems
from tumen.cases.models import Case, CaseNumberCounter, Status

from .conftest import RELOCATION_DETAILS, db_state, fresh, members, open_case, submit


def test_numbers_run_per_county_and_year(yanji_clerk, register, officer):
    year = timezone.localdate().year
    first = open_case(yanji_clerk, "relocation", [register()])
    second = open_case(yanji_clerk, "relocation", [register()])
    tumen = open_case(officer("tumen-office", "clerk"), "relocation", [register("tumen")])
    assert first.number == f"YANJI-{year}-000001"
    assert second.number == f"YANJI-{year}-000002"
    assert tumen.number == f"TUMEN-{year}-000001"
    assert CaseNumberCounter.objects.get(jurisdiction__code="yanji", year=year).last == 2


def test_a_case_is_opened_as_a_draft_under_the_active_pack(yanji_clerk, household):
    case = open_case(yanji_clerk, "relocation", household, {"destination": "Pyongyang"})
    assert case.status == Status.DRAFT
    assert (case.policy_pack.code, case.policy_pack.version) == ("cc1963", 1)
    assert case.jurisdiction.code == "yanji"
    assert case.intake_unit == yanji_clerk.unit
    assert [m.role for m in members(case)] == ["principal", "dependant", "dependant"]
    assert case.transitions.get().to_status == Status.DRAFT


def test_only_a_county_office_clerk_opens_cases(officer, yanji_approver, household):
    with pytest.raises(PermissionDenied):
        open_case(yanji_approver, "relocation", household)
    with pytest.raises(PermissionDenied, match="county or district office"):
        open_case(officer("jilin-security", "clerk"), "relocation", household)
    assert not Case.objects.exists()


def test_an_unknown_case_type_names_the_types_open(yanji_clerk, household):
    with pytest.raises(ValidationError) as caught:
        open_case(yanji_clerk, "emigration", household)
    message = caught.value.message_dict["case_type"][0]
    assert "Family travel, Relocation, Repatriation" in message
    assert caught.value.error_dict["case_type"][0].params["type"].raw == "emigration"


def test_details_the_policy_does_not_list_are_refused(yanji_clerk, household):
    with pytest.raises(ValidationError) as caught:
        open_case(yanji_clerk, "relocation", household, {"motive": "work", "destination": 7})
    problems = caught.value.message_dict
    assert "cc1963.3" in problems["details.motive"][0]
    assert problems["details.destination"] == ["Destination must be given as text."]


def test_members_must_be_visible_and_listed_once(yanji_clerk, register):
    principal, tumen_person = register(), register("tumen")
    with pytest.raises(Http404):
        open_case(yanji_clerk, "relocation", [principal, tumen_person])
    with pytest.raises(ValidationError, match="listed twice"):
        open_case(yanji_clerk, "relocation", [principal, principal])
    assert not Case.objects.exists()


def test_submitting_reports_every_problem_at_once_with_its_clause(yanji_clerk, register):
    """
    GIVEN a relocation draft with no details and a member with no date of birth or household
    WHEN the clerk submits it
    THEN every missing field is named, with the clause that requires it, and nothing changes
    """
    incomplete = register(date_of_birth=None, household_number="")
    case = open_case(yanji_clerk, "relocation", [register(), register(), incomplete])
    before = db_state()
    with pytest.raises(ValidationError) as caught:
        submit(yanji_clerk, case)
    problems = caught.value.message_dict
    assert set(problems) == {
        "details.destination",
        "details.application_date",
        "members[2].date_of_birth",
        "members[2].household_number",
    }
    assert "(cc1963.3)" in problems["details.destination"][0]
    assert f"person P{incomplete.pk}" in problems["members[2].date_of_birth"][0]
    assert ValidationError(submission_problems(fresh(case))).message_dict == problems
    assert db_state() == before


def test_dates_must_be_iso_dates(yanji_clerk, household):
    case = open_case(
        yanji_clerk, "relocation", household, {**RELOCATION_DETAILS, "application_date": "2/9/63"}
    )
    with pytest.raises(ValidationError) as caught:
        submit(yanji_clerk, case)
    assert "YYYY-MM-DD" in caught.value.message_dict["details.application_date"][0]


def test_submission_routes_to_the_nearest_unit_at_or_above_the_county(officer, register, relate):
    """Wangqing is inland: the Yanbian prefecture's border defence and customs clear it."""
    clerk = officer("wangqing-office", "clerk")
    person = register("wangqing")
    case = submit(clerk, open_case(clerk, "relocation", [person], RELOCATION_DETAILS))
    routed = {c.unit_kind: c.unit.code for c in case.clearances.select_related("unit")}
    assert routed == {
        "public_security": "wangqing-security",
        "foreign_affairs": "wangqing-foreign",
        "border_defence": "yanbian-border",
        "customs": "yanbian-customs",
    }
    assert case.decision_due - case.submitted_at == datetime.timedelta(days=10 + 30)
    for clearance in case.clearances.all():
        assert clearance.due_at - case.submitted_at == datetime.timedelta(days=10)
        assert clearance.clause_id == "cc1963.2"
    assert [t.to_status for t in case.transitions.order_by("pk")] == [
        "draft",
        "submitted",
        "in_clearance",
    ]


def test_a_draft_is_edited_then_frozen_by_submission(yanji_clerk, household, register):
    case = open_case(yanji_clerk, "relocation", household[:1])
    case = services.case_update_details(
        official=yanji_clerk, case_id=case.pk, version=case.version, details=RELOCATION_DETAILS
    )
    services.case_add_member(
        official=yanji_clerk,
        case_id=case.pk,
        version=case.version,
        person_id=household[1].pk,
        relationship="son",
    )
    case = fresh(case)
    assert case.version == 3
    case = submit(yanji_clerk, case)
    with pytest.raises(ValidationError) as caught:
        services.case_update_details(
            official=yanji_clerk, case_id=case.pk, version=case.version, details={}
        )
    message = caught.value.message_dict[NON_FIELD_ERRORS][0]
    assert "is In clearance" in message
    assert "Draft" in message


def test_members_are_added_once_and_the_principal_stays(yanji_clerk, household):
    case = open_case(yanji_clerk, "relocation", household[:2])
    with pytest.raises(ValidationError, match="already a member"):
        services.case_add_member(
            official=yanji_clerk, case_id=case.pk, version=case.version, person_id=household[1].pk
        )
    with pytest.raises(ValidationError, match="is the principal"):
        services.case_remove_member(
            official=yanji_clerk, case_id=case.pk, version=case.version, person_id=household[0].pk
        )
    case = services.case_remove_member(
        official=yanji_clerk, case_id=case.pk, version=case.version, person_id=household[1].pk
    )
    assert [m.person_id for m in members(case)] == [household[0].pk]


def test_a_stale_version_is_refused_and_changes_nothing(yanji_clerk, household):
    case = open_case(yanji_clerk, "relocation", household, RELOCATION_DETAILS)
    services.case_update_details(
        official=yanji_clerk,
        case_id=case.pk,
        version=1,
        details={**RELOCATION_DETAILS, "destination": "Sinuiju"},
    )
    before = db_state()
    with pytest.raises(services.StaleVersion) as caught:
        services.case_submit(official=yanji_clerk, case_id=case.pk, version=1)
    assert caught.value.current == 2
    assert str(caught.value) == (
        "This case was changed by someone else (it is now at version 2); reload it and try again."
    )
    assert db_state() == before


def test_saving_the_same_details_again_writes_nothing(yanji_clerk, household):
    case = open_case(yanji_clerk, "relocation", household, RELOCATION_DETAILS)
    before = db_state()
    same = services.case_update_details(
        official=yanji_clerk, case_id=case.pk, version=1, details=dict(RELOCATION_DETAILS)
    )
    assert same.version == 1
    assert db_state() == before


def test_another_province_cannot_touch_a_case(liaoning_security, yanji_clerk, household):
    case = open_case(yanji_clerk, "relocation", household, RELOCATION_DETAILS)
    before = db_state()
    with pytest.raises(Http404):
        services.case_submit(official=liaoning_security, case_id=case.pk, version=case.version)
    assert db_state() == before
