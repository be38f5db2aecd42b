"""Walking the chain, and the signed head kept outside the database."""

from __future__ import annotations

import base64
import json
import os
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


def _seal_message(seq: int, row_hash: str) -> bytes:
    return canonical_bytes({"seq": seq, "row_hash": row_hash})


def _load_key(path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key.")
    return key


def _load_or_create_key(path: Path) -> Ed25519PrivateKey:
    if path.exists():
        return _load_key(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    return key


def seal_head() -> dict:
    """Sign the current head (sequence and hash) and write it to the seal file."""
    seq, row_hash = chain_head()
    key = _load_or_create_key(Path(settings.TUMEN_AUDIT_KEY_FILE))
    public = key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    seal = {
        "seq": seq,
        "row_hash": row_hash,
        "sealed_at": timezone.now().isoformat(timespec="seconds"),
        "public_key": base64.b64encode(public).decode("ascii"),
        "signature": base64.b64encode(key.sign(_seal_message(seq, row_hash))).decode("ascii"),
    }
    path = Path(settings.TUMEN_AUDIT_SEAL_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(seal, indent=2) + "\n", encoding="utf-8")
    temporary.replace(path)
    return seal


def verify_seal() -> Finding:
    """Check the signed head against the database: a cut tail leaves the seal pointing past it."""
    path = Path(settings.TUMEN_AUDIT_SEAL_FILE)
    if not path.exists():
        return Finding(True, 0, f"no seal at {path}; run `tumen audit seal` to protect the tail.")
    try:
        seal = json.loads(path.read_text(encoding="utf-8"))
        seq, row_hash = int(seal["seq"]), str(seal["row_hash"])
        signature = base64.b64decode(seal["signature"])
    except (ValueError, KeyError, TypeError) as exc:
        return Finding(False, 0, f"the seal file {path} is unreadable ({exc}).")
    key_path = Path(settings.TUMEN_AUDIT_KEY_FILE)
    if not key_path.exists():
        return Finding(
            False, 0, f"the seal's key {key_path} is missing, so the seal cannot be checked."
        )
    key = _load_key(key_path)
    try:
        key.public_key().verify(signature, _seal_message(seq, row_hash))
    except InvalidSignature:
        return Finding(False, 0, "the seal's signature is not valid: the seal file was altered.")
    if seq == 0:
        return Finding(True, 0, "the seal was made on an empty log.")
    sealed = AuditEvent.objects.filter(seq=seq).values_list("row_hash", flat=True).first()
    last_seq, _hash = chain_head()
    if sealed is None:
        return Finding(
            False,
            0,
            f"the log ends at event {last_seq} but the seal names event {seq}: the tail was cut.",
            last_seq + 1,
        )
    if sealed != row_hash:
        return Finding(False, 0, f"event {seq} differs from the sealed head.", seq)
    return Finding(True, 0, f"the sealed head (event {seq}) is present and matches.")
