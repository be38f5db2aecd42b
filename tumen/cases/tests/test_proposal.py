"""What the pack proposes, member by member, before the approver decides."""

from __future__ import annotations

import pytest

from tumen.cases import services
from tumen.cases.models import Clearance
from tumen.cases.proposal import MemberProposal, combine, decision_proposal, member_proposal
from tumen.policy.selectors import case_type_of, pack_for_case_type

from .conftest import RELOCATION_DETAILS, clearance, fresh, members, open_case, submit


@pytest.fixture
def relocation(db):
    return case_type_of(pack_for_case_type("relocation"), "relocation")


def test_dependants_qualify_through_the_principal_for_relocation(
    yanji_clerk, household, register, relate
):
    """Relocation's eligibility applies to the principal: a Han spouse travels with them."""
    han_spouse = register(ethnicity="han")
    case = open_case(yanji_clerk, "relocation", [*household, han_spouse], RELOCATION_DETAILS)
    proposal = decision_proposal(case)
    assert {m.outcome for m in proposal.members} == {"approved"}
    assert (proposal.outcome, proposal.clause) == ("approved", "cc1963.3")
    assert (proposal.pack, proposal.pack_version) == ("cc1963", 1)


def test_an_ineligible_principal_takes_the_household_with_them(yanji_clerk, register, relate):
    principal = register()  # an ethnic Korean without social relations in Korea
    dependant = register()
    relate(dependant, "social_relation_korea")
    case = open_case(yanji_clerk, "relocation", [principal, dependant], RELOCATION_DETAILS)
    proposal = decision_proposal(case)
    assert [(m.outcome, m.ground) for m in proposal.members] == [
        ("refused", "outside_scope"),
        ("refused", "outside_scope"),
    ]
    assert (proposal.outcome, proposal.clause) == ("refused", "cc1963.3")


def test_repatriation_qualifies_through_its_korean_national_applicant(yanji_clerk, register):
    korean = register(nationality="dprk", residence_permit_number="RP-1")
    chinese = register(nationality="prc")
    case = open_case(yanji_clerk, "repatriation", [korean, chinese], {"destination": "Pyongyang"})
    proposal = decision_proposal(case)
    assert [(m.outcome, m.ground) for m in proposal.members] == [
        ("approved", None),
        ("approved", None),
    ]


def test_a_repatriation_whose_applicant_is_not_a_korean_national_is_re_typed(yanji_clerk, register):
    chinese = register(nationality="prc")
    korean = register(nationality="dprk", residence_permit_number="RP-2")
    case = open_case(yanji_clerk, "repatriation", [chinese, korean], {"destination": "Pyongyang"})
    proposal = decision_proposal(case)
    assert [(m.outcome, m.ground) for m in proposal.members] == [
        ("retype", "not_korean_national"),
        ("retype", "not_korean_national"),
    ]
    assert proposal.outcome == "retype"


def test_a_flag_on_the_whole_case_applies_to_every_member(officer, submitted_relocation):
    case = submitted_relocation
    security = clearance(case, "public_security")
    services.clearance_flag(
        official=officer("yanji-security"),
        clearance_id=security.pk,
        version=1,
        ground="identity_unverified",
        note="Household register does not match.",
    )
    proposal = decision_proposal(fresh(case))
    assert {m.outcome for m in proposal.members} == {"refused"}
    assert (proposal.outcome, proposal.ground, proposal.clause) == (
        "refused",
        "identity_unverified",
        "cc1963.3",
    )


def test_waiting_comes_before_refusing_and_leaving_before_waiting(
    yanji_clerk, household, relocation
):
    case = submit(yanji_clerk, open_case(yanji_clerk, "relocation", household, RELOCATION_DETAILS))
    member = members(case)[0]
    flags = [
        Clearance(ground="identity_unverified", member=None),
        Clearance(ground="documents_incomplete", member=member),
    ]
    assert member_proposal(member, flags, relocation, member.person).outcome == "on_hold"
    flags.append(Clearance(ground="applicant_withdrew", member=None))
    assert member_proposal(member, flags, relocation, member.person).outcome == "withdraw"


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        (["approved", "approved"], "approved"),
        (["approved", "refused"], "partly_approved"),
        (["refused", "refused"], "refused"),
        (["refused", "on_hold"], "on_hold"),
        (["on_hold", "retype"], "retype"),
        (["retype", "withdraw"], "withdraw"),
    ],
)
def test_the_household_outcome(relocation, outcomes, expected):
    household = [MemberProposal(n, n, o, None, "cc1963.3") for n, o in enumerate(outcomes)]
    assert combine(household, relocation)[0] == expected
