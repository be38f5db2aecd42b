"""Reading clearances: what awaits a clearing unit, and one clearance of a case for its page.

Every read goes through the access module (`scope`, `get_for_user`).
"""

from __future__ import annotations

from django.db.models import (
    Q,
    QuerySet,
)

from tumen.cases.models import (
    Clearance,
    ClearanceStatus,
    Status,
)
from tumen.org.access import get_for_user, scope
from tumen.org.models import Official


def clearances_for_unit(official: Official) -> QuerySet[Clearance]:
    """Pending clearances the official's unit must act on, its own and those escalated to it."""
    # The status sits inside each branch so that each can use its own index (clearance_worklist,
    # and the escalated_to index); an OR around them made SQLite read every pending clearance.
    pending = ClearanceStatus.PENDING
    mine = Q(unit_id=official.unit_id, status=pending) | Q(
        escalated_to_id=official.unit_id, status=pending
    )
    queue = scope(Clearance.objects.all(), official).filter(mine, case__status=Status.IN_CLEARANCE)
    return (
        queue.select_related("case__jurisdiction", "case__policy_pack", "unit", "escalated_to")
        .defer("case__policy_pack__document")
        .order_by("-case__priority", "due_at", "pk")
    )


def clearance_of_case(official: Official, number: str, kind: str) -> Clearance:
    """The clearance of kind `kind` on case `number`, if the official may see it; else the 404."""
    clearances = Clearance.objects.select_related(
        "case__policy_pack", "case__jurisdiction", "unit", "escalated_to", "member__person"
    )
    return get_for_user(official, clearances, case__number=number, unit_kind=kind)
