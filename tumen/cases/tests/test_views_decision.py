"""The decision page: the proposal with its clause, confirmed or changed within the pack; and
the ways a case leaves the decision (withdrawal, re-typing)."""

from __future__ import annotations

import pytest
from django.utils.html import escape

from tumen.cases import services
from tumen.cases.models import Case, Status
from tumen.directives.models import Clause

from .conftest import RELOCATION_DETAILS, clearance, db_state, fresh, grant_all, open_case, submit
from .viewkit import Desk, form, text


@pytest.fixture
def awaiting(officer, submitted_relocation):
    grant_all(submitted_relocation, officer)
    return fresh(submitted_relocation)


def clause_text(clause_id: str) -> str:
    return escape(Clause.objects.get(clause_id=clause_id).text_en)


def test_the_approver_confirms_the_proposal_and_the_case_page_shows_the_clause(
    client, yanji_approver, awaiting
):
    """
    GIVEN a relocation case every unit has cleared
    WHEN the approver opens the decision page and records the proposal as it is
    THEN the case is approved and its page shows the decision with the text of clause cc1963.3
         and the pack version it was decided under
    """
    desk = Desk(client, yanji_approver)
    case_page = text(desk.get(f"/cases/{awaiting.number}/"))
    assert f'href="/cases/{awaiting.number}/decide/"' in case_page

    shown = desk.get(f"/cases/{awaiting.number}/decide/")
    assert "For the household: <strong>Approved</strong>." in text(shown)
    assert clause_text("cc1963.3") in text(shown)
    done = desk.submit(shown, "decision-form", note="As proposed.")

    assert done.url == f"/cases/{awaiting.number}/"
    # Approval issues the travel authorizations in the same call (tumen.authorizations).
    assert fresh(awaiting).status == Status.AUTHORIZED
    page = text(desk.get(done.url))
    assert "The decision is recorded." in page
    assert 'data-testid="decision"' in page
    assert 'data-testid="clause-cc1963.3"' in page
    assert clause_text("cc1963.3") in page
    assert "Policy pack cc1963, version 1" in page
    assert "As proposed." in page


def test_the_approver_refuses_one_member_on_a_listed_ground(client, yanji_approver, awaiting):
    desk = Desk(client, yanji_approver)
    shown = desk.get(f"/cases/{awaiting.number}/decide/")
    dependant = awaiting.members.filter(role="dependant").first()

    done = desk.submit(
        shown,
        "decision-form",
        **{f"outcome_{dependant.pk}": "refused", f"ground_{dependant.pk}": "identity_unverified"},
        note="The son's household register entry was not found.",
    )

    assert done.status_code == 302
    # Approval issues the travel authorizations in the same call (tumen.authorizations).
    assert fresh(awaiting).status == Status.AUTHORIZED
    decision = awaiting.decisions.get()
    assert decision.outcome == "partly_approved"
    dependant.refresh_from_db()
    assert (dependant.outcome, dependant.ground) == ("refused", "identity_unverified")
    page = text(desk.get(f"/cases/{awaiting.number}/"))
    assert "Identity could not be verified" in page
    assert "Partly approved" in page


def test_a_refusal_without_a_ground_is_refused_beside_that_members_ground(
    client, yanji_approver, awaiting
):
    desk = Desk(client, yanji_approver)
    shown = desk.get(f"/cases/{awaiting.number}/decide/")
    member = awaiting.members.first()
    before = db_state()

    response = desk.submit(shown, "decision-form", **{f"outcome_{member.pk}": "refused"})

    body = text(response)
    assert response.status_code == 200
    assert f'href="#id_ground_{member.pk}"' in body
    assert "A refusal needs a ground" in body
    assert db_state() == before


def test_a_stale_decision_form_shows_the_other_decision_and_changes_nothing(
    client, make_official, yanji_approver, awaiting
):
    colleague = make_official("t.yanji.approver.2", "yanji-office", "approver")
    desk = Desk(client, yanji_approver)
    shown = desk.get(f"/cases/{awaiting.number}/decide/")
    services.case_decide(official=colleague, case_id=awaiting.pk, version=awaiting.version)
    before = db_state()

    response = desk.submit(shown, "decision-form")

    body = text(response)
    assert response.status_code == 409
    assert "Someone else changed this case while you were looking at it" in body
    assert "The case is now: Authorized." in body
    assert "t.yanji.approver.2" in body
    assert 'data-testid="decision-form"' not in body
    assert db_state() == before


def test_a_case_the_applicant_withdrew_is_withdrawn_not_decided(
    client, officer, yanji_approver, submitted_relocation
):
    case = submitted_relocation
    border = clearance(case, "border_defence")
    services.clearance_flag(
        official=officer("yanji-border"),
        clearance_id=border.pk,
        version=border.version,
        ground="applicant_withdrew",
        note="Letter of withdrawal received.",
    )
    grant_all(case, officer)
    desk = Desk(client, yanji_approver)

    shown = desk.get(f"/cases/{case.number}/decide/")
    assert 'data-testid="leaves-decision"' in text(shown)
    assert 'data-testid="decision-form"' not in text(shown)
    withdraw = desk.get(f"/cases/{case.number}/withdraw/")
    empty = desk.submit(withdraw, "withdraw-form")
    assert "Say why the case is withdrawn" in text(empty)
    done = desk.submit(withdraw, "withdraw-form", reason="The applicant withdrew in writing.")

    assert done.url == f"/cases/{case.number}/"
    assert fresh(case).status == Status.WITHDRAWN
    assert "The case is withdrawn." in text(desk.get(done.url))


def test_a_repatriation_of_a_chinese_national_is_re_typed_not_refused(
    client, officer, yanji_clerk, yanji_approver, register
):
    person = register(nationality="prc", residence_permit_number="RP-1", household_number="")
    case = submit(
        yanji_clerk,
        open_case(yanji_clerk, "repatriation", [person], {"destination": "Hamhung"}),
    )
    grant_all(case, officer)
    desk = Desk(client, yanji_approver)

    shown = desk.get(f"/cases/{case.number}/decide/")
    assert 'data-testid="action-retype"' in text(shown)
    retype = desk.get(f"/cases/{case.number}/retype/")
    assert form(retype, "retype-form").fields["ground"] == "not_korean_national"
    asked = desk.submit(retype, "retype-form")
    # Re-typing closes the case, so it is asked again, naming the new type; nothing changes yet.
    assert asked.status_code == 200
    assert "Re-type case" in text(asked)
    assert "as Relocation?" in text(asked)
    assert fresh(case).status == Status.AWAITING_DECISION
    assert not Case.objects.filter(retyped_from=case).exists()
    done = desk.submit(asked, "retype-confirm-form")

    new = Case.objects.get(retyped_from=case)
    assert done.url == f"/cases/{new.number}/"
    assert (new.case_type, new.status) == ("relocation", Status.DRAFT)
    assert fresh(case).status == Status.RETYPED
    page = text(desk.get(done.url))
    assert f"Case {case.number} is closed as re-typed" in page
    assert f'href="/cases/{case.number}/"' in page


def test_only_an_approver_decides(client, yanji_clerk, officer, awaiting):
    for official in (yanji_clerk, officer("yanji-security")):
        desk = Desk(client, official)
        assert 'data-testid="action-decide"' not in text(desk.get(f"/cases/{awaiting.number}/"))
        assert desk.get(f"/cases/{awaiting.number}/decide/").status_code == 403
        assert desk.post(f"/cases/{awaiting.number}/decide/", {"version": 1}).status_code == 403
    assert fresh(awaiting).status == Status.AWAITING_DECISION


def test_a_case_in_clearance_is_not_offered_for_decision(
    client, yanji_approver, submitted_relocation
):
    desk = Desk(client, yanji_approver)
    response = desk.get(f"/cases/{submitted_relocation.number}/decide/", follow=True)
    assert "This case is not awaiting a decision." in text(response)


@pytest.mark.parametrize("action", ["decide", "withdraw", "retype"])
def test_a_liaoning_official_gets_the_404_on_a_jilin_case(client, make_official, awaiting, action):
    official = make_official("t.liaoning.approver", "liaoning-security", "approver", "clerk")
    desk = Desk(client, official)
    missing = desk.get(f"/cases/NO-SUCH-1/{action}/")
    before = db_state()

    for response in (
        desk.get(f"/cases/{awaiting.number}/{action}/"),
        desk.post(f"/cases/{awaiting.number}/{action}/", {"version": awaiting.version}),
    ):
        assert response.status_code == 404
        assert response.content == missing.content
    assert db_state() == before


def test_the_clerk_withdraws_a_draft_from_its_page(client, yanji_clerk, household):
    case = open_case(yanji_clerk, "relocation", household, RELOCATION_DETAILS)
    desk = Desk(client, yanji_clerk)
    assert 'data-testid="action-withdraw"' in text(desk.get(f"/cases/{case.number}/"))

    done = desk.submit(
        desk.get(f"/cases/{case.number}/withdraw/"), "withdraw-form", reason="Abandoned."
    )

    assert done.status_code == 302
    assert fresh(case).status == Status.WITHDRAWN


def test_the_form_offers_only_the_outcomes_the_pack_has_grounds_for(
    client, officer, yanji_approver, register
):
    """Repatriation lists no refusal ground (cc1963.5: approve each request): no 'Refused'."""
    person = register(nationality="dprk", residence_permit_number="RP-51")
    clerk = officer("yanji-office", "clerk")
    case = submit(clerk, open_case(clerk, "repatriation", [person], {"destination": "Hamhung"}))
    grant_all(case, officer)
    page = text(Desk(client, yanji_approver).get(f"/cases/{case.number}/decide/"))
    member = case.members.get()
    assert f'name="outcome_{member.pk}" value="approved"' in page
    assert f'name="outcome_{member.pk}" value="on_hold"' in page
    assert f'name="outcome_{member.pk}" value="refused"' not in page


def test_the_units_findings_are_shown_beside_the_proposal(client, yanji_approver, awaiting):
    page = text(Desk(client, yanji_approver).get(f"/cases/{awaiting.number}/decide/"))
    assert 'data-testid="finding-public_security"' in page
    assert 'data-testid="findings"' in page
