"""The case page: summary, household, clearance board, decision and timeline, for those who may
see the case, in each working language, in a bounded number of queries."""

from __future__ import annotations

import re

import pytest
from django.utils.html import escape

from tumen.audit.models import AuditEvent
from tumen.cases import services

from .conftest import RELOCATION_DETAILS, clearance, grant_all, open_case
from .viewkit import Desk, text


def test_the_case_page_shows_summary_household_board_and_timeline(
    client, yanji_clerk, officer, submitted_relocation
):
    case = submitted_relocation
    border = clearance(case, "border_defence")
    services.clearance_flag(
        official=officer("yanji-border"),
        clearance_id=border.pk,
        version=border.version,
        ground="documents_incomplete",
        note="Photo page missing.",
    )

    page = text(Desk(client, yanji_clerk).get(f"/cases/{case.number}/"))

    assert f"Case {case.number}" in page
    assert "Relocation" in page
    assert "In clearance" in page
    assert "Pyongyang" in page
    assert re.search(r"\d+ days left", page)
    for member in case.members.select_related("person"):
        assert escape(member.person.name_hanzi) in page
        assert member.person.name_hangul in page
        assert member.person.name_latin in page
    for kind in ("public_security", "foreign_affairs", "border_defence", "customs"):
        assert f'data-testid="clearance-{kind}"' in page
    assert "Yanji Border Defence Brigade" in page
    assert "Documents incomplete (awaiting)" in page
    assert "Photo page missing." in page
    assert "t.yanji-border.clearing_officer" in page
    assert "Status: Draft → Submitted" in page
    assert "Clearance flagged" in page


def test_a_draft_offers_its_clerk_the_way_to_continue(client, yanji_clerk, register):
    case = open_case(yanji_clerk, "relocation", [register()])
    page = text(Desk(client, yanji_clerk).get(f"/cases/{case.number}/"))

    assert f'href="/cases/{case.number}/review/"' in page
    assert f'href="/cases/{case.number}/members/"' in page
    assert 'data-testid="action-decide"' not in page


def test_the_approver_sees_decide_only_when_the_case_awaits_a_decision(
    client, yanji_approver, officer, submitted_relocation
):
    desk = Desk(client, yanji_approver)
    assert "action-decide" not in text(desk.get(f"/cases/{submitted_relocation.number}/"))
    grant_all(submitted_relocation, officer)
    assert "action-decide" in text(desk.get(f"/cases/{submitted_relocation.number}/"))


def test_a_liaoning_official_gets_the_same_404_as_for_a_case_that_does_not_exist(
    client, liaoning_security, submitted_relocation
):
    desk = Desk(client, liaoning_security)

    not_yours = desk.get(f"/cases/{submitted_relocation.number}/")
    missing = desk.get("/cases/JILIN-1963-999999/")

    assert not_yours.status_code == missing.status_code == 404
    assert not_yours.content == missing.content
    assert submitted_relocation.number not in text(not_yours)
    # Both are audited alike, so neither the log's growth nor the time taken tells them apart:
    # the burst's first denial is written and the second only counted (test_denial_bursts).
    assert AuditEvent.objects.filter(action="access.denied").count() == 1


def test_no_address_on_the_case_page_carries_a_name(client, yanji_clerk, submitted_relocation):
    page = text(Desk(client, yanji_clerk).get(f"/cases/{submitted_relocation.number}/"))
    addresses = re.findall(r'(?:href|action)="([^"]*)"', page)
    names = [
        name
        for member in submitted_relocation.members.select_related("person")
        for name in (member.person.name_hanzi, member.person.name_hangul, member.person.name_latin)
    ]
    assert addresses
    for address in addresses:
        for name in names:
            assert name not in address


@pytest.mark.parametrize(
    ("language", "headings"),
    [
        ("zh-hans", ["会签审核", "办理经过"]),
        ("ko", ["심사", "처리 경과"]),
        ("en", ["Clearances", "Timeline"]),
    ],
)
def test_the_case_page_renders_in_each_working_language(
    client, yanji_clerk, submitted_relocation, language, headings
):
    page = text(Desk(client, yanji_clerk, language).get(f"/cases/{submitted_relocation.number}/"))

    assert f'<html lang="{language}">' in page
    for heading in headings:
        assert f">{heading}</h2>" in page


def test_the_case_page_takes_a_bounded_number_of_queries(
    client, yanji_clerk, yanji_approver, officer, household, django_assert_max_num_queries
):
    case = open_case(yanji_clerk, "relocation", household, RELOCATION_DETAILS)
    case = services.case_submit(official=yanji_clerk, case_id=case.pk, version=case.version)
    grant_all(case, officer)
    case.refresh_from_db()
    services.case_decide(official=yanji_approver, case_id=case.pk, version=case.version)
    desk = Desk(client, yanji_approver)
    desk.get(f"/cases/{case.number}/")  # warm the policy pack cache, as any running server has

    with django_assert_max_num_queries(13):
        response = desk.get(f"/cases/{case.number}/")

    assert response.status_code == 200
    assert 'data-testid="clause-cc1963.3"' in text(response)


def test_the_timeline_names_members_added_and_removed_and_changed_details_only(
    client, yanji_clerk, household, register
):
    """
    GIVEN a draft of a household of three
    WHEN the clerk adds a fourth member and takes them off again, sends the details unchanged,
         then changes the destination
    THEN the timeline names the member added and the member removed, and says "details
         changed" once: for the change, not for the details sent unchanged
    """
    case = open_case(yanji_clerk, "relocation", household, RELOCATION_DETAILS)
    cousin = register(name_hanzi="崔永男", name_hangul="최영남")
    member = services.case_add_member(
        official=yanji_clerk, case_id=case.pk, version=case.version, person_id=cousin.pk
    )
    case.refresh_from_db()
    services.case_remove_member(
        official=yanji_clerk, case_id=case.pk, version=case.version, person_id=member.person_id
    )
    case.refresh_from_db()
    unchanged = services.case_update_details(
        official=yanji_clerk, case_id=case.pk, version=case.version, details=RELOCATION_DETAILS
    )
    assert unchanged.version == case.version
    services.case_update_details(
        official=yanji_clerk,
        case_id=case.pk,
        version=case.version,
        details={**RELOCATION_DETAILS, "destination": "Hamhung"},
    )

    page = text(Desk(client, yanji_clerk).get(f"/cases/{case.number}/"))
    timeline = page[page.index('data-testid="timeline"') :]

    for event in ("Household member added", "Household member removed"):
        line = timeline[timeline.index(event) :].split("</p>")[0]
        assert "崔永男" in line
        assert f"(P{cousin.pk})" in line
    assert timeline.count("Case details changed") == 1
    assert AuditEvent.objects.filter(action="case.details_updated").count() == 1
