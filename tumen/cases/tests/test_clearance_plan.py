"""The clearance action's count of pending siblings reads the case's own clearances, whatever
the number of pending clearances elsewhere (SQLite plans without statistics)."""

from __future__ import annotations

import pytest
from django.db import connection

from tumen.cases.clearances import _OTHERS_PENDING
from tumen.cases.models import ClearanceStatus

pytestmark = pytest.mark.django_db


def test_counting_pending_siblings_uses_the_cases_index_not_the_status_sweep():
    if connection.vendor != "sqlite":
        pytest.skip("the planner without statistics is SQLite's")
    sql = f"SELECT {_OTHERS_PENDING} FROM cases_clearance WHERE id = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", [ClearanceStatus.PENDING, 1])
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "(case_id=?)" in plan
    assert "clearance_overdue_sweep" not in plan


def test_the_count_is_the_same_on_every_engine(submitted_relocation):
    clearance = submitted_relocation.clearances.order_by("pk").first()
    pending = submitted_relocation.clearances.filter(status=ClearanceStatus.PENDING)
    sql = f"SELECT {_OTHERS_PENDING} FROM cases_clearance WHERE id = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [ClearanceStatus.PENDING, clearance.pk])
        (count,) = cursor.fetchone()
    assert count == pending.exclude(pk=clearance.pk).count() > 0
