"""Writing audit events. Every state change in Tumen calls `audit_record` inside its transaction."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection, models, transaction

from tumen.audit.models import GENESIS_HASH, AuditEvent
from tumen.lib import clock
from tumen.lib.canonical import canonical_bytes, canonical_value, sha256_hex
from tumen.lib.writes import insert_rows

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


# The head this process last appended, per database alias: (seq, row_hash). It may have been
# rolled back, or another process may have appended since; the append below checks both in the
# same statement, so a wrong guess costs one chain_head() read and never a broken chain.
_HEADS: dict[str, tuple[int, str]] = {}

_COLUMNS = (
    "seq, occurred_at, actor_id, actor_username, unit_id, action, object_type, object_id, "
    "payload, prev_hash, row_hash"
)
# AUDIT_APPEND: insert the event only if the row it chains onto is the head: that row exists,
# and no row holds the event's seq yet (seq is the primary key). Zero rows inserted means the
# guess was wrong. PostgreSQL types the selected literals; SQLite needs no casts.
_VALUES = {
    "sqlite": "%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s",
    "postgresql": (
        "%s::bigint, %s::timestamptz, %s::bigint, %s, %s::bigint, %s, %s, %s, %s::jsonb, %s, %s"
    ),
}
_ONTO_ROW = "EXISTS (SELECT 1 FROM audit_auditevent WHERE seq = %s AND row_hash = %s)"
_ONTO_GENESIS = "NOT EXISTS (SELECT 1 FROM audit_auditevent)"


def _append_sql(vendor: str, *, genesis: bool) -> str:
    return (
        f"INSERT INTO audit_auditevent ({_COLUMNS}) SELECT {_VALUES[vendor]} "
        f"WHERE {_ONTO_GENESIS if genesis else _ONTO_ROW} ON CONFLICT (seq) DO NOTHING"
    )


def _try_append(event: AuditEvent, head: tuple[int, str]) -> bool:
    """AUDIT_APPEND onto `head`; False if `head` is not the chain's head."""
    seq, prev_hash = head
    event.seq, event.prev_hash = seq + 1, prev_hash
    event.row_hash = compute_row_hash(event)
    ops = connection.ops
    params = [
        event.seq,
        ops.adapt_datetimefield_value(event.occurred_at),
        event.actor_id,
        event.actor_username,
        event.unit_id,
        event.action,
        event.object_type,
        event.object_id,
        json.dumps(event.payload),
        event.prev_hash,
        event.row_hash,
    ]
    if seq:
        params += [seq, prev_hash]
    with connection.cursor() as cursor:
        cursor.execute(_append_sql(connection.vendor, genesis=not seq), params)
        return cursor.rowcount == 1


def append(event: AuditEvent) -> AuditEvent:
    """Chain `event` onto the head and insert it: one statement when this process wrote last."""
    alias = connection.alias
    head = _HEADS.get(alias)
    guessed = head is not None and _try_append(event, head)
    if not guessed and not _try_append(event, chain_head()):
        raise RuntimeError("The audit chain's head moved while this transaction held its lock.")
    _HEADS[alias] = (event.seq, event.row_hash)
    event._state.adding, event._state.db = False, alias
    return event


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
        return append(_event(actor, action, target, payload, unit))


def _event(actor, action: str, target, payload, unit) -> AuditEvent:
    if unit is None and actor is not None:
        unit_id = getattr(actor, "unit_id", None)
    else:
        unit_id = getattr(unit, "pk", None)
    return AuditEvent(
        occurred_at=clock.now(),
        actor_id=getattr(actor, "pk", None),
        actor_username=getattr(actor, "username", "") or "",
        unit_id=unit_id,
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        payload=canonical_value(dict(payload or {})),
    )


def audit_record_many(
    *, actor: Any | None, events: Sequence[tuple[str, models.Model, Mapping[str, Any]]]
) -> list[AuditEvent]:
    """Append many events (action, target, payload) by one actor in the caller's transaction:
    the bulk services' form of audit_record, one event per change as ever, chained in order and
    written with INSERT_ROWS."""
    with transaction.atomic(savepoint=False):
        _lock_chain()
        seq, head = chain_head()
        rows = []
        for action, target, payload in events:
            event = _event(actor, action, target, payload, None)
            seq += 1
            event.seq, event.prev_hash = seq, head
            event.row_hash = head = compute_row_hash(event)
            rows.append(event)
        insert_rows(AuditEvent, rows)
        _HEADS[connection.alias] = (seq, head)
        return rows


def audit_access_denied(
    *,
    official: Any,
    model: type[models.Model],
    object_id: Any,
    reason: str = "",
    count: int = 0,
) -> AuditEvent:
    """An official asked for an object that is missing or outside their jurisdiction (object_id
    "" when nothing matched), or entered a unique value held outside it (reason
    "unique_clash"): record it, then carry on. With `count`, the event closes a burst of that
    many such denials (access.denied_burst; tumen.org.access counts them)."""
    payload = {"object_type": model._meta.label_lower, "object_id": str(object_id)}
    if reason:
        payload["reason"] = reason
    if count:
        payload["count"] = count
    with transaction.atomic():
        return audit_record(
            actor=official if getattr(official, "is_authenticated", False) else None,
            action="access.denied_burst" if count else "access.denied",
            payload=payload,
        )
