"""The named plain-SQL statements of the write path (tumen.lib.writes), on both engines: they
store values exactly as the ORM would, and touch nothing but what they name."""

from __future__ import annotations

import datetime

from django.utils import timezone

from tumen.cases.models import Case, ExistingIssue, IssueKind, Transition
from tumen.lib.writes import insert_rows, update_columns


def test_update_columns_writes_only_the_columns_named(submitted_relocation):
    case = Case.objects.get(pk=submitted_relocation.pk)
    due = timezone.now().replace(microsecond=123456) + datetime.timedelta(days=3)
    case.decision_due, case.details, case.status = due, {"destination": "Sinuiju"}, "approved"
    update_columns(case, ("decision_due", "details"))

    stored = Case.objects.get(pk=case.pk)
    assert stored.decision_due == due
    assert stored.details == {"destination": "Sinuiju"}
    assert stored.status == submitted_relocation.status  # not named, not written


def test_update_columns_returns_what_the_statement_returns(submitted_relocation):
    case = Case.objects.get(pk=submitted_relocation.pk)
    case.version += 1
    row = update_columns(
        case,
        ("version",),
        returning="(SELECT COUNT(*) FROM cases_clearance WHERE case_id = cases_case.id "
        "AND status = %s)",
        returning_params=["pending"],
    )
    assert row == (4,)
    assert Case.objects.get(pk=case.pk).version == case.version


def test_insert_rows_stores_values_as_the_orm_would(submitted_relocation, yanji_clerk):
    at = timezone.now().replace(microsecond=654321)
    before = Transition.objects.count()
    rows = [
        Transition(
            case_id=submitted_relocation.pk,
            from_status="in_clearance",
            to_status=status,
            actor_id=yanji_clerk.pk,
            unit_id=yanji_clerk.unit_id,
            reason="",
            clause_id="cc1963.2",
            at=at,
        )
        for status in ("awaiting_decision", "approved")
    ]
    insert_rows(Transition, rows)
    insert_rows(
        ExistingIssue,
        [
            ExistingIssue(
                case_id=submitted_relocation.pk,
                jurisdiction_id=submitted_relocation.jurisdiction_id,
                kind=IssueKind.FLAG,
                ground="identity_unverified",
                clause_id="cc1963.3",
                note="名字 이름",
                raised_at=at,
            )
        ],
    )

    stored = list(Transition.objects.filter(case=submitted_relocation).order_by("pk"))
    assert Transition.objects.count() == before + 2
    assert [(t.to_status, t.at, t.actor_id) for t in stored[-2:]] == [
        ("awaiting_decision", at, yanji_clerk.pk),
        ("approved", at, yanji_clerk.pk),
    ]
    issue = ExistingIssue.objects.get(case=submitted_relocation)
    assert (issue.note, issue.raised_at) == ("名字 이름", at)


def test_lock_in_subtree_reads_what_the_orm_reads_and_refuses_as_it_does(
    submitted_relocation, yanji_approver, liaoning_security, officer
):
    import pytest
    from django.core.exceptions import PermissionDenied
    from django.db import transaction

    from tumen.audit.models import AuditEvent
    from tumen.cases.models import Clearance
    from tumen.org.access import Authority, NotVisible, lock_in_subtree

    approver = Authority(("approver",))
    with transaction.atomic():
        case = lock_in_subtree(
            yanji_approver, Case, submitted_relocation.pk, action=approver, related="jurisdiction"
        )
    orm = Case.objects.select_related("jurisdiction").get(pk=submitted_relocation.pk)
    for field in Case._meta.concrete_fields:
        assert getattr(case, field.attname) == getattr(orm, field.attname), field.name
    assert case.submitted_at.tzinfo is not None
    assert isinstance(case.details, dict)
    assert case.jurisdiction.code == orm.jurisdiction.code

    item = Clearance.objects.get(case=submitted_relocation, unit_kind="customs")
    with transaction.atomic():
        locked = lock_in_subtree(
            officer("yanji-customs"),
            Clearance,
            item.pk,
            action=Authority(("clearing_officer",)),
            related="case",
        )
    assert (locked.unit_id, locked.case.number) == (item.unit_id, submitted_relocation.number)

    denied = AuditEvent.objects.filter(action="access.denied").count()
    with pytest.raises(NotVisible), transaction.atomic():
        lock_in_subtree(liaoning_security, Case, orm.pk, action=Authority(("clearing_officer",)))
    with pytest.raises(PermissionDenied), transaction.atomic():
        lock_in_subtree(yanji_approver, Case, orm.pk, action=Authority(("clerk",)))
    assert AuditEvent.objects.filter(action="access.denied").count() == denied  # rolled back
