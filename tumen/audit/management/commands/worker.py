"""`tumen worker`: django-tasks-db's worker, sealing the audit head every minute and at exit,
and deleting stored Idempotency-Key answers past their retention every hour."""

from __future__ import annotations

from django.conf import settings
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from tumen.audit.sealing import Sealer
from tumen.tokens.retention import IdempotencyPruner


class Command(DbWorkerCommand):
    help = (
        "Run background tasks from the database queue (as db_worker does), seal the audit "
        "head every TUMEN_AUDIT_SEAL_SECONDS and when stopped, and delete stored "
        "Idempotency-Key answers older than TUMEN_IDEMPOTENCY_RETENTION_HOURS every "
        "TUMEN_IDEMPOTENCY_PRUNE_SECONDS."
    )

    def handle(self, *args, **options):
        sealer = Sealer(every=settings.TUMEN_AUDIT_SEAL_SECONDS)
        pruner = IdempotencyPruner(every=settings.TUMEN_IDEMPOTENCY_PRUNE_SECONDS)
        sealer.start()
        pruner.start()
        try:
            return super().handle(*args, **options)
        finally:
            # Reached on SIGINT/SIGTERM too: the worker's handler leaves through sys.exit().
            pruner.stop()
            sealer.stop()
