"""Signing keys: files outside the database, one directory per issuing authority.

    TUMEN_AUTHORIZATION_KEY_DIR/
        anchor-ed25519.pem            signs the exported trust and revocation lists
        <authority>/<kid>.pem         a private key (mode 0600)
        <authority>/<kid>.json        its algorithm and period: {"alg", "not_before", "sign_until"}

A key signs from `not_before` until `sign_until`; what it signed keeps verifying until the
document expires, so rotation (`rotate`) ends the old key's signing period and starts a new key
at the same instant, and both stay in the trust list.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings

from tumen.authorizations.tmn1 import TrustedKey, generate_private_key, key_id

SIGNING_DAYS = 365
ANCHOR_FILE = "anchor-ed25519.pem"


def key_dir() -> Path:
    return Path(settings.TUMEN_AUTHORIZATION_KEY_DIR)


def _write_private(path: Path, private_key) -> None:
    """Create the file with mode 0600 from the start; never overwrite an existing key."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)


# Parsed keys by file, kept while the file is unchanged (same inode, size and modification time):
# every approval signs, and parsing a PEM key costs more than the signature.
_PARSED: dict[Path, tuple[tuple, object]] = {}


def _read_private(path: Path):
    stat = path.stat()
    stamp = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
    cached = _PARSED.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    _PARSED[path] = (stamp, key)
    return key


def anchor_key() -> Ed25519PrivateKey:
    """The deployment's list-signing key, created on first use."""
    path = key_dir() / ANCHOR_FILE
    if not path.exists():
        # Another process may have created it first; then theirs is used.
        with contextlib.suppress(FileExistsError):
            _write_private(path, Ed25519PrivateKey.generate())
    return _read_private(path)


def _authority_dir(authority: str) -> Path:
    if not authority or "/" in authority or authority.startswith("."):
        raise ValueError(f"not an authority code: {authority!r}")
    return key_dir() / authority


def _trusted(authority: str, meta_path: Path) -> TrustedKey:
    meta = json.loads(meta_path.read_text())
    public = _read_private(meta_path.with_suffix(".pem")).public_key()
    return TrustedKey(
        kid=key_id(public),
        authority=authority,
        public_key=public,
        not_before=dt.datetime.fromisoformat(meta["not_before"]),
        sign_until=dt.datetime.fromisoformat(meta["sign_until"]),
    )


def authority_keys(authority: str) -> list[TrustedKey]:
    directory = _authority_dir(authority)
    if not directory.is_dir():
        return []
    return sorted(
        (_trusted(authority, path) for path in directory.glob("*.json")),
        key=lambda key: key.not_before,
    )


def all_keys() -> list[TrustedKey]:
    root = key_dir()
    if not root.is_dir():
        return []
    return [
        key
        for directory in sorted(root.iterdir())
        if directory.is_dir()
        for key in authority_keys(directory.name)
    ]


def create_key(authority: str, *, now: dt.datetime, alg: str | None = None) -> TrustedKey:
    # Whole seconds, as the documents' issue times (CWT `iat`) are.
    now = now.replace(microsecond=0)
    private = generate_private_key(alg or settings.TUMEN_AUTHORIZATION_ALG)
    kid = key_id(private.public_key()).hex()
    directory = _authority_dir(authority)
    _write_private(directory / f"{kid}.pem", private)
    meta = {
        "alg": settings.TUMEN_AUTHORIZATION_ALG if alg is None else alg,
        "not_before": now.isoformat(),
        "sign_until": (now + dt.timedelta(days=SIGNING_DAYS)).isoformat(),
    }
    (directory / f"{kid}.json").write_text(json.dumps(meta, indent=1))
    return _trusted(authority, directory / f"{kid}.json")


def signing_key(authority: str, *, now: dt.datetime):
    """(private key, trusted key) of the authority's key that signs now; created if none does."""
    current = [k for k in authority_keys(authority) if k.not_before <= now < k.sign_until]
    key = current[-1] if current else create_key(authority, now=now)
    return _read_private(_authority_dir(authority) / f"{key.kid.hex()}.pem"), key


def rotate(authority: str, *, now: dt.datetime, alg: str | None = None) -> TrustedKey:
    """End the signing period of the authority's current keys now, and start a new key."""
    now = now.replace(microsecond=0)
    for key in authority_keys(authority):
        if key.sign_until > now:
            meta_path = _authority_dir(authority) / f"{key.kid.hex()}.json"
            meta = json.loads(meta_path.read_text())
            meta["sign_until"] = now.isoformat()
            meta_path.write_text(json.dumps(meta, indent=1))
    return create_key(authority, now=now, alg=alg)
