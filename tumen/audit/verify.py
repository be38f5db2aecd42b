"""Walking the chain, and the signed head kept outside the database."""

from __future__ import annotations

import base64
import datetime
import json
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.utils import timezone

from tumen.audit.models import GENESIS_HASH, AuditEvent
from tumen.audit.services import chain_head, compute_row_hash
from tumen.lib.canonical import canonical_bytes
from tumen.lib.files import private_directory, write_private


@dataclass(frozen=True)
class Finding:
    ok: bool
    checked: int
    message: str
    broken_seq: int | None = None


def verify_chain(*, chunk_size: int = 5000) -> Finding:
    """Recompute every hash in order; name the first event that does not fit."""
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=chunk_size):
        if event.seq != expected_seq:
            return Finding(
                False,
                checked,
                f"event {expected_seq} is missing (deleted): the log "
                f"jumps from {expected_seq - 1} to {event.seq}.",
                expected_seq,
            )
        if event.prev_hash != prev_hash:
            return Finding(
                False,
                checked,
                f"event {event.seq} does not link to event "
                f"{event.seq - 1}: its previous hash differs.",
                event.seq,
            )
        if compute_row_hash(event) != event.row_hash:
            return Finding(
                False,
                checked,
                f"event {event.seq} was altered: its content no longer matches its hash.",
                event.seq,
            )
        prev_hash, expected_seq, checked = event.row_hash, expected_seq + 1, checked + 1
    return Finding(True, checked, f"{checked} events, chain intact.")


def _seal_message(seq: int, row_hash: str, sealed_at: str) -> bytes:
    # The time is signed too, so an old seal cannot be passed off as a fresh one.
    return canonical_bytes({"seq": seq, "row_hash": row_hash, "sealed_at": sealed_at})


def _load_key(path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key.")
    return key


def _load_or_create_key(path: Path) -> Ed25519PrivateKey:
    if path.exists():
        return _load_key(path)
    private_directory(path.parent)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    write_private(path, pem)
    return key


def seal_locations() -> list[Path]:
    """Where seals are kept: the seal file, and the copy (TUMEN_AUDIT_SEAL_COPY) when set.

    Each is written at every seal and each is checked by verify, so deleting or rolling back one
    file is caught by the other.
    """
    copy = getattr(settings, "TUMEN_AUDIT_SEAL_COPY", None)
    return [Path(settings.TUMEN_AUDIT_SEAL_FILE), *([Path(copy)] if copy else [])]


def seal_head() -> dict:
    """Sign the current head (sequence and hash) and write it to every seal location.

    With TUMEN_AUDIT_SEAL_COMMAND set, the seal (JSON) is also piped to that command, e.g. one
    that ships it to another host; a failing command makes the seal fail loudly.
    """
    seq, row_hash = chain_head()
    key = _load_or_create_key(Path(settings.TUMEN_AUDIT_KEY_FILE))
    public = key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    sealed_at = timezone.now().isoformat(timespec="seconds")
    seal = {
        "seq": seq,
        "row_hash": row_hash,
        "sealed_at": sealed_at,
        "public_key": base64.b64encode(public).decode("ascii"),
        "signature": base64.b64encode(key.sign(_seal_message(seq, row_hash, sealed_at))).decode(
            "ascii"
        ),
    }
    text = json.dumps(seal, indent=2) + "\n"
    for path in seal_locations():
        private_directory(path.parent)
        temporary = path.with_suffix(".tmp")
        write_private(temporary, text.encode("utf-8"))
        temporary.replace(path)
    command = getattr(settings, "TUMEN_AUDIT_SEAL_COMMAND", "")
    if command:
        subprocess.run(shlex.split(command), input=text, text=True, check=True, timeout=60)  # noqa: S603
    return seal


def _read_seal(path: Path) -> dict | Finding:
    if not path.exists():
        return Finding(
            False,
            0,
            f"the seal {path} is missing: it was deleted, or the log was never sealed "
            f"(run `tumen worker`, which seals every minute, or `tumen audit seal`).",
        )
    try:
        seal = json.loads(path.read_text(encoding="utf-8"))
        seal["seq"], seal["row_hash"] = int(seal["seq"]), str(seal["row_hash"])
        seal["signature"] = base64.b64decode(seal["signature"])
        seal["sealed_at"] = datetime.datetime.fromisoformat(str(seal["sealed_at"]))
    except (ValueError, KeyError, TypeError) as exc:
        return Finding(False, 0, f"the seal file {path} is unreadable ({exc}).")
    return seal


def _check_one(path: Path, key: Ed25519PrivateKey, now: datetime.datetime) -> Finding:
    seal = _read_seal(path)
    if isinstance(seal, Finding):
        return seal
    seq, row_hash = seal["seq"], seal["row_hash"]
    message = _seal_message(seq, row_hash, seal["sealed_at"].isoformat(timespec="seconds"))
    try:
        key.public_key().verify(seal["signature"], message)
    except InvalidSignature:
        return Finding(False, 0, f"the signature of {path} is not valid: the seal was altered.")
    age = (now - seal["sealed_at"]).total_seconds()
    window = settings.TUMEN_AUDIT_SEAL_WINDOW_SECONDS
    if age > window:
        return Finding(
            False,
            0,
            f"the seal {path} is {int(age)} s old, more than the {window} s window: sealing has "
            f"stopped, or an old seal was put back; events after event {seq} are unprotected.",
        )
    if seq == 0:
        return Finding(True, 0, "the seal was made on an empty log.")
    sealed = AuditEvent.objects.filter(seq=seq).values_list("row_hash", flat=True).first()
    if sealed is None:
        last_seq, _hash = chain_head()
        return Finding(
            False,
            0,
            f"the log ends at event {last_seq} but the seal names event {seq}: the tail was cut.",
            last_seq + 1,
        )
    if sealed != row_hash:
        return Finding(False, 0, f"event {seq} differs from the sealed head.", seq)
    return Finding(True, 0, f"the sealed head (event {seq}) is present and matches.")


def verify_seal(*, now: datetime.datetime | None = None) -> Finding:
    """Check every seal against the database: present, signed, fresh, and naming a real event."""
    key_path = Path(settings.TUMEN_AUDIT_KEY_FILE)
    if not key_path.exists():
        return Finding(
            False, 0, f"the seal's key {key_path} is missing, so the seal cannot be checked."
        )
    key = _load_key(key_path)
    now = now or timezone.now()
    findings = [_check_one(path, key, now) for path in seal_locations()]
    failed = [finding for finding in findings if not finding.ok]
    return failed[0] if failed else findings[0]
