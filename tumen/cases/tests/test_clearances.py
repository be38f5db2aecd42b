"""Clearing units grant, flag (only on grounds the policy lists) and resolve."""

from __future__ import annotations

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404

from tumen.cases import services
from tumen.cases.models import ExistingIssue, Status

from .conftest import clearance, db_state, fresh, grant_all, members


def test_an_unlisted_ground_is_refused_naming_the_allowed_ones(officer, submitted_relocation):
    security = clearance(submitted_relocation, "public_security")
    before = db_state()
    with pytest.raises(ValidationError) as caught:
        services.clearance_flag(
            official=officer("yanji-security"),
            clearance_id=security.pk,
            version=security.version,
            ground="too_old",
            note="Born in 1890.",
        )
    refusal = caught.value.error_dict["ground"][0]
    assert refusal.code == "ground_unknown"
    message = caught.value.message_dict["ground"][0]
    assert message.startswith(
        "ground: “too_old” is not a ground the policy lists for a Relocation case "
        "(cc1963 v1, cc1963.4)"
    )
    assert "Identity could not be verified (cc1963.3)" in message
    assert "Documents incomplete (awaiting) (cc1963.4)" in message
    assert db_state() == before


def test_a_flag_names_a_member_and_records_an_existing_issue(officer, submitted_relocation):
    case = submitted_relocation
    security = clearance(case, "public_security")
    child = members(case)[2]
    services.clearance_flag(
        official=officer("yanji-security"),
        clearance_id=security.pk,
        version=security.version,
        ground="identity_unverified",
        note="No household record found.",
        member_id=child.pk,
    )
    security.refresh_from_db()
    assert (security.status, security.ground, security.member_id) == (
        "flagged",
        "identity_unverified",
        child.pk,
    )
    assert security.version == 2
    issue = ExistingIssue.objects.get(case=case)
    assert (issue.kind, issue.clause_id) == ("flag", "cc1963.3")
    assert fresh(case).version == 3


def test_a_flag_needs_a_note_and_a_member_of_the_case(officer, submitted_relocation):
    security = clearance(submitted_relocation, "public_security")
    common = {
        "official": officer("yanji-security"),
        "clearance_id": security.pk,
        "version": security.version,
        "ground": "identity_unverified",
    }
    with pytest.raises(ValidationError, match="note: Say what was found"):
        services.clearance_flag(**common, note="  ")
    with pytest.raises(ValidationError, match="member: Member 999999 is not a member"):
        services.clearance_flag(**common, note="x", member_id=999999)


def test_a_stale_clearance_version_is_refused(officer, submitted_relocation):
    security = clearance(submitted_relocation, "public_security")
    services.clearance_grant(
        official=officer("yanji-security"), clearance_id=security.pk, version=security.version
    )
    before = db_state()
    with pytest.raises(services.StaleVersion, match="This clearance was changed") as caught:
        services.clearance_flag(
            official=officer("yanji-security"),
            clearance_id=security.pk,
            version=1,
            ground="identity_unverified",
            note="Second thoughts.",
        )
    assert caught.value.current == 2
    assert db_state() == before


def test_a_granted_clearance_cannot_be_granted_again(officer, submitted_relocation):
    security = clearance(submitted_relocation, "public_security")
    official = officer("yanji-security")
    services.clearance_grant(official=official, clearance_id=security.pk, version=1)
    with pytest.raises(ValidationError) as caught:
        services.clearance_grant(official=official, clearance_id=security.pk, version=2)
    assert "is Cleared, so it cannot grant" in caught.value.message_dict[NON_FIELD_ERRORS][0]


def test_a_clerk_cannot_clear(yanji_clerk, submitted_relocation):
    security = clearance(submitted_relocation, "public_security")
    before = db_state()
    with pytest.raises(PermissionDenied):
        services.clearance_grant(official=yanji_clerk, clearance_id=security.pk, version=1)
    assert db_state() == before


def test_another_unit_of_the_jurisdiction_cannot_clear_for_it(officer, submitted_relocation):
    security = clearance(submitted_relocation, "public_security")
    before = db_state()
    with pytest.raises(PermissionDenied, match="assigned to another unit"):
        services.clearance_grant(
            official=officer("yanji-foreign"), clearance_id=security.pk, version=1
        )
    assert db_state() == before


def test_liaoning_sees_nothing_of_a_jilin_clearance(liaoning_security, submitted_relocation):
    security = clearance(submitted_relocation, "public_security")
    before = db_state()
    with pytest.raises(Http404):
        services.clearance_grant(official=liaoning_security, clearance_id=security.pk, version=1)
    assert db_state() == before


def test_the_last_clearance_moves_the_case_to_its_decision(officer, submitted_relocation):
    case = submitted_relocation
    grant_all(case, officer, except_kinds=("customs",))
    assert fresh(case).status == Status.IN_CLEARANCE
    customs = clearance(case, "customs")
    services.clearance_flag(
        official=officer("yanji-customs"),
        clearance_id=customs.pk,
        version=customs.version,
        ground="applicant_withdrew",
        note="Applicant says the household will stay.",
    )
    case = fresh(case)
    assert case.status == Status.AWAITING_DECISION
    assert case.transitions.order_by("pk").last().to_status == Status.AWAITING_DECISION


def test_resolving_clears_the_flag_and_keeps_it_on_record(officer, submitted_relocation):
    case = submitted_relocation
    border = clearance(case, "border_defence")
    official = officer("yanji-border")
    services.clearance_flag(
        official=official,
        clearance_id=border.pk,
        version=1,
        ground="documents_incomplete",
        note="Photo missing.",
    )
    with pytest.raises(ValidationError, match="note: Say what was found"):
        services.clearance_resolve(official=official, clearance_id=border.pk, version=2, note="")
    services.clearance_resolve(
        official=official, clearance_id=border.pk, version=2, note="Photo supplied."
    )
    border.refresh_from_db()
    assert (border.status, border.ground, border.version) == ("cleared", "", 3)
    assert ExistingIssue.objects.filter(case=case, kind="flag").count() == 1
