"""`tumen worker`: django-tasks-db's worker, sealing the audit head every minute and at exit."""

from __future__ import annotations

from django.conf import settings
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from tumen.audit.sealing import Sealer


class Command(DbWorkerCommand):
    help = (
        "Run background tasks from the database queue (as db_worker does) and seal the audit "
        "head every TUMEN_AUDIT_SEAL_SECONDS and when stopped."
    )

    def handle(self, *args, **options):
        sealer = Sealer(every=settings.TUMEN_AUDIT_SEAL_SECONDS)
        sealer.start()
        try:
            return super().handle(*args, **options)
        finally:
            # Reached on SIGINT/SIGTERM too: the worker's handler leaves through sys.exit().
            sealer.stop()
