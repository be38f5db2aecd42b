"""Writing audit events. Every state change in Tumen calls `audit_record` inside its transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import connection, models, transaction

from tumen.audit.models import GENESIS_HASH, AuditEvent
from tumen.lib import clock
from tumen.lib.canonical import canonical_bytes, canonical_value, sha256_hex

# Any constant works; it names the one lock that serialises appends to the chain on PostgreSQL.
_CHAIN_LOCK_KEY = 0x7475_6D65_6E00  # "tumen"


def compute_row_hash(event: AuditEvent) -> str:
    return sha256_hex(event.prev_hash.encode("ascii") + canonical_bytes(event.hashed_content()))


def _lock_chain() -> None:
    """Make concurrent appends take turns, so two writers never chain onto the same head.

    PostgreSQL: a transaction-scoped advisory lock, released at commit or rollback. SQLite: the
    connection opens transactions with BEGIN IMMEDIATE, which already admits one writer at a time.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


def chain_head() -> tuple[int, str]:
    last = AuditEvent.objects.order_by("-seq").values_list("seq", "row_hash").first()
    return last if last else (0, GENESIS_HASH)


def audit_record(
    *,
    actor: Any | None,
    action: str,
    target: models.Model | None = None,
    payload: Mapping[str, Any] | None = None,
    unit: Any | None = None,
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction.

    `actor` is the official (or None for the system); `unit` defaults to the actor's unit;
    `target` is the object the change is about. The payload must never carry more personal data
    than the change itself needs: ids and codes rather than names.
    """
    # Inside the caller's transaction a savepoint buys nothing: if the event cannot be written,
    # the change it records must not be committed either.
    with transaction.atomic(savepoint=False):
        _lock_chain()
        seq, prev_hash = chain_head()
        actor_pk = getattr(actor, "pk", None)
        if unit is None and actor is not None:
            unit_id = getattr(actor, "unit_id", None)
        else:
            unit_id = getattr(unit, "pk", None)
        event = AuditEvent(
            seq=seq + 1,
            occurred_at=clock.now(),
            actor_id=actor_pk,
            actor_username=getattr(actor, "username", "") or "",
            unit_id=unit_id,
            action=action,
            object_type=target._meta.label_lower if target is not None else "",
            object_id=str(target.pk) if target is not None else "",
            payload=canonical_value(dict(payload or {})),
            prev_hash=prev_hash,
        )
        event.row_hash = compute_row_hash(event)
        event.save(force_insert=True)
        return event


def audit_access_denied(*, official: Any, model: type[models.Model], object_id: Any) -> AuditEvent:
    """An official asked for an object outside their jurisdiction: record it, then carry on."""
    with transaction.atomic():
        return audit_record(
            actor=official if getattr(official, "is_authenticated", False) else None,
            action="access.denied",
            payload={"object_type": model._meta.label_lower, "object_id": str(object_id)},
        )
