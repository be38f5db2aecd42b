"""The audit chain: append, refuse changes, detect tampering, deletion and a cut tail."""

from __future__ import annotations

import itertools
import json
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, close_old_connections, connection, transaction

from tumen.audit.db import triggers_suspended
from tumen.audit.models import GENESIS_HASH, AuditEvent
from tumen.audit.services import audit_record
from tumen.audit.verify import seal_head, verify_chain, verify_seal


@pytest.fixture
def seal_paths(settings, tmp_path):
    settings.TUMEN_AUDIT_SEAL_FILE = tmp_path / "seal.json"
    settings.TUMEN_AUDIT_KEY_FILE = tmp_path / "keys" / "seal.pem"
    return settings


@pytest.fixture
def three_events(yanji_clerk):
    return [audit_record(actor=yanji_clerk, action="test.step", payload={"n": n}) for n in range(3)]


def _raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_each_event_links_to_the_one_before(three_events):
    first = AuditEvent.objects.order_by("seq").first()
    assert first.seq == 1
    assert first.prev_hash == GENESIS_HASH
    assert [e.seq for e in three_events] == [three_events[0].seq + n for n in range(3)]
    chain = list(AuditEvent.objects.order_by("seq"))
    for earlier, later in itertools.pairwise(chain):
        assert later.prev_hash == earlier.row_hash
        assert later.seq == earlier.seq + 1
    assert verify_chain().ok


def test_event_records_actor_unit_and_target(yanji_clerk):
    event = audit_record(actor=yanji_clerk, action="test.target", target=yanji_clerk.unit)
    assert event.actor_username == "t.yanji.clerk"
    assert event.unit_id == yanji_clerk.unit_id
    assert (event.object_type, event.object_id) == ("org.workunit", str(yanji_clerk.unit_id))


def test_floats_are_refused_because_they_do_not_round_trip(yanji_clerk):
    with pytest.raises(TypeError, match="floats"):
        audit_record(actor=yanji_clerk, action="test.float", payload={"x": 0.1})


@pytest.mark.parametrize("statement", ["UPDATE", "DELETE"])
def test_database_refuses_update_and_delete(three_events, statement):
    sql = (
        "UPDATE audit_auditevent SET action = 'forged' WHERE seq = %s"
        if statement == "UPDATE"
        else "DELETE FROM audit_auditevent WHERE seq = %s"
    )
    middle = three_events[1].seq
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _raw(sql, [middle])
    assert AuditEvent.objects.get(seq=middle).action == "test.step"


def test_orm_delete_is_refused_too(three_events):
    before = AuditEvent.objects.count()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(seq=three_events[0].seq).delete()
    assert AuditEvent.objects.count() == before


def test_verify_names_an_altered_event(three_events):
    middle = three_events[1].seq
    with triggers_suspended():
        _raw("UPDATE audit_auditevent SET payload = %s WHERE seq = %s", ['{"n": 99}', middle])
    finding = verify_chain()
    assert not finding.ok
    assert finding.broken_seq == middle
    assert "altered" in finding.message


def test_verify_names_a_relinked_event(three_events):
    last = three_events[2].seq
    with triggers_suspended():
        _raw("UPDATE audit_auditevent SET prev_hash = %s WHERE seq = %s", ["f" * 64, last])
    finding = verify_chain()
    assert (finding.ok, finding.broken_seq) == (False, last)


def test_verify_names_a_deleted_event(three_events):
    middle = three_events[1].seq
    with triggers_suspended():
        _raw("DELETE FROM audit_auditevent WHERE seq = %s", [middle])
    finding = verify_chain()
    assert (finding.ok, finding.broken_seq) == (False, middle)
    assert "missing" in finding.message


def test_seal_catches_a_cut_tail(three_events, seal_paths):
    seal_head()
    assert verify_seal().ok
    with triggers_suspended():
        _raw("DELETE FROM audit_auditevent WHERE seq = %s", [three_events[2].seq])
    # The chain that is left is internally consistent: only the seal can tell.
    assert verify_chain().ok
    finding = verify_seal()
    assert not finding.ok
    assert "tail was cut" in finding.message


def test_seal_catches_a_forged_seal_file(three_events, seal_paths):
    seal_head()
    path = seal_paths.TUMEN_AUDIT_SEAL_FILE
    seal = json.loads(path.read_text())
    seal["seq"] = three_events[1].seq
    path.write_text(json.dumps(seal))
    finding = verify_seal()
    assert not finding.ok
    assert "signature" in finding.message


def test_seal_key_file_is_private(three_events, seal_paths):
    seal_head()
    assert seal_paths.TUMEN_AUDIT_KEY_FILE.stat().st_mode & 0o077 == 0


def test_verify_command_passes_then_fails_on_tampering(three_events, seal_paths, capsys):
    call_command("audit", "seal")
    call_command("audit", "verify")
    assert "chain intact" in capsys.readouterr().out
    first = three_events[0].seq
    with triggers_suspended():
        _raw("UPDATE audit_auditevent SET action = %s WHERE seq = %s", ["forged", first])
    with pytest.raises(CommandError, match=f"event {first} was altered"):
        call_command("audit", "verify")


def test_verify_command_fails_on_cut_tail(three_events, seal_paths):
    call_command("audit", "seal")
    with triggers_suspended():
        _raw("DELETE FROM audit_auditevent WHERE seq = %s", [three_events[2].seq])
    with pytest.raises(CommandError, match="tail was cut"):
        call_command("audit", "verify")


def test_concurrent_writers_keep_one_unbroken_chain(committed_db, postgres_only):
    writers, per_writer = 6, 15
    barrier = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            barrier.wait()
            for n in range(per_writer):
                with transaction.atomic():
                    audit_record(
                        actor=None, action="test.concurrent", payload={"worker": worker, "n": n}
                    )
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEvent.objects.filter(action="test.concurrent").count() == writers * per_writer
    finding = verify_chain()
    assert finding.ok, finding.message
