"""An approver approves several cases at once from the worklist, in the browser."""

from __future__ import annotations

import pytest

from tumen.cases.models import Status
from tumen.e2e import steps
from tumen.e2e.steps import NewPerson, tagged, translated

pytestmark = pytest.mark.e2e

APPLICANTS = (
    NewPerson("李成浩", "리성호", "Ri Song Ho", "male", "1930-02-11", "HH-YANJI-63-0301"),
    NewPerson("崔顺姬", "최순희", "Choe Sun Hui", "female", "1934-07-05", "HH-YANJI-63-0302"),
    NewPerson("尹贞子", "윤정자", "Yun Jong Ja", "female", "1932-01-09", "HH-YANJI-63-0303"),
)


def _register_relocation(clerk, person: NewPerson, language: str) -> str:
    """The clerk registers a one-person relocation through the intake pages; its number."""
    clerk.go("/cases/")
    steps.click_and_wait(clerk, tagged("nav-new-case"))
    steps.choose_case_type(clerk, "relocation")
    steps.register_new_person(clerk, person, language)
    steps.start_application(clerk)
    number = clerk.path().split("/")[2]
    steps.click_and_wait(clerk, tagged("members-done"))
    steps.record_relation(clerk, "Pak Song Chol", "Hamhung")
    steps.click_and_wait(clerk, tagged("eligibility-done"))
    steps.fill_details(clerk, {"destination": "Hamhung", "application_date": "1963-09-02"})
    steps.click_and_wait(clerk, tagged("submit-case"))
    return number


def test_an_approver_approves_two_cases_at_once_and_hears_why_a_flagged_one_was_not(
    desks, make_official, yanji_clerk
):
    """
    GIVEN three relocation cases awaiting decision, registered and cleared through the pages,
          the last one with border defence's flag still open
    WHEN the approver ticks all three on the worklist, reads the summary and confirms it
    THEN the two clean cases are approved, and the result page says the flagged one was not
         decided because of its open flag; it still awaits a decision
    """
    language = "zh-hans"
    officers = steps.clearing_officers(make_official)
    approver = make_official("t.yanji.approver", "yanji-office", "approver")
    clerk = desks(language)
    clerk.sign_in(yanji_clerk.username)
    numbers = [_register_relocation(clerk, person, language) for person in APPLICANTS]
    flagged = numbers[-1]

    for kind, officer in officers.items():
        desk = desks(language)
        desk.sign_in(officer.username)
        for number in numbers:
            steps.open_case_from_worklist(desk, number, queue="clearances")
            if number == flagged and kind == "border_defence":
                steps.flag(desk, kind, "documents_incomplete", "户口簿缺页。")
            else:
                steps.clear(desk, kind)

    desk = desks(language)
    desk.sign_in(approver.username)
    desk.go("/cases/?queue=decisions")
    for number in numbers:
        row = desk.page.locator(tagged("worklist-row")).filter(has_text=number)
        row.locator(tagged("select-case")).check()
    desk.shot("30-mass-decision-worklist")
    steps.click_and_wait(desk, tagged("approve-selected"))
    summary = desk.page.locator(tagged("mass-summary-row")).all_inner_texts()
    assert [next(n for n in numbers if n in row) for row in summary] == numbers
    desk.shot("31-mass-decision-summary")
    steps.click_and_wait(desk, tagged("confirm-mass-decision"))
    desk.shot("32-mass-decision-result")

    decided = desk.page.locator(tagged("decided-case")).all_inner_texts()
    assert sorted(n for n in numbers if any(n in row for row in decided)) == sorted(numbers[:2])
    refused = desk.page.locator(tagged("not-decided-case")).all_inner_texts()
    assert len(refused) == 1
    assert flagged in refused[0]
    assert "未解决的问题" in refused[0]

    for number in numbers:
        desk.go(f"/cases/{number}/")
        expected = Status.AWAITING_DECISION if number == flagged else Status.AUTHORIZED
        assert steps.case_status(desk) == translated(language, expected.label)
