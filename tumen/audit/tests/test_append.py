"""AUDIT_APPEND: one statement chains an event onto the head this process last wrote, and a
wrong guess (rolled back, or another writer came first) costs a re-read, never a broken chain."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tumen.audit import services
from tumen.audit.models import AuditEvent
from tumen.audit.services import audit_record, chain_head
from tumen.audit.verify import verify_chain


class Boom(Exception):
    pass


@transaction.atomic
def _record_then_fail(official) -> None:
    audit_record(actor=official, action="test.lost")
    raise Boom


def test_an_event_rolled_back_is_not_chained_onto(yanji_clerk):
    kept = audit_record(actor=yanji_clerk, action="test.kept")
    with pytest.raises(Boom):
        _record_then_fail(yanji_clerk)
    after = audit_record(actor=yanji_clerk, action="test.after")

    assert after.seq == kept.seq + 1
    assert after.prev_hash == kept.row_hash
    assert AuditEvent.objects.get(seq=after.seq).row_hash == after.row_hash
    assert verify_chain().ok


def test_an_event_appended_by_another_writer_is_chained_onto(yanji_clerk):
    first = audit_record(actor=yanji_clerk, action="test.first")
    other = audit_record(actor=yanji_clerk, action="test.other")
    # As if `other` had been written by another process: this one still guesses `first`.
    services._HEADS[connection.alias] = (first.seq, first.row_hash)
    mine = audit_record(actor=yanji_clerk, action="test.mine")

    assert (mine.seq, mine.prev_hash) == (other.seq + 1, other.row_hash)
    assert chain_head() == (mine.seq, mine.row_hash)
    assert verify_chain().ok


def test_a_guess_from_another_chain_is_not_trusted(yanji_clerk):
    audit_record(actor=yanji_clerk, action="test.first")
    services._HEADS[connection.alias] = (10**9, "f" * 64)
    event = audit_record(actor=yanji_clerk, action="test.next")

    assert event.seq == chain_head()[0]
    assert verify_chain().ok


def test_a_warm_append_is_one_statement_besides_the_chain_lock(yanji_clerk):
    audit_record(actor=yanji_clerk, action="test.warm")
    with CaptureQueriesContext(connection) as queries:
        audit_record(actor=yanji_clerk, action="test.measured", payload={"case": 1})
    inserts = [q["sql"] for q in queries if q["sql"].startswith("INSERT INTO audit_auditevent")]
    locks = [q["sql"] for q in queries if "pg_advisory_xact_lock" in q["sql"]]
    assert len(inserts) == 1
    assert len(queries) == len(inserts) + len(locks)
    assert len(locks) == (1 if connection.vendor == "postgresql" else 0)
    stored = AuditEvent.objects.order_by("-seq").first()
    assert stored.action == "test.measured"
    assert stored.payload == {"case": 1}
    assert verify_chain().ok


def _many(official, n: int, prefix: str = "test.many"):
    from tumen.audit.services import audit_record_many

    return audit_record_many(
        actor=official, events=[(f"{prefix}.{i}", official, {"i": i}) for i in range(n)]
    )


def test_many_events_go_in_with_one_statement_when_the_guess_is_right(yanji_clerk):
    audit_record(actor=yanji_clerk, action="test.warm")
    with CaptureQueriesContext(connection) as queries:
        rows = _many(yanji_clerk, 3)
    inserts = [q for q in queries if q["sql"].startswith("INSERT INTO audit_auditevent")]
    assert len(inserts) == 1
    assert [r.seq for r in rows] == [rows[0].seq, rows[0].seq + 1, rows[0].seq + 2]
    assert chain_head() == (rows[-1].seq, rows[-1].row_hash)
    assert verify_chain().ok


def test_many_events_after_another_writer_are_all_chained_or_none_is(yanji_clerk):
    first = audit_record(actor=yanji_clerk, action="test.first")
    other = audit_record(actor=yanji_clerk, action="test.other")
    # This process still guesses `first`: seq first+1 is taken, first+2 is free. The whole
    # batch must be refused on the guess (not just its first row) and chained onto `other`.
    services._HEADS[connection.alias] = (first.seq, first.row_hash)
    rows = _many(yanji_clerk, 3)

    assert (rows[0].seq, rows[0].prev_hash) == (other.seq + 1, other.row_hash)
    assert AuditEvent.objects.filter(seq__gt=other.seq).count() == 3
    assert verify_chain().ok


def test_many_events_are_written_in_batches(yanji_clerk):
    rows = _many(yanji_clerk, services.AUDIT_BATCH + 5, prefix="test.batch")
    assert AuditEvent.objects.filter(action__startswith="test.batch.").count() == len(rows)
    assert verify_chain().ok
