"""Seals: missing, stale, rewritten or cut, each is caught; the worker's schedule bounds the gap."""

from __future__ import annotations

import datetime
import json
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from tumen.audit.db import triggers_suspended
from tumen.audit.models import AuditEvent
from tumen.audit.sealing import Sealer
from tumen.audit.services import audit_record, compute_row_hash
from tumen.audit.verify import seal_head, verify_seal


@pytest.fixture
def seals(settings, tmp_path):
    settings.TUMEN_AUDIT_SEAL_FILE = tmp_path / "seal.json"
    settings.TUMEN_AUDIT_SEAL_COPY = str(tmp_path / "elsewhere" / "seal-copy.json")
    settings.TUMEN_AUDIT_KEY_FILE = tmp_path / "keys" / "seal.pem"
    settings.TUMEN_AUDIT_SEAL_WINDOW_SECONDS = 300
    return settings


@pytest.fixture
def events(yanji_clerk):
    return [audit_record(actor=yanji_clerk, action="test.step", payload={"n": n}) for n in range(4)]


def _cut_after(seq: int) -> None:
    with triggers_suspended(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq > %s", [seq])


def _later(seconds: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=seconds)


def test_verify_fails_when_the_seal_file_is_deleted(events, seals):
    call_command("audit", "seal")
    seals.TUMEN_AUDIT_SEAL_FILE.unlink()
    with pytest.raises(CommandError, match="missing"):
        call_command("audit", "verify")


def test_verify_fails_when_the_copy_is_deleted_though_the_seal_file_is_there(events, seals):
    seal_head()
    (seals.TUMEN_AUDIT_SEAL_FILE.parent / "elsewhere" / "seal-copy.json").unlink()
    finding = verify_seal()
    assert not finding.ok
    assert "seal-copy.json is missing" in finding.message


def test_verify_fails_when_a_log_was_never_sealed(events, seals):
    with pytest.raises(CommandError, match="missing"):
        call_command("audit", "verify")


def test_verify_fails_on_a_seal_older_than_the_window(events, seals):
    seal_head()
    assert verify_seal(now=_later(299)).ok
    finding = verify_seal(now=_later(301))
    assert not finding.ok
    assert "window" in finding.message


def test_a_tail_cut_after_the_last_seal_is_caught_once_the_window_passes(events, seals):
    """
    GIVEN a seal naming the last event but one
    WHEN the last event (written after the seal) is cut and sealing stops
    THEN verify fails as soon as the seal is older than the window
    """
    _cut_after(events[2].seq)
    seal_head()
    audit_record(actor=None, action="test.after_seal")
    _cut_after(events[2].seq)
    assert verify_seal().ok  # within the window the cut cannot be told from a quiet minute
    assert not verify_seal(now=_later(seals.TUMEN_AUDIT_SEAL_WINDOW_SECONDS + 1)).ok


def test_a_rewritten_chain_with_recomputed_hashes_is_caught_by_the_seal(events, seals):
    seal_head()
    last = AuditEvent.objects.get(seq=events[-1].seq)
    last.payload = {"n": "forged"}
    forged_hash = compute_row_hash(last)
    with triggers_suspended(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET payload = %s, row_hash = %s WHERE seq = %s",
            [json.dumps(last.payload), forged_hash, last.seq],
        )
    finding = verify_seal()
    assert not finding.ok
    assert "differs from the sealed head" in finding.message


def test_an_old_seal_put_back_with_a_new_date_fails_its_signature(events, seals):
    seal_head()
    path = seals.TUMEN_AUDIT_SEAL_FILE
    seal = json.loads(path.read_text())
    seal["sealed_at"] = _later(600).isoformat(timespec="seconds")
    path.write_text(json.dumps(seal))
    finding = verify_seal()
    assert not finding.ok
    assert "signature" in finding.message


def test_seals_and_keys_are_readable_by_their_owner_only(events, seals):
    seal_head()
    for path in (
        seals.TUMEN_AUDIT_SEAL_FILE,
        seals.TUMEN_AUDIT_SEAL_FILE.parent / "elsewhere" / "seal-copy.json",
        seals.TUMEN_AUDIT_KEY_FILE,
    ):
        assert path.stat().st_mode & 0o777 == 0o600, path
    assert seals.TUMEN_AUDIT_KEY_FILE.parent.stat().st_mode & 0o777 == 0o700


def test_the_seal_is_piped_to_the_configured_command(events, seals, tmp_path):
    shipped = tmp_path / "shipped.json"
    seals.TUMEN_AUDIT_SEAL_COMMAND = f"tee {shipped}"
    seal = seal_head()
    assert json.loads(shipped.read_text())["seq"] == seal["seq"]


def test_scheduled_sealing_keeps_the_seal_at_the_head_and_seals_on_stop(events, seals):
    """
    GIVEN the worker's sealer, sealing every 50 ms
    WHEN events are written while it runs, and it is stopped
    THEN the seal names the last event and is fresh, so verify passes; a later cut is caught
    """
    sealer = Sealer(every=0.05)
    threading.Timer(0.3, sealer.stopped.set).start()
    sealer.run()  # in this thread, so that it sees this test's transaction
    assert sealer.sealed >= 3
    newest = audit_record(actor=None, action="test.late")
    sealer.stop()
    seal = json.loads(seals.TUMEN_AUDIT_SEAL_FILE.read_text())
    assert seal["seq"] == newest.seq
    assert verify_seal().ok
    _cut_after(newest.seq - 1)
    assert "tail was cut" in verify_seal().message


def test_the_worker_seals_when_it_starts_and_when_it_stops(committed_db, seals):
    import signal

    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command("worker", batch=True, verbosity=0)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    assert AuditEvent.objects.exists()  # the reference data's own events
    seal = json.loads(seals.TUMEN_AUDIT_SEAL_FILE.read_text())
    assert seal["seq"] == AuditEvent.objects.order_by("-seq").values_list("seq", flat=True)[0]
    assert verify_seal().ok
