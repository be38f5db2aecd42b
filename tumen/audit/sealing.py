"""Sealing on a schedule: the worker seals the head every TUMEN_AUDIT_SEAL_SECONDS and once more
when it stops cleanly, so a cut tail is caught by `tumen audit verify` within the window.

django-tasks and django-tasks-db have no periodic tasks, so the worker command runs this in a
thread of its own beside the task loop.
"""

from __future__ import annotations

import logging
import threading

from django.db import close_old_connections, connection

from tumen.audit.verify import seal_head

logger = logging.getLogger(__name__)


class Sealer(threading.Thread):
    """Seal at once, then every `every` seconds until stopped; stopping seals once more."""

    def __init__(self, every: float) -> None:
        super().__init__(name="tumen-audit-sealer", daemon=True)
        self.every = every
        self.stopped = threading.Event()
        self.sealed = 0

    def seal(self) -> None:
        own_thread = threading.current_thread() is self
        try:
            if own_thread:
                close_old_connections()
            seal_head()
            self.sealed += 1
        except Exception:
            # Logged, not raised: the next round tries again, and verify reports a stale seal.
            logger.exception("Sealing the audit head failed.")
        finally:
            if own_thread:
                connection.close()

    def run(self) -> None:
        self.seal()
        while not self.stopped.wait(self.every):
            self.seal()

    def stop(self) -> None:
        """Stop the schedule and seal the final head (clean shutdown)."""
        self.stopped.set()
        if self.is_alive():
            self.join(timeout=self.every + 30)
        self.seal()
