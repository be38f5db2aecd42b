"""The deadline sweep, with the clock passed in; its command and its task."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tumen.audit.models import AuditEvent
from tumen.audit.verify import verify_chain
from tumen.cases import services
from tumen.cases.models import Clearance, ExistingIssue
from tumen.cases.tasks import sweep_deadlines

from .conftest import RELOCATION_DETAILS, fresh, open_case, submit

DAY = datetime.timedelta(days=1)


def escalations(case):
    rows = Clearance.objects.filter(case=case).select_related("unit", "escalated_to")
    return {c.unit.code: c.escalated_to.code if c.escalated_to else None for c in rows}


def test_nothing_is_escalated_before_the_deadline(submitted_relocation):
    report = services.deadlines_sweep(now=submitted_relocation.submitted_at + 9 * DAY)
    assert report.as_dict() == {"overdue": 0, "escalated": 0, "unescalatable": 0}


def test_overdue_clearances_go_up_once_to_the_nearest_unit_of_their_kind(
    submitted_relocation, officer
):
    """
    GIVEN a Yanji relocation whose four clearances were due after 10 days
    WHEN the sweep runs on day 11, and again
    THEN each clearance is escalated once, to the nearest unit of its kind above Yanji, which
         may then act on it
    """
    case = submitted_relocation
    later = case.submitted_at + 11 * DAY

    report = services.deadlines_sweep(now=later)

    assert report.as_dict() == {"overdue": 4, "escalated": 4, "unescalatable": 0}
    assert escalations(case) == {
        "yanji-security": "jilin-security",
        "yanji-foreign": "jilin-foreign",
        "yanji-border": "yanbian-border",
        "yanji-customs": "yanbian-customs",
    }
    assert ExistingIssue.objects.filter(case=case, kind="overdue").count() == 4
    events = AuditEvent.objects.filter(action="clearance.escalated", actor=None)
    assert events.count() == 4
    # Each event is the escalation's own, under the unit that now holds the clearance.
    assert {(e.unit.code, e.payload["to"]) for e in events} == {
        (code, code) for code in escalations(case).values()
    }
    assert fresh(case).version == 2 + 4
    assert services.deadlines_sweep(now=later + DAY).escalated == 0
    assert ExistingIssue.objects.filter(case=case, kind="overdue").count() == 4

    escalated = Clearance.objects.get(case=case, unit_kind="public_security")
    services.clearance_grant(
        official=officer("jilin-security"), clearance_id=escalated.pk, version=escalated.version
    )


def test_a_unit_with_nothing_above_it_keeps_its_overdue_clearance(officer, register):
    """Wangqing's border defence is already the prefecture's: there is no border unit above."""
    clerk = officer("wangqing-office", "clerk")
    case = submit(clerk, open_case(clerk, "relocation", [register("wangqing")], RELOCATION_DETAILS))
    report = services.deadlines_sweep(now=case.submitted_at + 11 * DAY)
    assert report.as_dict() == {"overdue": 4, "escalated": 2, "unescalatable": 2}
    assert escalations(case)["yanbian-border"] is None


def test_expedited_cases_escalate_after_two_days(officer, register, relate):
    clerk = officer("yanji-office", "clerk")
    person = register()
    relate(person, "officer_family", "Ri Chol")
    details = {"officer_name": "Ri Chol", "request_reference": "N-1"}
    case = submit(clerk, open_case(clerk, "family_travel", [person], details))
    assert services.deadlines_sweep(now=case.submitted_at + 2 * DAY - DAY / 24).escalated == 0
    assert services.deadlines_sweep(now=case.submitted_at + 2 * DAY + DAY / 24).escalated == 4


@pytest.fixture
def overdue_case(submitted_relocation):
    # The command and the task read the real clock, so the deadline is moved instead.
    Clearance.objects.filter(case=submitted_relocation).update(due_at=timezone.now() - 2 * DAY)
    return submitted_relocation


def test_the_command_sweeps_now_and_prints_the_counts(overdue_case):
    out = io.StringIO()
    call_command("deadlines", stdout=out)
    assert out.getvalue().strip() == (
        "Overdue clearances: 4; escalated: 4; with no unit above to escalate to: 0."
    )


def test_the_command_can_leave_the_sweep_to_the_worker(overdue_case):
    out = io.StringIO()
    call_command("deadlines", "--enqueue", stdout=out)
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "tumen.cases.tasks.sweep_deadlines"
    assert str(queued.id) in out.getvalue()
    assert not Clearance.objects.filter(escalated_to__isnull=False).exists()


def test_the_task_runs_the_sweep_through_the_tasks_backend(overdue_case, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    result = sweep_deadlines.enqueue()
    assert result.return_value == {"overdue": 4, "escalated": 4, "unescalatable": 0}


def test_a_batch_writes_its_issues_and_audit_events_with_one_statement_each(
    submitted_relocation,
):
    """The bulk sweep: per escalation only its own rows (lock, clearance, case); the batch's
    existing issues and audit events go in together."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    later = submitted_relocation.submitted_at + 11 * DAY
    with CaptureQueriesContext(connection) as queries:
        report = services.deadlines_sweep(now=later)
    assert report.escalated == 4
    sql = [q["sql"] for q in queries]
    assert sum(s.startswith("INSERT INTO audit_auditevent") for s in sql) == 1
    assert sum('INSERT INTO "cases_existingissue"' in s for s in sql) == 1
    assert verify_chain().ok
