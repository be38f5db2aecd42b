"""Signed trust and revocation lists as files, for checkpoints without a connection (no Django).

A directory exported by `tumen authorizations export-trust DIR` holds:

    anchor.pem        the deployment's list-signing public key (checkpoints may pin their own copy)
    trust-list.json   the issuing authorities' public keys, key ids and periods of validity
    revocations.json  the numbers of revoked and superseded documents

Each list is `{"format", "body", "anchor_kid", "signature"}`: an Ed25519 signature by the anchor
over the canonical JSON of format and body, checked before the body is used.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from tumen.authorizations.tmn1 import TrustedKey, key_id, raw_sign, raw_verify

TRUST_LIST, REVOCATIONS, ANCHOR = "trust-list.json", "revocations.json", "anchor.pem"
TRUST_FORMAT, REVOCATION_FORMAT = "tumen-trust-list/1", "tumen-revocations/1"
MAX_LIST_BYTES = 10_000_000


class TrustFileError(Exception):
    """A list is missing, unreadable, or not signed by the anchor."""


def _canonical(fmt: str, body: dict) -> bytes:
    return json.dumps(
        {"format": fmt, "body": body}, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()


def signed_list(fmt: str, body: dict, anchor_private) -> dict:
    signature = raw_sign(anchor_private, _canonical(fmt, body))
    return {
        "format": fmt,
        "body": body,
        "anchor_kid": key_id(anchor_private.public_key()).hex(),
        "signature": base64.b64encode(signature).decode(),
    }


def _key_json(key: TrustedKey) -> dict:
    pem = key.public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return {
        "kid": key.kid.hex(),
        "authority": key.authority,
        "alg": key.alg,
        "public_key": pem.decode(),
        "not_before": key.not_before.isoformat(),
        "sign_until": key.sign_until.isoformat(),
    }


def export(
    directory: Path,
    *,
    keys: list[TrustedKey],
    revoked: dict[str, str],
    anchor_private,
    now: dt.datetime,
) -> list[Path]:
    """Write the anchor's public key and both signed lists into `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    trust = {"issued_at": now.isoformat(), "keys": [_key_json(k) for k in keys]}
    revocations = {"issued_at": now.isoformat(), "documents": dict(sorted(revoked.items()))}
    anchor_pem = anchor_private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    files = {
        ANCHOR: anchor_pem,
        TRUST_LIST: _dump(signed_list(TRUST_FORMAT, trust, anchor_private)),
        REVOCATIONS: _dump(signed_list(REVOCATION_FORMAT, revocations, anchor_private)),
    }
    for name, content in files.items():
        (directory / name).write_bytes(content)
    return [directory / name for name in files]


def _dump(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=1).encode()


def _read_json(path: Path) -> dict:
    try:
        if path.stat().st_size > MAX_LIST_BYTES:
            raise TrustFileError(f"{path.name} is larger than any list Tumen writes")
        document = json.loads(path.read_bytes())
    except OSError as exc:
        raise TrustFileError(f"{path.name} cannot be read ({exc.strerror})") from None
    except ValueError:
        raise TrustFileError(f"{path.name} is not JSON") from None
    if not isinstance(document, dict):
        raise TrustFileError(f"{path.name} is not a signed list")
    return document


def _verified_body(path: Path, fmt: str, anchor_public) -> dict:
    document = _read_json(path)
    body = document.get("body")
    if document.get("format") != fmt or not isinstance(body, dict):
        raise TrustFileError(f"{path.name} is not a {fmt} file")
    try:
        signature = base64.b64decode(document.get("signature", ""), validate=True)
    except ValueError:
        raise TrustFileError(f"{path.name}: the signature is not Base64") from None
    if not raw_verify(anchor_public, signature, _canonical(fmt, body)):
        raise TrustFileError(f"{path.name} is not signed by the trust anchor")
    return body


def load_anchor(path: Path):
    try:
        return serialization.load_pem_public_key(path.read_bytes())
    except OSError as exc:
        raise TrustFileError(f"{path.name} cannot be read ({exc.strerror})") from None
    except ValueError:
        raise TrustFileError(f"{path.name} is not a PEM public key") from None


def _trusted_key(item: dict) -> TrustedKey:
    public_key = serialization.load_pem_public_key(item["public_key"].encode())
    return TrustedKey(
        kid=bytes.fromhex(item["kid"]),
        authority=item["authority"],
        public_key=public_key,
        not_before=dt.datetime.fromisoformat(item["not_before"]),
        sign_until=dt.datetime.fromisoformat(item["sign_until"]),
    )


def load(directory: Path, *, anchor: Path | None = None):
    """The trusted keys by key id and the revoked numbers, from a directory of signed lists."""
    anchor_public = load_anchor(anchor or directory / ANCHOR)
    trust = _verified_body(directory / TRUST_LIST, TRUST_FORMAT, anchor_public)
    revocations = _verified_body(directory / REVOCATIONS, REVOCATION_FORMAT, anchor_public)
    try:
        keys = [_trusted_key(item) for item in trust["keys"]]
        revoked = {str(k): str(v) for k, v in revocations["documents"].items()}
    except (KeyError, TypeError, ValueError) as exc:
        raise TrustFileError(f"a signed list lacks a field ({exc!r})") from None
    for key in keys:
        if key_id(key.public_key) != key.kid:
            raise TrustFileError(f"trust list: key id {key.kid.hex()} does not match its key")
    return {key.kid: key for key in keys}, revoked
