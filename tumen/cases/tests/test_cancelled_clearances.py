"""A withdrawn or re-typed case leaves no pending check behind: its pending clearances are
cancelled in the same move, and the move's audit event names them."""

from __future__ import annotations

from tumen.audit.models import AuditEvent
from tumen.cases import services
from tumen.cases.models import Clearance, ClearanceStatus

from .conftest import clearance, fresh


def test_withdrawing_a_case_in_clearance_cancels_its_pending_checks(
    officer, yanji_clerk, submitted_relocation
):
    case = submitted_relocation
    granted = clearance(case, "customs")
    services.clearance_grant(
        official=officer("yanji-customs", "clearing_officer"),
        clearance_id=granted.pk,
        version=granted.version,
    )
    case = fresh(case)

    services.case_withdraw(
        official=yanji_clerk, case_id=case.pk, version=case.version, reason="The family stays."
    )

    statuses = dict(Clearance.objects.filter(case=case).values_list("unit_kind", "status"))
    assert statuses.pop("customs") == ClearanceStatus.CLEARED
    assert set(statuses.values()) == {ClearanceStatus.CANCELLED}
    cancelled = sorted(
        Clearance.objects.filter(case=case, status=ClearanceStatus.CANCELLED).values_list(
            "pk", flat=True
        )
    )
    event = AuditEvent.objects.get(action="case.withdrawn")
    assert event.payload["cancelled_clearances"] == cancelled
    assert not Clearance.objects.filter(status=ClearanceStatus.PENDING, case=case).exists()
