"""Clearance pages: clear, flag with a listed ground, resolve; stale forms; who may act."""

from __future__ import annotations

import datetime

import pytest

from tumen.cases import services
from tumen.cases.models import ClearanceStatus, ExistingIssue, Status

from .conftest import clearance, db_state, fresh
from .viewkit import Desk, form, text


def clear_url(case, kind, action="clear"):
    return f"/cases/{case.number}/clearances/{kind}/{action}/"


def test_a_clearing_officer_clears_from_the_case_page(client, officer, submitted_relocation):
    case = submitted_relocation
    desk = Desk(client, officer("yanji-security"))
    page = desk.get(f"/cases/{case.number}/")
    assert f'href="{clear_url(case, "public_security")}"' in text(page)
    assert clear_url(case, "customs") not in text(page)

    shown = desk.get(clear_url(case, "public_security"))
    done = desk.submit(shown, "clearance-form", note="Household register checked.")

    assert done.url == f"/cases/{case.number}/"
    item = clearance(case, "public_security")
    assert item.status == ClearanceStatus.CLEARED
    assert item.note == "Household register checked."
    page = text(desk.get(done.url))
    assert "You cleared the case for your unit." in page
    assert "Household register checked." in page


def test_another_officer_flags_with_a_listed_ground_and_then_resolves(
    client, officer, submitted_relocation
):
    """
    GIVEN a submitted relocation case
    WHEN the border officer flags it for incomplete documents, naming the principal, and later
         resolves the flag
    THEN the board shows the ground's label with its clause and the note, then the clearance is
         cleared while the flag stays on record as an existing issue
    """
    case = submitted_relocation
    desk = Desk(client, officer("yanji-border"))
    shown = desk.get(clear_url(case, "border_defence", "flag"))
    assert "Documents incomplete (awaiting)" in text(shown)
    assert "cc1963.4" in text(shown)
    principal = case.members.get(role="principal")
    flagged = desk.submit(
        shown,
        "clearance-form",
        ground="documents_incomplete",
        member=str(principal.pk),
        note="Photo page missing.",
    )

    assert flagged.status_code == 302
    item = clearance(case, "border_defence")
    assert (item.status, item.ground, item.member_id) == (
        "flagged",
        "documents_incomplete",
        principal.pk,
    )
    board = text(desk.get(f"/cases/{case.number}/"))
    assert "Documents incomplete (awaiting)" in board
    assert "Photo page missing." in board
    assert f'href="{clear_url(case, "border_defence", "resolve")}"' in board

    shown = desk.get(clear_url(case, "border_defence", "resolve"))
    resolved = desk.submit(shown, "clearance-form", note="Photo supplied.")

    assert resolved.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.ground) == ("cleared", "")
    assert ExistingIssue.objects.filter(case=case, kind="flag").count() == 1


def test_a_flag_needs_a_ground_and_a_note(client, officer, submitted_relocation):
    desk = Desk(client, officer("yanji-border"))
    shown = desk.get(clear_url(submitted_relocation, "border_defence", "flag"))
    before = db_state()

    response = desk.submit(shown, "clearance-form")

    body = text(response)
    assert response.status_code == 200
    assert "Choose the ground the policy lists for what you found" in body
    assert '<a href="#id_ground_0">' in body
    assert "Say what your unit found" in body
    assert db_state() == before


def test_a_ground_the_policy_does_not_list_is_refused_beside_the_grounds(
    client, officer, submitted_relocation
):
    desk = Desk(client, officer("yanji-border"))
    shown = desk.get(clear_url(submitted_relocation, "border_defence", "flag"))
    before = db_state()

    response = desk.submit(shown, "clearance-form", ground="looks_suspicious", note="Hm.")

    assert "Select a valid choice" in text(response)
    assert db_state() == before


def test_a_stale_clearance_form_says_who_changed_what_and_changes_nothing(
    client, officer, make_official, submitted_relocation
):
    """
    GIVEN two border officers with the flag form open on the same case
    WHEN the first clears it and the second then sends the flag
    THEN the second sees that someone else changed the case, what they did and the new status,
         and nothing of theirs is saved
    """
    case = submitted_relocation
    colleague = make_official("t.yanji.border.2", "yanji-border", "clearing_officer")
    desk = Desk(client, officer("yanji-border"))
    shown = desk.get(clear_url(case, "border_defence", "flag"))
    item = clearance(case, "border_defence")
    services.clearance_grant(official=colleague, clearance_id=item.pk, version=item.version)
    before = db_state()

    response = desk.submit(shown, "clearance-form", ground="identity_unverified", note="Doubt.")

    body = text(response)
    assert response.status_code == 409
    assert "Someone else changed this case while you were looking at it" in body
    assert "Clearance granted" in body
    assert "t.yanji.border.2" in body
    assert "What you were doing is no longer possible." in body
    assert 'data-testid="clearance-form"' not in body
    assert db_state() == before


def test_a_stale_form_that_still_applies_comes_back_ready_to_send_again(
    client, officer, submitted_relocation
):
    """
    GIVEN the Yanji security officer with the clear form open
    WHEN the deadline sweep escalates the clearance to the province before the officer sends it
    THEN the page says what changed and keeps the note, with the new version, and sending it
         again clears the case
    """
    case = submitted_relocation
    desk = Desk(client, officer("yanji-security"))
    shown = desk.get(clear_url(case, "public_security"))
    services.deadlines_sweep(now=case.submitted_at + datetime.timedelta(days=11))
    item = clearance(case, "public_security")
    assert item.escalated_to.code == "jilin-security"

    response = desk.submit(shown, "clearance-form", note="Checked at last.")

    assert response.status_code == 409
    body = text(response)
    assert "Overdue clearance escalated" in body
    retry = form(response, "clearance-form")
    assert retry.fields["version"] == str(item.version)
    assert retry.fields["note"] == "Checked at last."
    assert clearance(case, "public_security").status == ClearanceStatus.PENDING

    sent = desk.submit(response, "clearance-form", url=clear_url(case, "public_security"))
    assert sent.status_code == 302
    assert clearance(case, "public_security").status == ClearanceStatus.CLEARED


def test_a_clerk_sees_no_clearance_actions_and_may_not_use_them(
    client, yanji_clerk, submitted_relocation
):
    case = submitted_relocation
    desk = Desk(client, yanji_clerk)

    page = text(desk.get(f"/cases/{case.number}/"))

    assert "/clearances/" not in page
    assert desk.get(clear_url(case, "public_security")).status_code == 403
    before = db_state()
    item = clearance(case, "public_security")
    refused = desk.post(
        clear_url(case, "public_security"), {"version": item.version, "case_version": case.version}
    )
    assert refused.status_code == 403
    assert db_state() == before


def test_an_officer_of_another_unit_may_not_act_on_a_clearance(
    client, officer, submitted_relocation
):
    desk = Desk(client, officer("yanji-customs"))
    assert desk.get(clear_url(submitted_relocation, "public_security")).status_code == 403


@pytest.mark.parametrize("action", ["clear", "flag", "resolve"])
def test_a_liaoning_officer_gets_the_404_on_a_jilin_clearance(
    client, liaoning_security, submitted_relocation, action
):
    desk = Desk(client, liaoning_security)
    missing = desk.get("/cases/NO-SUCH-1/clearances/public_security/clear/")
    before = db_state()

    for response in (
        desk.get(clear_url(submitted_relocation, "public_security", action)),
        desk.post(clear_url(submitted_relocation, "public_security", action), {"version": 1}),
    ):
        assert response.status_code == 404
        assert response.content == missing.content
    assert db_state() == before


def test_the_clearing_worklist_leads_to_the_clearance(client, officer, submitted_relocation):
    desk = Desk(client, officer("yanji-security"))
    page = text(desk.get("/cases/"))
    assert "Clearances for your unit" in page
    assert f"/cases/{submitted_relocation.number}/#clearance-public_security" in page


def test_clearing_the_last_clearance_moves_the_case_to_its_decision(
    client, officer, submitted_relocation
):
    case = submitted_relocation
    for unit, kind in [
        ("yanji-security", "public_security"),
        ("yanji-foreign", "foreign_affairs"),
        ("yanji-border", "border_defence"),
        ("yanji-customs", "customs"),
    ]:
        desk = Desk(client, officer(unit))
        desk.submit(desk.get(clear_url(case, kind)), "clearance-form")
    assert fresh(case).status == Status.AWAITING_DECISION
    again = desk.get(clear_url(case, "customs"), follow=True)
    assert again.redirect_chain == [(f"/cases/{case.number}/", 302)]
    assert "That cannot be done to this clearance now." in text(again)
