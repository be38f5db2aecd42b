"""The deadline sweep: an overdue clearance goes up to the nearest unit of its kind above.

Run by the `sweep_deadlines` task (tumen.cases.tasks) and the `tumen deadlines` command. It is
idempotent: a clearance is escalated once (escalated_at is set), so running the sweep again, or
two sweeps at once, changes nothing more.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field

from django.db import transaction

from tumen.audit.services import audit_record_many
from tumen.cases.clearances import lock_clearance
from tumen.cases.models import (
    Case,
    Clearance,
    ClearanceStatus,
    ExistingIssue,
    IssueKind,
    Status,
)
from tumen.cases.routing import unit_above
from tumen.cases.workflow import save_case
from tumen.lib import clock
from tumen.lib.writes import insert_rows, update_columns
from tumen.policy.selectors import case_type_for

BATCH_SIZE = 200


@dataclass
class SweepReport:
    overdue: int = 0
    escalated: int = 0
    # Overdue, but no unit of the kind sits above (a provincial office, say): it stays put.
    unescalatable: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _overdue_batch(now: datetime.datetime, after_pk: int, size: int) -> list[int]:
    # due_at < now is the loosest test (escalation after 0 days); the pack's delay is applied per
    # clearance once it is locked.
    overdue = Clearance.objects.filter(
        status=ClearanceStatus.PENDING,
        escalated_at__isnull=True,
        due_at__lt=now,
        case__status=Status.IN_CLEARANCE,
        pk__gt=after_pk,
    )
    return list(overdue.order_by("pk").values_list("pk", flat=True)[:size])


def _locked(clearance_id: int) -> tuple[Case, Clearance]:
    # Both rows in one statement, as every clearing service locks them, so that the sweep and
    # an officer take turns.
    clearance = lock_clearance(
        clearance_id,
        Clearance.objects.select_related("unit__jurisdiction"),
        lock_case=lambda: Case.objects.select_for_update().get(clearances__pk=clearance_id),
    )
    return clearance.case, clearance


def _due_for_escalation(case: Case, clearance: Clearance, now: datetime.datetime) -> bool:
    still_open = (
        clearance.status == ClearanceStatus.PENDING
        and clearance.escalated_at is None
        and case.status == Status.IN_CLEARANCE
    )
    delay = case_type_for(case).escalate_after_days
    if not still_open or delay is None:
        return False
    return now > clearance.due_at + datetime.timedelta(days=delay)


def _escalate(case: Case, clearance: Clearance, target, now: datetime.datetime, batch) -> None:
    """Move the clearance up and bump the case; its issue and audit event join the batch's,
    written with one statement each when the batch ends (Batch.write)."""
    origin = clearance.unit
    clearance.escalated_to, clearance.escalated_at = target, now
    clearance.version += 1
    update_columns(clearance, ("escalated_to", "escalated_at", "version"))
    save_case(case)
    batch.issues.append(
        ExistingIssue(
            case_id=case.pk,
            jurisdiction_id=case.jurisdiction_id,
            kind=IssueKind.OVERDUE,
            # For a delay, the "ground" the report groups by is the kind of check that ran over.
            ground=clearance.unit_kind,
            clause_id=clearance.clause_id,
            note=f"{origin.code} → {target.code}",
            raised_at=now,
        )
    )
    batch.events.append(
        (
            "clearance.escalated",
            clearance,
            {
                "case": case.pk,
                "case_version": case.version,
                "clearance": clearance.pk,
                "kind": clearance.unit_kind,
                "from": origin.code,
                "to": target.code,
                "version": clearance.version,
            },
            target,
        )
    )


@dataclass
class _Batch:
    """What one batch's escalations add besides their own rows: the existing issues and the
    audit events, written together at the end of the batch's transaction."""

    issues: list[ExistingIssue] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)

    def write(self) -> None:
        insert_rows(ExistingIssue, self.issues)
        audit_record_many(actor=None, events=self.events)


def _sweep_one(
    clearance_id: int, now: datetime.datetime, report: SweepReport, above, batch: _Batch
) -> None:
    case, clearance = _locked(clearance_id)
    if not _due_for_escalation(case, clearance, now):
        return
    report.overdue += 1
    # Many overdue clearances share a unit: the unit above each is looked up once per sweep.
    if clearance.unit_id not in above:
        above[clearance.unit_id] = unit_above(clearance.unit)
    target = above[clearance.unit_id]
    if target is None:
        report.unescalatable += 1
        return
    _escalate(case, clearance, target, now, batch)
    report.escalated += 1


def deadlines_sweep(
    *, now: datetime.datetime | None = None, batch_size: int = BATCH_SIZE
) -> SweepReport:
    """Escalate every clearance that is past its deadline plus the pack's escalation delay.

    Each batch commits on its own, so a long sweep holds its locks briefly and a failure loses
    at most one batch; `now` is the clock (tests pass one).
    """
    now = now or clock.now()
    report, after_pk, above = SweepReport(), 0, {}
    while batch := _overdue_batch(now, after_pk, batch_size):
        with transaction.atomic():
            written = _Batch()
            for clearance_id in batch:
                _sweep_one(clearance_id, now, report, above, written)
            written.write()
        after_pk = batch[-1]
    return report
