"""One relocation household walked through the pages alone, from intake to the decision."""

from __future__ import annotations

from django.utils.html import escape

from tumen.cases.models import Case, ClearanceStatus, Status
from tumen.directives.models import Clause

from .viewkit import Desk, form, start_application, text

CLEARING = {
    "public_security": "yanji-security",
    "foreign_affairs": "yanji-foreign",
    "border_defence": "yanji-border",
    "customs": "yanji-customs",
}


def test_a_household_goes_from_intake_to_approval_through_the_pages_alone(
    client, yanji_clerk, yanji_approver, officer, register, relate
):
    """
    GIVEN the Yanji clerk, the four Yanji clearing units' officers and the Yanji approver, and an
          applicant and her husband already in the register
    WHEN the clerk opens a relocation case for the household through the intake pages and
         submits it; three units clear it; the border officer flags missing documents and then
         resolves the flag; the approver confirms the proposal
    THEN the case is approved, and its page shows the decision citing clause cc1963.3 with the
         clause's text, the flag in the timeline, and every unit's clearance
    """
    applicant = register(name_hanzi="朴明淑", name_hangul="박명숙", name_latin="Pak Myong Suk")
    relate(applicant, "social_relation_korea")
    husband = register(name_hanzi="金哲洙", name_hangul="김철수", sex="male")

    clerk = Desk(client, yanji_clerk)
    start = clerk.get("/cases/new/")
    clerk.submit(start, "case-type-form", case_type="relocation")
    found = clerk.post("/cases/new/principal/", {"step": "search", "name": "박명숙"})
    chosen = clerk.submit(found, "person-pick", person=str(applicant.pk))
    assert chosen.url == "/cases/new/start/"
    opened = start_application(clerk)
    number = Case.objects.get().number
    assert opened.url == f"/cases/{number}/members/"
    found = clerk.submit(clerk.get(opened.url), "person-search", name="金哲洙")
    clerk.submit(found, "person-pick", person=str(husband.pk), relationship="spouse")
    details = clerk.get(f"/cases/{number}/details/")
    clerk.submit(
        details,
        "details-form",
        **{"continue": "1", "destination": "Hamhung", "application_date": "1963-09-10"},
    )
    submitted = clerk.submit(clerk.get(f"/cases/{number}/review/"), "submit-form")
    assert submitted.url == f"/cases/{number}/"

    for kind, unit in CLEARING.items():
        desk = Desk(client, officer(unit))
        board = text(desk.get(f"/cases/{number}/"))
        assert f'data-testid="clear-{kind}"' in board
        if kind == "border_defence":
            flag = desk.get(f"/cases/{number}/clearances/{kind}/flag/")
            desk.submit(flag, "clearance-form", ground="documents_incomplete", note="No photo.")
            resolve = desk.get(f"/cases/{number}/clearances/{kind}/resolve/")
            desk.submit(resolve, "clearance-form", note="Photo supplied.")
        else:
            desk.submit(desk.get(f"/cases/{number}/clearances/{kind}/clear/"), "clearance-form")
    case = Case.objects.get()
    assert case.status == Status.AWAITING_DECISION
    assert {c.status for c in case.clearances.all()} == {ClearanceStatus.CLEARED}

    approver = Desk(client, yanji_approver)
    decide = approver.get(f"/cases/{number}/decide/")
    assert form(decide, "decision-form").fields[f"outcome_{case.members.first().pk}"] == "approved"
    decided = approver.submit(decide, "decision-form")

    page = text(approver.get(decided.url))
    # Approval issues the travel authorizations in the same call (tumen.authorizations).
    assert Case.objects.get().status == Status.AUTHORIZED
    assert 'data-testid="clause-cc1963.3"' in page
    assert escape(Clause.objects.get(clause_id="cc1963.3").text_en) in page
    assert "Policy pack cc1963, version 1" in page
    assert "Clearance flagged" in page
    assert "Flag resolved; clearance granted" in page
