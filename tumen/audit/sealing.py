"""Sealing on a schedule: the worker seals the head every TUMEN_AUDIT_SEAL_SECONDS and once more
when it stops cleanly, so a cut tail is caught by `tumen audit verify` within the window.

django-tasks and django-tasks-db have no periodic tasks, so the worker command runs this in a
thread of its own beside the task loop (tumen.lib.periodic).
"""

from __future__ import annotations

from tumen.audit.verify import seal_head
from tumen.lib.periodic import Periodic


class Sealer(Periodic):
    """Seal at once, then every `every` seconds until stopped; stopping seals once more."""

    def __init__(self, every: float) -> None:
        super().__init__("tumen-audit-sealer", every, seal_head)

    @property
    def sealed(self) -> int:
        return self.rounds

    def seal(self) -> None:
        self.step()

    def stop(self) -> None:
        """Stop the schedule and seal the final head (clean shutdown)."""
        super().stop()
        self.step()
