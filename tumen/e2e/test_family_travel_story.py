"""An expedited family-travel request, from the Korean side's note to the decision, in Chinese
and in Korean."""

from __future__ import annotations

import pytest

from tumen.cases.models import Decision, Priority, Status
from tumen.e2e import steps
from tumen.e2e.steps import NamedPerson, NewPerson, tagged, translated

pytestmark = pytest.mark.e2e

REFERENCE = "朝外-1963-0182"
OFFICER = "Ri Chol Ho"
MOTHER = NewPerson("李顺姬", "리순희", "Ri Sun Hui", "female", "1912-02-08", "HH-YANJI-63-0201")
SISTER = NewPerson("李玉花", "리옥화", "Ri Ok Hwa", "female", "1940-07-30", "HH-YANJI-63-0202")


@pytest.mark.parametrize("language", ["zh-hans", "ko"])
def test_a_note_from_the_korean_side_becomes_an_expedited_case_that_is_approved_under_cc1963_7(
    desks, make_official, language
):
    """
    GIVEN the Jilin foreign affairs office, the four Yanji clearing units and the Yanji approver
    WHEN foreign affairs registers the note naming an officer's mother and sister (one Yanji
         household), and splits it
    THEN a family-travel case opens at Yanji, expedited and already in clearance; the units clear
         it and the approver approves it under cc1963.7 (Telegram 182: go through it quickly)
    """
    foreign = make_official("t.jilin.foreign", "jilin-foreign", "clearing_officer")
    officers = steps.clearing_officers(make_official)
    approver = make_official("t.yanji.approver", "yanji-office", "approver")

    desk = desks(language)
    desk.sign_in(foreign.username)
    steps.click_and_wait(desk, tagged("nav-requests"))
    steps.click_and_wait(desk, tagged("new-foreign-request"))
    note = desk.page.locator(tagged("foreign-request-form"))
    note.locator("#id_reference").fill(REFERENCE)
    note.locator("#id_received_on").fill("1963-09-01")
    note.locator("#id_authority").fill("朝鲜民主主义人民共和国外务省")
    steps.add_named_person(
        desk,
        NamedPerson(MOTHER, "A", is_principal=True, officer_name=OFFICER),
        language,
        shot="20-foreign-request-person",
    )
    steps.add_named_person(desk, NamedPerson(SISTER, "A"), language)
    assert desk.page.locator(tagged("foreign-request-persons")).locator("tbody tr").count() == 2
    assert desk.page.locator("#id_reference").input_value() == REFERENCE
    desk.shot("21-foreign-request-new")
    steps.click_and_wait(desk, tagged("register-request"))
    assert desk.page.locator(tagged("foreign-request-heading")).inner_text() == REFERENCE
    steps.click_and_wait(desk, tagged("split"))

    cases = desk.page.locator(tagged("foreign-request-cases")).locator("tbody tr")
    assert cases.count() == 1
    number = cases.first.get_by_role("link").inner_text()
    assert number.startswith("YANJI-")
    assert translated(language, Status.IN_CLEARANCE.label) in cases.first.inner_text()
    desk.shot("22-foreign-request-split")

    for kind, officer in officers.items():
        unit = desks(language)
        unit.sign_in(officer.username)
        steps.open_case_from_worklist(unit, number, queue="clearances")
        if kind == "public_security":
            expedited = unit.page.locator(tagged("case-summary")).inner_text()
            assert translated(language, Priority.EXPEDITED.label) in expedited
            assert REFERENCE in expedited
            assert OFFICER in expedited
        steps.clear(unit, kind)

    decider = desks(language)
    decider.sign_in(approver.username)
    steps.open_case_from_worklist(decider, number, queue="decisions")
    steps.decide_as_proposed(decider)

    # Approval issued the travel documents in the same step.
    assert steps.case_status(decider) == translated(language, Status.AUTHORIZED.label)
    decision = decider.page.locator(tagged("decision"))
    outcome = decision.locator(tagged("decision-outcome")).inner_text().strip()
    assert outcome == translated(language, Decision.Outcome.APPROVED.label)
    assert "cc1963.7" in decision.inner_text()
    decider.shot("23-family-travel-decided")
