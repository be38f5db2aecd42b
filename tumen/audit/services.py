"""Writing audit events. Every state change in Tumen calls `audit_record` inside its transaction."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection, models, transaction

from tumen.audit.models import GENESIS_HASH, AuditEvent
from tumen.lib import clock
from tumen.lib.canonical import canonical_bytes, canonical_value, sha256_hex

# Rows per AUDIT_APPEND in audit_record_many: 11 parameters a row plus 3 for the guard keeps a
# batch under every driver's limit on parameters (SQLite's is 32,766, PostgreSQL's 65,535).
AUDIT_BATCH = 200

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
# AUDIT_APPEND of several events: each row is one SELECT of the compound; the guard also asks
# that nothing follows the head, so either every row goes in or none does (a row of the batch
# skipped by ON CONFLICT would leave the next one chained onto a row that is not there).
_NOTHING_AFTER = " AND NOT EXISTS (SELECT 1 FROM audit_auditevent WHERE seq > %s)"


def _append_sql(vendor: str, *, genesis: bool, rows: int = 1) -> str:
    guard = _ONTO_GENESIS if genesis else _ONTO_ROW + (_NOTHING_AFTER if rows > 1 else "")
    selects = " UNION ALL ".join([f"SELECT {_VALUES[vendor]} WHERE {guard}"] * rows)
    return f"INSERT INTO audit_auditevent ({_COLUMNS}) {selects} ON CONFLICT (seq) DO NOTHING"


def _try_append(events: Sequence[AuditEvent], head: tuple[int, str]) -> bool:
    """AUDIT_APPEND of `events`, chained in order onto `head`; False (and nothing written) if
    `head` is not the chain's head."""
    seq, prev_hash = head
    ops = connection.ops
    params = []
    for event in events:
        seq += 1
        event.seq, event.prev_hash = seq, prev_hash
        event.row_hash = prev_hash = compute_row_hash(event)
        params += [
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
        if head[0]:
            params += [head[0], head[1]] + ([head[0]] if len(events) > 1 else [])
    sql = _append_sql(connection.vendor, genesis=not head[0], rows=len(events))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount == len(events)


def append(*events: AuditEvent) -> AuditEvent:
    """Chain `events` onto the head and insert them: one statement when this process wrote
    last. Returns the last."""
    alias = connection.alias
    head = _HEADS.get(alias)
    guessed = head is not None and _try_append(events, head)
    if not guessed and not _try_append(events, chain_head()):
        raise RuntimeError("The audit chain's head moved while this transaction held its lock.")
    last = events[-1]
    _HEADS[alias] = (last.seq, last.row_hash)
    for event in events:
        event._state.adding, event._state.db = False, alias
    return last


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


def audit_record_many(*, actor: Any | None, events: Sequence[tuple]) -> list[AuditEvent]:
    """Append many events (action, target, payload[, unit]) by one actor in the caller's
    transaction: the bulk services' form of audit_record, one event per change as ever, chained
    in order. Written in batches of AUDIT_BATCH rows, each with one AUDIT_APPEND."""
    rows = [
        _event(actor, action, target, payload, unit[0] if unit else None)
        for action, target, payload, *unit in events
    ]
    with transaction.atomic(savepoint=False):
        _lock_chain()
        for start in range(0, len(rows), AUDIT_BATCH):
            append(*rows[start : start + AUDIT_BATCH])
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
