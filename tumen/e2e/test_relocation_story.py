"""The whole relocation story, as real officials at their browsers, in Chinese and in Korean."""

from __future__ import annotations

import pytest

from tumen.authorizations.models import AuthorizationStatus, ScanOutcome
from tumen.cases.models import ClearanceStatus, Decision, Status
from tumen.e2e import steps
from tumen.e2e.steps import NewPerson, tagged, translated

pytestmark = pytest.mark.e2e

# One household: the three share the household registration (户口) number.
HOUSEHOLD = "HH-YANJI-63-0101"
PRINCIPAL = NewPerson("朴明淑", "박명숙", "Pak Myong Suk", "female", "1933-03-14", HOUSEHOLD)
SPOUSE = NewPerson("金哲洙", "김철수", "Kim Chol Su", "male", "1931-06-02", HOUSEHOLD)
CHILD = NewPerson("金英玉", "김영옥", "Kim Yong Ok", "female", "1956-11-20", HOUSEHOLD)


@pytest.mark.parametrize("language", ["zh-hans", "ko"])
def test_a_household_is_registered_cleared_by_four_units_and_approved_under_cc1963_3(
    desks, make_official, yanji_clerk, language, tmp_path
):
    """
    GIVEN the Yanji clerk, the four Yanji clearing units' officers and the Yanji approver, and
          nobody in the register
    WHEN the clerk registers a relocation for a household of three through the intake pages
         (registering the applicant, her husband and daughter, and the applicant's social
         relation in Korea, which relocation's eligibility reads), each unit clears it (border
         defence first flags incomplete documents, a listed ground, then resolves the flag), and
         the approver decides as the policy proposes
    THEN the review predicted approval for all three, and the case page shows the household
         approved, citing clause cc1963.3
    AND  the approver prints the household's travel authorizations; at Tumen–Namyang the
         checkpoint officer checks a photo of each and records the crossings, and the case is
         closed; the first document presented again is refused (single use) and the refusal
         shows in Yanji's reconciliation
    """
    officers = steps.clearing_officers(make_official)
    approver = make_official("t.yanji.approver", "yanji-office", "approver")

    # The clerk: the worklist, then the intake pages one by one.
    clerk = desks(language)
    clerk.sign_in(yanji_clerk.username)
    clerk.go("/cases/")
    clerk.shot("03-worklist-clerk")
    steps.click_and_wait(clerk, tagged("nav-new-case"))
    steps.choose_case_type(clerk, "relocation", shot="04-intake-type")
    steps.register_new_person(clerk, PRINCIPAL, language, shot="05-intake-principal-register")
    steps.start_application(clerk, shot="05b-intake-start")
    number = clerk.path().split("/")[2]
    assert clerk.path() == f"/cases/{number}/members/"
    steps.register_new_person(
        clerk, SPOUSE, language, relationship="spouse", shot="06-intake-register-member"
    )
    steps.register_new_person(clerk, CHILD, language, relationship="child")
    members = clerk.page.locator(tagged("members")).locator("tbody tr")
    assert members.count() == 3
    clerk.shot("07-intake-household")
    steps.click_and_wait(clerk, tagged("members-done"))
    assert clerk.page.locator(tagged("qualifying-gaps")).count() == 1
    steps.record_relation(clerk, "Pak Song Chol", "Hamhung", shot="08-intake-eligibility")
    assert clerk.page.locator(tagged("qualifies")).count() == 1
    steps.click_and_wait(clerk, tagged("eligibility-done"))
    steps.fill_details(
        clerk,
        {"destination": "Hamhung", "application_date": "1963-09-02"},
        shot="08-intake-details",
    )
    assert clerk.page.locator(tagged("missing")).count() == 0, clerk.main_text()
    predicted = clerk.page.locator(tagged("predicted-outcome")).all_inner_texts()
    assert predicted == [translated(language, Decision.Outcome.APPROVED.label)] * 3
    clerk.shot("09-intake-review")
    steps.click_and_wait(clerk, tagged("submit-case"))
    assert clerk.path() == f"/cases/{number}/"
    assert steps.case_status(clerk) == translated(language, Status.IN_CLEARANCE.label)
    clerk.shot("10-case-in-clearance")

    # The four units, each at its own browser; border defence flags first.
    border = desks(language)
    border.sign_in(officers["border_defence"].username)
    steps.open_case_from_worklist(border, number, queue="clearances")
    steps.flag(
        border,
        "border_defence",
        "documents_incomplete",
        "户口簿缺页。",
        shot="11-clearance-flag-form",
    )
    flagged = border.page.locator(tagged("clearance-border_defence"))
    assert "cc1963.4" in flagged.locator(tagged("flag-ground")).inner_text()
    border.shot("12-case-flagged")
    for kind in ("public_security", "foreign_affairs", "customs"):
        officer = desks(language)
        officer.sign_in(officers[kind].username)
        steps.open_case_from_worklist(officer, number, queue="clearances")
        steps.clear(officer, kind, shot="13-clearance-clear-form" if kind == "customs" else "")
        cleared = translated(language, ClearanceStatus.CLEARED.label)
        assert steps.clearance_status(officer, kind) == cleared
    border.go(f"/cases/{number}/")
    assert steps.case_status(border) == translated(language, Status.AWAITING_DECISION.label)
    steps.resolve(border, "border_defence", "缺页已补交。")
    assert steps.clearance_status(border, "border_defence") == cleared

    # The approver decides as the policy proposes.
    desk = desks(language)
    desk.sign_in(approver.username)
    steps.open_case_from_worklist(desk, number, queue="decisions")
    proposal = steps.decide_as_proposed(desk, shot="14-decision-form")
    assert translated(language, Decision.Outcome.APPROVED.label) in proposal

    assert desk.path() == f"/cases/{number}/"
    # Approval issued the documents in the same step.
    assert steps.case_status(desk) == translated(language, Status.AUTHORIZED.label)
    decision = desk.page.locator(tagged("decision"))
    assert decision.locator(tagged("decision-outcome")).inner_text().strip() == translated(
        language, Decision.Outcome.APPROVED.label
    )
    assert "cc1963.3" in decision.inner_text()
    outcomes = desk.page.locator(tagged("members")).locator("tbody tr")
    assert outcomes.count() == 3
    for row in outcomes.all():
        assert "cc1963.3" in row.inner_text()
    desk.shot("15-case-decided")

    # Printing, then the crossing at Tumen–Namyang, then the second attempt.
    printed = steps.print_documents(desk, tmp_path, shot="16-documents")
    photos = steps.photograph_pages(printed, tmp_path)
    assert len(photos) == 3
    checkpoint = desks(language)
    checkpoint.sign_in(
        make_official("t.tumen.checkpoint", "tumen-border", "checkpoint_officer").username
    )
    assert checkpoint.path() == "/checkpoint/"
    valid = translated(language, AuthorizationStatus.VALID.label)
    for index, photo in enumerate(photos):
        assert (
            steps.check_photo(checkpoint, photo, shot="17-checkpoint-valid" if not index else "")
            == valid
        )
        steps.record_crossing(checkpoint)
    desk.go(f"/cases/{number}/")
    assert steps.case_status(desk) == translated(language, Status.CLOSED.label)
    assert steps.check_photo(checkpoint, photos[0], shot="18-checkpoint-refused") == translated(
        language, ScanOutcome.REFUSED.label
    )
    assert checkpoint.page.locator(tagged("record-crossing")).count() == 0
    desk.go("/reconciliation/")
    assert desk.page.locator(tagged("refused-already_used")).count() == 1
    desk.shot("19-reconciliation")
