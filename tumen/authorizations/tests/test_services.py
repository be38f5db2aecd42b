"""Issuance on approval, re-issue, revocation and the crossing, through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tumen.audit.models import AuditEvent
from tumen.audit.verify import verify_chain
from tumen.authorizations import keys, services, tmn1
from tumen.authorizations.models import Authorization, CheckpointScan
from tumen.cases.models import Case, ExistingIssue, Transition
from tumen.cases.tests.conftest import RELOCATION_DETAILS, grant_all, open_case, submit


def test_approval_issues_one_signed_document_per_approved_member(approve, household):
    case = approve(household)
    documents = list(Authorization.objects.filter(case=case).order_by("number"))
    assert case.status == "authorized"
    assert [d.number for d in documents] == [f"TA-{case.number}-0{i}" for i in (1, 2, 3)]
    assert {d.person_id for d in documents} == {p.pk for p in household}
    document = tmn1.verify(
        documents[0].payload, services.trusted_keys(), now=documents[0].valid_from
    )
    assert document.case_number == case.number
    assert document.authority == "jilin-security"
    assert set(document.crossings) == {
        "tumen-namyang",
        "quanhe-wonjong",
        "sanhe-hoeryong",
        "kaishantun-sambong",
        "nanping-musan",
    }
    assert document.single_use is True
    assert (documents[0].valid_until - documents[0].valid_from).days == 90
    assert AuditEvent.objects.filter(action="authorization.issued").count() == 1
    assert verify_chain().ok


def test_keys_live_in_files_with_mode_0600(approve, household, authorization_keys):
    approve(household)
    files = list((authorization_keys / "jilin-security").glob("*.pem"))
    assert files
    assert all(path.stat().st_mode & 0o777 == 0o600 for path in files)


def test_issuing_again_adds_nothing_to_a_case_that_has_its_documents(approve, household):
    case = approve(household)
    assert services.authorizations_issue(official=None, case_number=case.number) == []
    assert Authorization.objects.filter(case=case).count() == 3


def test_reissue_supersedes_the_old_number(approve, household, yanji_approver):
    case = approve(household)
    old = Authorization.objects.filter(case=case).first()
    new = services.authorization_reissue(
        official=yanji_approver, number=old.number, reason="Lost on the way", version=1
    )
    old.refresh_from_db()
    assert old.status == "superseded"
    assert new.replaces == old
    assert new.member_id == old.member_id


def test_revocation_needs_a_reason(approve, household, yanji_approver):
    case = approve(household)
    number = Authorization.objects.filter(case=case).first().number
    with pytest.raises(ValidationError, match="reason"):
        services.authorization_revoke(official=yanji_approver, number=number, reason="  ")
    revoked = services.authorization_revoke(
        official=yanji_approver, number=number, reason="Issued in error"
    )
    assert revoked.status == "revoked"


def test_every_holder_crossing_departs_and_closes_the_case(approve, household, checkpoint_officer):
    case = approve(household)
    for document in Authorization.objects.filter(case=case):
        verdict = services.crossing_record(
            official=checkpoint_officer, point_code="tumen-namyang", text=document.payload
        )
        assert verdict.valid
        assert verdict.recorded
    case.refresh_from_db()
    assert case.status == "closed"
    assert list(Transition.objects.filter(case=case).values_list("to_status", flat=True))[-3:] == [
        "authorized",
        "departed",
        "closed",
    ]


def test_a_single_use_document_is_refused_the_second_time(approve, kim, checkpoint_officer):
    case = approve([kim])
    payload = Authorization.objects.get(case=case).payload
    first = services.crossing_record(
        official=checkpoint_officer, point_code="tumen-namyang", text=payload
    )
    second = services.checkpoint_verify(
        official=checkpoint_officer, point_code="tumen-namyang", text=payload
    )
    assert first.valid
    assert (second.valid, second.reason) == (False, "already_used")
    assert ExistingIssue.objects.filter(case=case, kind="reused").count() == 1
    assert CheckpointScan.objects.filter(outcome="refused", reason="already_used").count() == 1


def test_revoked_and_superseded_documents_are_refused_online(
    approve, household, yanji_approver, checkpoint_officer
):
    case = approve(household)
    first, second, _ = Authorization.objects.filter(case=case).order_by("number")
    services.authorization_revoke(official=yanji_approver, number=first.number, reason="Error")
    services.authorization_reissue(official=yanji_approver, number=second.number, reason="Lost")
    reasons = [
        services.checkpoint_verify(
            official=checkpoint_officer, point_code="tumen-namyang", text=doc.payload
        ).reason
        for doc in (first, second)
    ]
    assert reasons == ["revoked", "superseded"]


def test_a_crossing_at_a_point_the_document_does_not_name_is_recorded_and_flagged(
    approve, kim, make_official
):
    dandong = make_official("t.dandong.checkpoint", "dandong-border", "checkpoint_officer")
    case = approve([kim])
    verdict = services.crossing_record(
        official=dandong,
        point_code="dandong-sinuiju",
        text=Authorization.objects.get(case=case).payload,
    )
    assert verdict.valid
    assert not verdict.point_named
    assert CheckpointScan.objects.get(outcome="crossed").point_named is False


def test_an_officer_cannot_record_at_a_point_their_unit_does_not_staff(
    approve, kim, checkpoint_officer
):
    case = approve([kim])
    with pytest.raises(ValidationError, match="does not staff"):
        services.crossing_record(
            official=checkpoint_officer,
            point_code="dandong-sinuiju",
            text=Authorization.objects.get(case=case).payload,
        )


def test_a_rotated_key_keeps_verifying_what_it_signed(approve, kim, household):
    first = approve([kim])
    old = Authorization.objects.get(case=first)
    keys.rotate("jilin-security", now=dt.datetime.now(dt.UTC))
    second = approve(household)
    new = Authorization.objects.filter(case=second).first()
    assert new.kid != old.kid
    trusted = services.trusted_keys()
    assert tmn1.verify(old.payload, trusted, now=old.valid_from)
    assert tmn1.verify(new.payload, trusted, now=new.valid_from + dt.timedelta(seconds=1))


def test_a_held_household_gets_its_documents_when_approved_later(
    officer, yanji_clerk, yanji_approver, household
):
    from tumen.cases import services as cases
    from tumen.cases.models import Clearance

    case = submit(yanji_clerk, open_case(yanji_clerk, "relocation", household, RELOCATION_DETAILS))
    border = Clearance.objects.get(case=case, unit_kind="border_defence")
    cases.clearance_flag(
        official=officer(border.unit.code),
        clearance_id=border.pk,
        version=border.version,
        ground="documents_incomplete",
        note="Page missing.",
    )
    grant_all(case, officer)
    case.refresh_from_db()
    held = cases.case_decide(official=yanji_approver, case_id=case.pk, version=case.version)
    assert held.outcome == "on_hold"
    assert not Authorization.objects.filter(case=case).exists()
    border.refresh_from_db()
    cases.clearance_resolve(
        official=officer(border.unit.code),
        clearance_id=border.pk,
        version=border.version,
        note="Supplied.",
    )
    case.refresh_from_db()
    cases.case_decide(official=yanji_approver, case_id=case.pk, version=case.version)
    assert Authorization.objects.filter(case=case, status="valid").count() == 3


def test_other_provinces_see_no_documents_and_clerks_cannot_revoke(
    approve, household, make_official, yanji_clerk
):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    case = approve(household)
    number = Authorization.objects.filter(case=case).first().number
    liaoning = make_official("t.kuandian.approver", "kuandian-office", "approver")
    with pytest.raises(Http404):
        services.authorization_revoke(official=liaoning, number=number, reason="No")
    with pytest.raises(PermissionDenied):
        services.authorization_revoke(official=yanji_clerk, number=number, reason="No")
    assert Authorization.objects.get(number=number).status == "valid"


def test_the_decision_reads_the_same_issuing_authority_as_the_lookup(db):
    """ISSUING_AUTHORITY (read with the locked case) and issuing_authority() agree everywhere."""
    from django.db import connection

    from tumen.authorizations.services import ISSUING_AUTHORITY, issuing_authority
    from tumen.org.models import Jurisdiction

    places = list(Jurisdiction.objects.all())
    assert len(places) > 5
    checked = 0
    for place in places:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {ISSUING_AUTHORITY} FROM org_jurisdiction base "  # noqa: S608
                "JOIN (SELECT id AS jurisdiction_id FROM org_jurisdiction) t "
                "ON t.jurisdiction_id = base.id WHERE base.id = %s",
                [place.pk],
            )
            (from_sql,) = cursor.fetchone()
        try:
            expected = issuing_authority(Case(jurisdiction=place, number="T")).code
        except ValidationError:
            expected = None
        assert from_sql == expected, place.path
        checked += expected is not None
    assert checked > 3


def test_crossings_under_reads_what_the_orm_reads(db):
    """CROSSINGS_UNDER: the crossing points of every subtree, in the ORM's order."""
    from tumen.authorizations.models import CrossingPoint
    from tumen.authorizations.services import _crossings_under
    from tumen.org.models import Jurisdiction

    found = 0
    for place in Jurisdiction.objects.all():
        read = _crossings_under(place.path)
        expected = list(CrossingPoint.objects.filter(jurisdiction__path__startswith=place.path))
        assert [p.pk for p in read] == [p.pk for p in expected], place.path
        for mine, theirs in zip(read, expected, strict=True):
            assert (mine.code, mine.name_ko, mine.jurisdiction_id) == (
                theirs.code,
                theirs.name_ko,
                theirs.jurisdiction_id,
            )
            assert mine.place_path.startswith(place.path)
        found += len(read)
    assert found >= 8
