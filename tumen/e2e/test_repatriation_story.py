"""A Korean national goes home with her Chinese-national husband, in Chinese and in Korean."""

from __future__ import annotations

import pytest

from tumen.cases.models import Decision, Status
from tumen.e2e import steps
from tumen.e2e.steps import NewPerson, tagged, translated

pytestmark = pytest.mark.e2e

HOUSEHOLD = "HH-YANJI-63-0301"
# A Korean national resident in China (朝侨) travels on her residence permit.
APPLICANT = NewPerson(
    "崔顺玉",
    "최순옥",
    "Choe Sun Ok",
    "female",
    "1929-04-11",
    HOUSEHOLD,
    nationality="dprk",
    residence_permit_number="RP-YANJI-1963-0301",
)
# Her husband is a Chinese national: he travels under his own resident identity number.
HUSBAND = NewPerson(
    "韩光日",
    "한광일",
    "Han Kwang Il",
    "male",
    "1927-10-03",
    HOUSEHOLD,
    personal_id_number="222401192710030010",
)


@pytest.mark.parametrize("language", ["zh-hans", "ko"])
def test_a_korean_national_and_her_chinese_national_husband_are_approved_under_cc1963_5(
    desks, make_official, yanji_clerk, language
):
    """
    GIVEN the Yanji clerk, Yanji's public security and foreign affairs officers and the Yanji
          approver, and nobody in the register
    WHEN the clerk registers the repatriation through the intake pages (the applicant with her
         residence permit, her husband with his resident identity number), both units clear it
         and the approver decides as the policy proposes
    THEN the review predicted approval for both, and both are approved under cc1963.5
    """
    officers = steps.clearing_officers(
        make_official,
        {"public_security": "yanji-security", "foreign_affairs": "yanji-foreign"},
    )
    approver = make_official("t.yanji.approver", "yanji-office", "approver")

    clerk = desks(language)
    clerk.sign_in(yanji_clerk.username)
    clerk.go("/cases/")
    steps.click_and_wait(clerk, tagged("nav-new-case"))
    steps.choose_case_type(clerk, "repatriation")
    steps.register_new_person(clerk, APPLICANT, language, shot="30-repatriation-applicant")
    steps.start_application(clerk)
    number = clerk.path().split("/")[2]
    steps.register_new_person(clerk, HUSBAND, language, relationship="spouse")
    assert clerk.page.locator(tagged("members")).locator("tbody tr").count() == 2
    steps.click_and_wait(clerk, tagged("members-done"))
    assert clerk.page.locator(tagged("qualifies")).count() == 1
    steps.click_and_wait(clerk, tagged("eligibility-done"))
    steps.fill_details(clerk, {"destination": "Sinuiju"})
    assert clerk.page.locator(tagged("missing")).count() == 0, clerk.main_text()
    predicted = clerk.page.locator(tagged("predicted-outcome")).all_inner_texts()
    assert predicted == [translated(language, Decision.Outcome.APPROVED.label)] * 2
    clerk.shot("31-repatriation-review")
    steps.click_and_wait(clerk, tagged("submit-case"))
    assert steps.case_status(clerk) == translated(language, Status.IN_CLEARANCE.label)

    for kind, officer in officers.items():
        unit = desks(language)
        unit.sign_in(officer.username)
        steps.open_case_from_worklist(unit, number, queue="clearances")
        steps.clear(unit, kind)

    desk = desks(language)
    desk.sign_in(approver.username)
    steps.open_case_from_worklist(desk, number, queue="decisions")
    steps.decide_as_proposed(desk)

    # Approval issued the travel documents in the same step.
    assert steps.case_status(desk) == translated(language, Status.AUTHORIZED.label)
    outcomes = desk.page.locator(tagged("members")).locator("tbody tr")
    assert outcomes.count() == 2
    for row in outcomes.all():
        assert "cc1963.5" in row.inner_text()
        assert translated(language, Decision.Outcome.APPROVED.label) in row.inner_text()
    desk.shot("32-repatriation-decided")
