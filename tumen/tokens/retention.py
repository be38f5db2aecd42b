"""Answers kept for retried requests (Idempotency-Key) are deleted after their retention.

A retry is a client's reaction to a lost answer: it comes within seconds or minutes. After
TUMEN_IDEMPOTENCY_RETENTION_HOURS the stored answer is deleted; a late retry of an action then
meets the record's new version (412, since it still carries the old If-Match), and a late
retry of a create makes a new record, as a new request would.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.utils import timezone

from tumen.lib.periodic import Periodic
from tumen.tokens.models import IdempotentRequest

logger = logging.getLogger(__name__)


def retention() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.TUMEN_IDEMPOTENCY_RETENTION_HOURS)


def idempotency_prune(now: datetime.datetime | None = None) -> int:
    """Delete the stored answers older than the retention; how many were deleted."""
    cutoff = (now or timezone.now()) - retention()
    deleted, _by_model = IdempotentRequest.objects.filter(created_at__lt=cutoff).delete()
    if deleted:
        logger.info("Pruned %d stored idempotent answers older than %s.", deleted, retention())
    return deleted


class IdempotencyPruner(Periodic):
    """`tumen worker` prunes at start and every TUMEN_IDEMPOTENCY_PRUNE_SECONDS."""

    def __init__(self, every: float) -> None:
        super().__init__("tumen-idempotency-pruner", every, idempotency_prune)
