"""Decisions within the pack's rules; withdrawal and re-typing."""

from __future__ import annotations

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError

from tumen.audit.models import AuditEvent
from tumen.cases import services
from tumen.cases.models import Decision, ExistingIssue, Status
from tumen.cases.proposal import decision_proposal

from .conftest import (
    RELOCATION_DETAILS,
    clearance,
    db_state,
    flag,
    fresh,
    grant_all,
    members,
    open_case,
)


def test_a_household_is_partly_approved_when_one_member_is_refused(
    officer, yanji_approver, submitted_relocation
):
    """
    GIVEN a relocation household whose second dependant's identity public security could not
          verify
    WHEN the approver accepts the proposal
    THEN that member is refused on identity_unverified (cc1963.3), the others approved, and the
         refusal is an existing issue
    """
    case = submitted_relocation
    daughter = members(case)[2]
    flag(officer, case, "public_security", "identity_unverified", member=daughter)
    grant_all(case, officer)
    case = fresh(case)
    assert decision_proposal(case).outcome == "partly_approved"

    decision = services.case_decide(
        official=yanji_approver, case_id=case.pk, version=case.version, note="As proposed."
    )

    assert decision.outcome == decision.proposed_outcome == "partly_approved"
    assert decision.member_outcomes[2] == {
        "member": daughter.pk,
        "person": daughter.person_id,
        "outcome": "refused",
        "ground": "identity_unverified",
        "clause": "cc1963.3",
    }
    daughter.refresh_from_db()
    assert (daughter.outcome, daughter.ground, daughter.clause_id) == (
        "refused",
        "identity_unverified",
        "cc1963.3",
    )
    assert [m.outcome for m in members(case)] == ["approved", "approved", "refused"]
    # Approval issues the travel authorizations in the same call (tumen.authorizations).
    assert fresh(case).status == Status.AUTHORIZED
    refusal = ExistingIssue.objects.get(case=case, kind="refusal")
    assert (refusal.ground, refusal.clause_id) == ("identity_unverified", "cc1963.3")


def test_the_approver_may_refuse_only_on_a_refusal_ground(
    officer, yanji_approver, submitted_relocation
):
    case = submitted_relocation
    grant_all(case, officer)
    case = fresh(case)
    son = members(case)[1]
    before = db_state()
    with pytest.raises(ValidationError) as caught:
        services.case_decide(
            official=yanji_approver,
            case_id=case.pk,
            version=case.version,
            member_outcomes={son.pk: ("refused", "documents_incomplete")},
        )
    message = caught.value.message_dict[f"member_outcomes[{son.pk}]"][0]
    assert caught.value.error_dict[f"member_outcomes[{son.pk}]"][0].code == "not_refusal_ground"
    ground = "Documents incomplete (awaiting) (cc1963.4)"
    assert f"{ground} is not a refusal ground for a Relocation" in message
    assert (
        "Identity could not be verified (cc1963.3), "
        "Not an ethnic Korean applicant with social relations in Korea (cc1963.3)"
    ) in message
    assert db_state() == before


def test_the_approver_changes_outcomes_within_the_pack(
    officer, yanji_approver, submitted_relocation
):
    case = submitted_relocation
    grant_all(case, officer)
    case = fresh(case)
    son = members(case)[1]
    decision = services.case_decide(
        official=yanji_approver,
        case_id=case.pk,
        version=case.version,
        member_outcomes={son.pk: ("refused", "outside_scope")},
        note="The son has no relation of his own and is of age.",
    )
    assert (decision.proposed_outcome, decision.outcome) == ("approved", "partly_approved")
    assert decision.clause_id == "cc1963.3"
    refused = next(m for m in decision.member_outcomes if m["member"] == son.pk)
    assert refused["proposed"] == {"outcome": "approved", "ground": None}
    event = AuditEvent.objects.get(action="case.decided")
    assert event.payload["reason"] == "The son has no relation of his own and is of age."


def test_departing_from_the_proposal_needs_a_written_reason(
    officer, yanji_approver, submitted_relocation
):
    case = submitted_relocation
    grant_all(case, officer)
    case = fresh(case)
    son = members(case)[1]
    before = db_state()
    with pytest.raises(ValidationError) as caught:
        services.case_decide(
            official=yanji_approver,
            case_id=case.pk,
            version=case.version,
            member_outcomes={son.pk: ("refused", "outside_scope")},
        )
    assert "say why" in caught.value.message_dict["note"][0]
    assert db_state() == before


def test_a_hold_needs_a_ground_from_the_pack(officer, yanji_approver, submitted_relocation):
    case = submitted_relocation
    grant_all(case, officer)
    case = fresh(case)
    son = members(case)[1]
    with pytest.raises(ValidationError) as caught:
        services.case_decide(
            official=yanji_approver,
            case_id=case.pk,
            version=case.version,
            member_outcomes={son.pk: ("on_hold", None)},
            note="Waiting.",
        )
    message = caught.value.message_dict[f"member_outcomes[{son.pk}]"][0]
    assert "A hold needs a ground" in message
    assert "Documents incomplete (awaiting) (cc1963.4)" in message


def test_approving_over_a_flag_records_the_flag_it_departs_from(
    officer, yanji_approver, submitted_relocation
):
    case = submitted_relocation
    flag(officer, case, "public_security", "identity_unverified")
    grant_all(case, officer)
    case = fresh(case)
    everyone = {m.pk: ("approved", None) for m in members(case)}
    decision = services.case_decide(
        official=yanji_approver,
        case_id=case.pk,
        version=case.version,
        member_outcomes=everyone,
        note="The register entry was found after the flag.",
    )
    assert decision.outcome == "approved"
    assert {m["proposed"]["ground"] for m in decision.member_outcomes} == {"identity_unverified"}


def test_every_invalid_change_is_reported_at_once(officer, yanji_approver, submitted_relocation):
    case = submitted_relocation
    grant_all(case, officer)
    case = fresh(case)
    _principal, son, daughter = members(case)
    with pytest.raises(ValidationError) as caught:
        services.case_decide(
            official=yanji_approver,
            case_id=case.pk,
            version=case.version,
            member_outcomes={
                son.pk: ("refused", None),
                daughter.pk: ("deported", None),
                999999: ("approved", None),
            },
        )
    assert set(caught.value.message_dict) == {
        f"member_outcomes[{son.pk}]",
        f"member_outcomes[{daughter.pk}]",
        "member_outcomes[999999]",
    }


def test_a_draft_cannot_be_decided(yanji_clerk, yanji_approver, household):
    case = open_case(yanji_clerk, "relocation", household, RELOCATION_DETAILS)
    before = db_state()
    with pytest.raises(ValidationError) as caught:
        services.case_decide(official=yanji_approver, case_id=case.pk, version=case.version)
    message = caught.value.message_dict[NON_FIELD_ERRORS][0]
    assert message == (
        f"Case {case.number} is Draft, so it cannot decide; that is possible only "
        "while it is: Awaiting decision, On hold."
    )
    assert db_state() == before


def test_a_case_is_never_decided_twice(officer, yanji_approver, submitted_relocation):
    case = submitted_relocation
    grant_all(case, officer)
    services.case_decide(official=yanji_approver, case_id=case.pk, version=fresh(case).version)
    with pytest.raises(ValidationError, match="is Authorized, so it cannot decide"):
        services.case_decide(official=yanji_approver, case_id=case.pk, version=fresh(case).version)
    assert Decision.objects.filter(case=case).count() == 1


def test_a_case_on_hold_is_decided_again_later(officer, yanji_approver, submitted_relocation):
    case = submitted_relocation
    flag(officer, case, "border_defence", "documents_incomplete")
    grant_all(case, officer)
    first = services.case_decide(
        official=yanji_approver, case_id=case.pk, version=fresh(case).version
    )
    assert first.outcome == "on_hold"
    assert first.clause_id == "cc1963.4"
    assert fresh(case).status == Status.ON_HOLD
    assert fresh(case).decided_at is None

    border = clearance(case, "border_defence")
    services.clearance_resolve(
        official=officer("yanji-border"),
        clearance_id=border.pk,
        version=border.version,
        note="Supplied.",
    )
    second = services.case_decide(
        official=yanji_approver, case_id=case.pk, version=fresh(case).version
    )
    assert second.outcome == "approved"
    # Approval issues the travel authorizations in the same call (tumen.authorizations).
    assert fresh(case).status == Status.AUTHORIZED


def test_a_withdrawal_proposal_points_to_case_withdraw(
    officer, yanji_clerk, yanji_approver, submitted_relocation
):
    case = submitted_relocation
    flag(officer, case, "foreign_affairs", "applicant_withdrew")
    grant_all(case, officer)
    case = fresh(case)
    with pytest.raises(ValidationError, match="withdraw it with its own action"):
        services.case_decide(official=yanji_approver, case_id=case.pk, version=case.version)
    with pytest.raises(ValidationError, match="reason: Say in at most 200 characters"):
        services.case_withdraw(
            official=yanji_clerk, case_id=case.pk, version=case.version, reason=""
        )

    services.case_withdraw(
        official=yanji_clerk, case_id=case.pk, version=case.version, reason="Letter of 2 Oct."
    )

    case = fresh(case)
    assert case.status == Status.WITHDRAWN
    last = case.transitions.order_by("pk").last()
    assert (last.reason, last.clause_id) == ("Letter of 2 Oct.", "cc1963.3")
    with pytest.raises(ValidationError, match="is Withdrawn, so it cannot withdraw"):
        services.case_withdraw(
            official=yanji_clerk, case_id=case.pk, version=case.version, reason="Again."
        )


def test_retyping_needs_a_ground_that_retypes(
    officer, yanji_approver, yanji_clerk, submitted_relocation
):
    case = submitted_relocation
    grant_all(case, officer)
    case = fresh(case)
    with pytest.raises(PermissionDenied):
        services.case_retype(
            official=yanji_clerk, case_id=case.pk, version=case.version, ground="outside_scope"
        )
    before = db_state()
    with pytest.raises(ValidationError) as caught:
        services.case_retype(
            official=yanji_approver, case_id=case.pk, version=case.version, ground="outside_scope"
        )
    message = caught.value.message_dict["ground"][0]
    # No ground of the pack re-types a relocation case: that is said, never an empty list.
    assert caught.value.error_dict["ground"][0].code == "not_retype_ground"
    assert "does not re-type a Relocation case, and the policy lists no ground" in message
    assert db_state() == before


def test_an_approver_decides_a_selection_and_hears_why_some_were_not(
    officer, yanji_clerk, yanji_approver, register, relate
):
    """
    GIVEN three relocation cases awaiting a decision, one of them selected at an old version,
          and a draft
    WHEN the approver decides the selection at once
    THEN the two current ones are decided as proposed, each with its decision and audit event,
         and the stale one and the draft are left as they were, each with its reason
    """
    from tumen.audit.models import AuditEvent
    from tumen.audit.verify import verify_chain

    from .conftest import submit

    def applicant():
        person = register()
        relate(person, "social_relation_korea")
        return [person]

    ready = []
    for _ in range(3):
        case = submit(
            yanji_clerk, open_case(yanji_clerk, "relocation", applicant(), RELOCATION_DETAILS)
        )
        grant_all(case, officer)
        ready.append(fresh(case))
    draft = open_case(yanji_clerk, "relocation", applicant(), RELOCATION_DETAILS)
    selection = [(c.pk, c.version) for c in ready[:2]]
    selection += [(ready[2].pk, ready[2].version - 1), (draft.pk, draft.version)]

    result = services.cases_decide(official=yanji_approver, selection=selection, note="Batch.")

    assert result.decided == {ready[0].pk: "approved", ready[1].pk: "approved"}
    assert set(result.not_decided) == {ready[2].pk, draft.pk}
    assert "changed by someone else" in result.not_decided[ready[2].pk]
    assert "Draft" in result.not_decided[draft.pk]
    # Approval issues the travel authorizations in the same call (tumen.authorizations).
    assert [fresh(c).status for c in ready] == ["authorized", "authorized", "awaiting_decision"]
    assert fresh(draft).status == Status.DRAFT
    assert Decision.objects.filter(case__in=ready).count() == 2
    assert AuditEvent.objects.filter(action="case.decided").count() == 2
    assert verify_chain().ok


def test_a_mass_decision_needs_an_approver(yanji_clerk):
    with pytest.raises(PermissionDenied):
        services.cases_decide(official=yanji_clerk, selection=[])
