"""The one clock: every "now" that services, the deadline sweep, the demo and tests use.

Nothing else calls `timezone.now()` for domain time. Tests and the demo move the clock with
`clock.frozen(at)` (a fixed instant) or `clock.set(at)`; `clock.reset()` returns to real time.
The setting is process-wide on purpose: the demo backdates a whole population in one thread,
and a test runs in one thread.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator

from django.utils import timezone

_fixed: datetime.datetime | None = None


def now() -> datetime.datetime:
    """The current instant, aware, from the fixed clock when one is set."""
    return _fixed if _fixed is not None else timezone.now()


def today() -> datetime.date:
    """The current date in the active time zone."""
    return timezone.localdate(now())


def set(at: datetime.datetime | None) -> None:
    """Fix the clock at `at` (aware), or return to real time with None."""
    global _fixed
    if at is not None and timezone.is_naive(at):
        raise ValueError("the clock takes an aware datetime")
    _fixed = at


def reset() -> None:
    set(None)


@contextlib.contextmanager
def frozen(at: datetime.datetime) -> Iterator[datetime.datetime]:
    """Fix the clock at `at` inside the block, then restore what was there before."""
    before = _fixed
    set(at)
    try:
        yield at
    finally:
        set(before)
