"""Households walked end to end through the services, one per case type of the 1963 pack."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tumen.audit.models import AuditEvent
from tumen.audit.verify import verify_chain
from tumen.cases import services
from tumen.cases.models import ExistingIssue, Priority, Status, Transition
from tumen.cases.proposal import decision_proposal

from .conftest import RELOCATION_DETAILS, clearance, fresh, grant_all, members, open_case, submit


def assert_transitions_chain(case, expected):
    rows = list(Transition.objects.filter(case=case).order_by("at", "pk"))
    assert [row.to_status for row in rows] == expected
    assert rows[0].from_status == ""
    for earlier, later in itertools.pairwise(rows):
        assert later.from_status == earlier.to_status


def test_a_relocation_household_is_cleared_by_four_units_and_approved(
    yanji_clerk, yanji_approver, officer, household
):
    """
    GIVEN a Yanji household of three ethnic Koreans with social relations in Korea
    WHEN the clerk opens and submits, the four units clear (one flags incomplete documents and
         then resolves the flag) and the approver accepts the proposal
    THEN every member is approved under cc1963.3 of pack cc1963 v1, and every step is on record
    """
    case = open_case(yanji_clerk, "relocation", household, RELOCATION_DETAILS)
    assert case.number.startswith(f"YANJI-{timezone.localdate().year}-")
    assert case.status == Status.DRAFT
    case = submit(yanji_clerk, case)
    assert case.status == Status.IN_CLEARANCE
    routed = {c.unit_kind: c.unit.code for c in case.clearances.select_related("unit")}
    assert routed == {
        "public_security": "yanji-security",
        "foreign_affairs": "yanji-foreign",
        "border_defence": "yanji-border",
        "customs": "yanji-customs",
    }

    border = clearance(case, "border_defence")
    services.clearance_flag(
        official=officer("yanji-border"),
        clearance_id=border.pk,
        version=border.version,
        ground="documents_incomplete",
        note="Household register page missing.",
    )
    assert decision_proposal(fresh(case)).outcome == "on_hold"
    border.refresh_from_db()
    services.clearance_resolve(
        official=officer("yanji-border"),
        clearance_id=border.pk,
        version=border.version,
        note="Page supplied.",
    )
    grant_all(case, officer)
    case = fresh(case)
    assert case.status == Status.AWAITING_DECISION

    decision = services.case_decide(official=yanji_approver, case_id=case.pk, version=case.version)

    assert decision.outcome == "approved"
    assert decision.clause_id == "cc1963.3"
    assert (decision.policy_pack.code, decision.policy_pack.version) == ("cc1963", 1)
    assert [m.outcome for m in members(case)] == ["approved"] * 3
    assert {m["clause"] for m in decision.member_outcomes} == {"cc1963.3"}
    # Approval issues the travel authorizations in the same call (tumen.authorizations).
    assert fresh(case).status == Status.AUTHORIZED
    assert_transitions_chain(
        case,
        ["draft", "submitted", "in_clearance", "awaiting_decision", "approved", "authorized"],
    )
    flag = ExistingIssue.objects.get(case=case)
    assert (flag.kind, flag.ground, flag.clause_id) == ("flag", "documents_incomplete", "cc1963.4")
    assert verify_chain().ok


def test_every_service_call_of_a_walk_wrote_its_audit_event(
    yanji_clerk, yanji_approver, officer, submitted_relocation
):
    case = submitted_relocation
    grant_all(case, officer)
    services.case_decide(official=yanji_approver, case_id=case.pk, version=fresh(case).version)
    case_events = AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk))
    assert list(case_events.values_list("action", flat=True)) == [
        "case.opened",
        "case.submitted",
        "case.decided",
        "authorization.issued",
    ]
    clearance_events = AuditEvent.objects.filter(object_type="cases.clearance")
    assert clearance_events.filter(action="clearance.granted").count() == 4
    assert Transition.objects.filter(case=case).count() == 6
    decided = case_events.get(action="case.decided").payload
    assert decided["pack"] == "cc1963"
    assert decided["pack_version"] == 1
    assert decided["version"] == fresh(case).version
    assert verify_chain().ok


def test_a_repatriation_with_a_chinese_national_is_retyped_to_relocation(
    yanji_clerk, yanji_approver, officer, register, relate
):
    """
    GIVEN a repatriation household whose applicant turns out to be a Chinese national
    WHEN its clearances are granted
    THEN the policy proposes re-typing, deciding is refused, and case_retype opens a relocation
         draft with the same members that points back to the repatriation case
    """
    principal = register(nationality="prc", residence_permit_number="RP-1")
    spouse = register(nationality="dprk", residence_permit_number="RP-2")
    child = register(nationality="dprk", residence_permit_number="RP-3")
    case = open_case(
        yanji_clerk, "repatriation", [principal, spouse, child], {"destination": "Sinuiju"}
    )
    case = submit(yanji_clerk, case)
    assert case.clearances.count() == 2
    grant_all(case, officer)
    case = fresh(case)

    proposal = decision_proposal(case)
    assert proposal.outcome == "retype"
    assert proposal.ground == "not_korean_national"
    child_member = members(case)[2]
    assert proposal.for_member(child_member.pk).clause == "cc1963.5"
    assert proposal.for_member(child_member.pk).outcome == "retype"
    with pytest.raises(ValidationError, match="re-type it with its own action"):
        services.case_decide(official=yanji_approver, case_id=case.pk, version=case.version)

    new = services.case_retype(
        official=yanji_approver, case_id=case.pk, version=case.version, ground="not_korean_national"
    )

    assert fresh(case).status == Status.RETYPED
    assert new.case_type == "relocation"
    assert new.status == Status.DRAFT
    assert new.retyped_from_id == case.pk
    assert (new.jurisdiction_id, new.intake_unit_id) == (case.jurisdiction_id, case.intake_unit_id)
    assert [m.person_id for m in members(new)] == [principal.pk, spouse.pk, child.pk]
    assert new.details == {"destination": "Sinuiju"}
    issue = ExistingIssue.objects.get(case=case)
    assert (issue.kind, issue.ground) == ("retyped", "not_korean_national")
    assert verify_chain().ok


def test_family_travel_from_a_foreign_request_is_expedited_and_approved(
    officer, register, yanji_approver
):
    """
    GIVEN a note from the Korean side naming two households, one in Yanji and one in Tumen
    WHEN the Jilin foreign affairs office registers and splits it
    THEN each county gets an expedited family-travel case, submitted at once with 2-day
         clearance deadlines, and the Yanji one is cleared and approved under cc1963.7
    """
    foreign = officer("jilin-foreign")
    yanji = [register("yanji"), register("yanji")]
    tumen = [register("tumen")]
    request = services.foreign_request_register(
        official=foreign,
        reference="DPRK-MFA-1963-0182",
        received_on=datetime.date(1963, 9, 1),
        authority="DPRK Ministry of Foreign Affairs",
        persons=[
            {
                "person_id": yanji[0].pk,
                "household": "A",
                "is_principal": True,
                "officer_name": "Ri Chol",
            },
            {"person_id": yanji[1].pk, "household": "A", "is_principal": False},
            {
                "person_id": tumen[0].pk,
                "household": "B",
                "is_principal": True,
                "officer_name": "Pak Sung",
            },
        ],
    )

    cases = services.foreign_request_split(
        official=foreign, request_id=request.pk, version=request.version
    )

    by_county = {case.jurisdiction.code: case for case in cases}
    assert set(by_county) == {"yanji", "tumen"}
    for case in cases:
        assert case.status == Status.IN_CLEARANCE
        assert case.priority == Priority.EXPEDITED
        assert case.intake_unit.code == f"{case.jurisdiction.code}-office"
        assert case.details["request_reference"] == "DPRK-MFA-1963-0182"
        for item in case.clearances.all():
            assert item.due_at - case.submitted_at == datetime.timedelta(days=2)
    assert by_county["yanji"].details["officer_name"] == "Ri Chol"
    assert members(by_county["yanji"])[0].person_id == yanji[0].pk

    grant_all(by_county["yanji"], officer)
    case = fresh(by_county["yanji"])
    decision = services.case_decide(official=yanji_approver, case_id=case.pk, version=case.version)
    assert decision.outcome == "approved"
    assert decision.clause_id == "cc1963.7"
    assert verify_chain().ok


def test_a_korean_national_and_her_chinese_national_husband_are_both_approved_under_cc1963_5(
    yanji_clerk, yanji_approver, officer, register
):
    """
    GIVEN a Korean national with a residence permit, and her husband, a Chinese national who
          has his own resident identity number and no residence permit
    WHEN the repatriation is submitted, cleared and decided as proposed
    THEN both travel: approved under cc1963.5
    """
    principal = register(nationality="dprk", residence_permit_number="RP-9")
    husband = register(nationality="prc")
    assert husband.personal_id_number
    assert not husband.residence_permit_number
    case = open_case(yanji_clerk, "repatriation", [principal, husband], {"destination": "Sinuiju"})
    case = submit(yanji_clerk, case)
    grant_all(case, officer)
    case = fresh(case)

    decision = services.case_decide(official=yanji_approver, case_id=case.pk, version=case.version)

    assert decision.outcome == "approved"
    assert [m["outcome"] for m in decision.member_outcomes] == ["approved", "approved"]
    assert {m["clause"] for m in decision.member_outcomes} == {"cc1963.5"}


def test_a_korean_national_without_a_residence_permit_cannot_be_submitted(yanji_clerk, register):
    principal = register(nationality="dprk")
    case = open_case(yanji_clerk, "repatriation", [principal], {"destination": "Sinuiju"})
    with pytest.raises(ValidationError) as caught:
        submit(yanji_clerk, case)
    assert set(caught.value.message_dict) == {"members[0].residence_permit_number"}
