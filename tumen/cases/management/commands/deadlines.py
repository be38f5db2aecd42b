"""`tumen deadlines`: escalate overdue clearances now, or (--enqueue) leave it to the worker."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from tumen.cases.deadlines import deadlines_sweep
from tumen.cases.tasks import sweep_deadlines


class Command(BaseCommand):
    help = "Escalate every overdue clearance to the nearest unit of its kind above."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the sweep for the task worker (`tumen db_worker`) instead of running it.",
        )

    def handle(self, *args, enqueue: bool, **options):
        if enqueue:
            result = sweep_deadlines.enqueue()
            self.stdout.write(f"Deadline sweep queued as task {result.id}.")
            return
        report = deadlines_sweep()
        self.stdout.write(
            f"Overdue clearances: {report.overdue}; escalated: {report.escalated}; "
            f"with no unit above to escalate to: {report.unescalatable}."
        )
