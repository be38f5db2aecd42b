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
