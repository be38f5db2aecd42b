"""Background work for cases, on Django's tasks API (the django-tasks backport on 5.2).

A task only calls a service; `tumen db_worker` runs them from the database queue.
"""

from __future__ import annotations

from django_tasks import task

from tumen.cases.deadlines import deadlines_sweep


@task()
def sweep_deadlines() -> dict:
    """Escalate overdue clearances; returns the sweep's counts."""
    return deadlines_sweep().as_dict()
