"""Jobs a long-running process repeats on a schedule in a thread of its own (the worker's audit
sealing and pruning of expired retry answers). django-tasks has no periodic tasks.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.db import close_old_connections, connection

logger = logging.getLogger(__name__)


class Periodic(threading.Thread):
    """Run `job` at once, then every `every` seconds until stopped.

    A failing round is logged, not raised: the next round tries again. In its own thread the job
    gets a fresh database connection each round and closes it afterwards.
    """

    def __init__(self, name: str, every: float, job: Callable[[], object]) -> None:
        super().__init__(name=name, daemon=True)
        self.every = every
        self.job = job
        self.stopped = threading.Event()
        self.rounds = 0

    def step(self) -> None:
        own_thread = threading.current_thread() is self
        try:
            if own_thread:
                close_old_connections()
            self.job()
            self.rounds += 1
        except Exception:
            logger.exception("The periodic job %s failed.", self.name)
        finally:
            if own_thread:
                connection.close()

    def run(self) -> None:
        self.step()
        while not self.stopped.wait(self.every):
            self.step()

    def stop(self) -> None:
        self.stopped.set()
        if self.is_alive():
            self.join(timeout=self.every + 30)
