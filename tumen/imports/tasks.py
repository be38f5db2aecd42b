"""Background work for imports: a large file never holds up a web process.

The upload page records the run and enqueues `run_import` on commit; `tumen db_worker` picks it up.
"""

from __future__ import annotations

from django_tasks import task

from tumen.imports.models import ImportRun
from tumen.imports.services import ImportRefused, import_run


@task()
def run_import(run_id: int) -> dict:
    """Carry out a recorded import run; returns its counts."""
    run = ImportRun.objects.select_related("actor__unit__jurisdiction").get(pk=run_id)
    try:
        run = import_run(run=run)
    except ImportRefused:
        run.refresh_from_db()
    return {
        "status": run.status,
        "imported": run.rows_imported,
        "skipped": run.rows_skipped,
        "rejected": run.rows_rejected,
    }
