"""The `TMN1:` travel-authorization format: a CWT in a COSE_Sign1, zlib, Base45 (no Django).

The shape is that of the EU digital COVID certificate (RFC 8392 claims, RFC 9052 COSE_Sign1,
RFC 9285 Base45), so that any COSE library can check a document; docs/authorizations.md lists the
claim keys. This module is all a checkpoint needs: `tumen verify` imports it with no database.

Verification order is the point: the text is decoded under a size cap, the signature is checked
with the key the trust list holds for the key id, and only then are the claims read. A refusal
carries one reason code from REASONS.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

PREFIX = "TMN1:"
# A typical document is ~350 bytes compressed, ~500 decompressed; anything far larger is refused
# before it is decompressed further (a zip bomb) or parsed.
MAX_TEXT = 4000
MAX_DECOMPRESSED = 4096

# COSE (RFC 9052 / IANA): header labels and algorithms.
HEADER_ALG, HEADER_KID = 1, 4
ES256, EDDSA = -7, -8
ALGORITHMS = {"ES256": ES256, "EdDSA": EDDSA}
COSE_SIGN1_TAG = 18
# CWT (RFC 8392) claim keys, and the one private claim that carries the document.
CLAIM_ISS, CLAIM_SUB, CLAIM_EXP, CLAIM_NBF, CLAIM_IAT, CLAIM_CTI = 1, 2, 4, 5, 6, 7
CLAIM_TUMEN = -70001

REASONS = {
    "valid": "valid",
    "malformed": "the text is not a TMN1 document",
    "too_large": "the document is larger than any travel authorization",
    "unknown_key": "signed with a key that is not in the trust list",
    "bad_signature": "the signature does not match the document",
    "key_not_valid": "signed outside the signing key's period of validity",
    "not_yet_valid": "not valid yet",
    "expired": "expired",
    "revoked": "revoked",
    "superseded": "replaced by a re-issued document",
}


class Refused(Exception):
    def __init__(self, reason: str, detail: str = ""):
        assert reason in REASONS, reason
        super().__init__(detail or REASONS[reason])
        self.reason, self.detail = reason, detail or REASONS[reason]


# Base45 (RFC 9285) --------------------------------------------------------------------------

B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_B45_VALUE = {char: index for index, char in enumerate(B45)}


def b45encode(data: bytes) -> str:
    out = []
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        out += [B45[n % 45], B45[n // 45 % 45], B45[n // 2025]]
    if len(data) % 2:
        out += [B45[data[-1] % 45], B45[data[-1] // 45]]
    return "".join(out)


def b45decode(text: str) -> bytes:
    try:
        values = [_B45_VALUE[char] for char in text]
    except KeyError as exc:
        raise Refused("malformed", f"Base45: {exc.args[0]!r} is not a Base45 character") from None
    if len(values) % 3 == 1:
        raise Refused("malformed", "Base45: the text has a stray last character")
    out = bytearray()
    for i in range(0, len(values), 3):
        group = values[i : i + 3]
        n = sum(v * 45**k for k, v in enumerate(group))
        if (len(group) == 3 and n > 0xFFFF) or (len(group) == 2 and n > 0xFF):
            raise Refused("malformed", "Base45: a group encodes more than its bytes can hold")
        out += n.to_bytes(len(group) - 1, "big")
    return bytes(out)


# Keys ---------------------------------------------------------------------------------------


def key_id(public_key) -> bytes:
    """8 bytes of SHA-256 over the public key's DER, as the EU certificates derive theirs."""
    der = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).digest()[:8]


def generate_private_key(alg: str):
    if alg == "ES256":
        return ec.generate_private_key(ec.SECP256R1())
    if alg == "EdDSA":
        return Ed25519PrivateKey.generate()
    raise ValueError(f"unknown algorithm {alg!r}; use ES256 or EdDSA")


def alg_of(key) -> str:
    if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey):
        return "ES256"
    if isinstance(key, Ed25519PrivateKey | Ed25519PublicKey):
        return "EdDSA"
    raise ValueError(f"unsupported key type {type(key).__name__}")


def raw_sign(private_key, message: bytes) -> bytes:
    """The COSE signature: Ed25519's 64 bytes, or ES256 as r || s (not DER)."""
    if alg_of(private_key) == "EdDSA":
        return private_key.sign(message)
    r, s = decode_dss_signature(private_key.sign(message, ec.ECDSA(hashes.SHA256())))
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def raw_verify(public_key, signature: bytes, message: bytes) -> bool:
    try:
        if alg_of(public_key) == "EdDSA":
            public_key.verify(signature, message)
        else:
            if len(signature) != 64:
                return False
            der = encode_dss_signature(
                int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
            )
            public_key.verify(der, message, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


@dataclass(frozen=True)
class TrustedKey:
    """A public key of an issuing authority, and when it may have signed."""

    kid: bytes
    authority: str
    public_key: Any
    not_before: dt.datetime
    # The key signs until `sign_until`; what it signed verifies until it expires.
    sign_until: dt.datetime

    @property
    def alg(self) -> str:
        return alg_of(self.public_key)


# The document -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    number: str
    authority: str
    holder: Mapping[str, str]  # {"hangul": …, "hanja": …, "latin": …}, the scripts on record
    birth_date: str
    nationality: str
    identity_number: str
    case_number: str
    case_type: str
    crossings: tuple[str, ...]
    valid_from: dt.datetime
    valid_until: dt.datetime
    single_use: bool
    issued_at: dt.datetime
    kid: bytes = field(default=b"", compare=False)

    def claims(self) -> dict:
        return {
            CLAIM_ISS: self.authority,
            CLAIM_SUB: self.number,
            CLAIM_EXP: _epoch(self.valid_until),
            CLAIM_NBF: _epoch(self.valid_from),
            CLAIM_IAT: _epoch(self.issued_at),
            CLAIM_CTI: self.number.encode(),
            CLAIM_TUMEN: {
                "v": 1,
                "h": dict(self.holder),
                "b": self.birth_date,
                "nat": self.nationality,
                "id": self.identity_number,
                "c": self.case_number,
                "t": self.case_type,
                "x": list(self.crossings),
                "u": self.single_use,
            },
        }

    @classmethod
    def from_claims(cls, claims: Mapping, kid: bytes) -> Document:
        try:
            body = claims[CLAIM_TUMEN]
            return cls(
                number=_text(claims[CLAIM_SUB]),
                authority=_text(claims[CLAIM_ISS]),
                holder={_text(k): _text(v) for k, v in body["h"].items()},
                birth_date=_text(body["b"]),
                nationality=_text(body["nat"]),
                identity_number=_text(body["id"]),
                case_number=_text(body["c"]),
                case_type=_text(body["t"]),
                crossings=tuple(_text(code) for code in body["x"]),
                valid_from=_from_epoch(claims[CLAIM_NBF]),
                valid_until=_from_epoch(claims[CLAIM_EXP]),
                single_use=bool(body["u"]),
                issued_at=_from_epoch(claims[CLAIM_IAT]),
                kid=kid,
            )
        except (KeyError, TypeError, AttributeError, ValueError, OverflowError) as exc:
            raise Refused("malformed", f"the claims are incomplete ({exc!r})") from None

    def as_json(self) -> dict:
        return {
            "number": self.number,
            "authority": self.authority,
            "holder": dict(self.holder),
            "birth_date": self.birth_date,
            "nationality": self.nationality,
            "identity_number": self.identity_number,
            "case_number": self.case_number,
            "case_type": self.case_type,
            "crossings": list(self.crossings),
            "valid_from": self.valid_from.isoformat(),
            "valid_until": self.valid_until.isoformat(),
            "single_use": self.single_use,
            "issued_at": self.issued_at.isoformat(),
            "kid": self.kid.hex(),
        }


def _text(value) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    return value


def _epoch(moment: dt.datetime) -> int:
    return int(moment.timestamp())


def _from_epoch(value) -> dt.datetime:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("a time claim must be whole seconds")
    return dt.datetime.fromtimestamp(value, tz=dt.UTC)


# Signing ------------------------------------------------------------------------------------


def _sig_structure(protected: bytes, payload: bytes) -> bytes:
    return cbor2.dumps(["Signature1", protected, b"", payload])


def sign_payload(payload: bytes, private_key) -> bytes:
    """A COSE_Sign1 message (CBOR, tag 18) over `payload`."""
    kid = key_id(private_key.public_key())
    protected = cbor2.dumps({HEADER_ALG: ALGORITHMS[alg_of(private_key)], HEADER_KID: kid})
    signature = raw_sign(private_key, _sig_structure(protected, payload))
    return cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, payload, signature]))


def encode(document: Document, private_key) -> str:
    """The document, signed, as the text a QR code carries: `TMN1:` + Base45(zlib(COSE))."""
    cose = sign_payload(cbor2.dumps(document.claims()), private_key)
    return PREFIX + b45encode(zlib.compress(cose, 9))


# Verifying ----------------------------------------------------------------------------------


def _decompress(data: bytes) -> bytes:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, MAX_DECOMPRESSED)
    except zlib.error:
        raise Refused("malformed", "the document is not zlib-compressed") from None
    if inflater.unconsumed_tail or (not inflater.eof and inflater.decompress(b"", 1)):
        raise Refused("too_large", f"the document unpacks to more than {MAX_DECOMPRESSED} bytes")
    if not inflater.eof:
        raise Refused("malformed", "the compressed document is cut short")
    return out


def _cose_parts(text: str) -> tuple[bytes, dict, bytes, bytes]:
    # A trailing space is Base45; only line ends around the text are dropped.
    text = text.lstrip().rstrip("\r\n")
    if not text.startswith(PREFIX):
        raise Refused("malformed", f"the text does not begin with {PREFIX}")
    if len(text) > MAX_TEXT:
        raise Refused("too_large", f"the text is longer than {MAX_TEXT} characters")
    raw = _decompress(b45decode(text[len(PREFIX) :]))
    # cbor2 6 decodes arrays as tuples and maps as read-only mappings.
    try:
        message = cbor2.loads(raw)
    except (cbor2.CBORDecodeError, ValueError, RecursionError):
        raise Refused("malformed", "the document is not CBOR") from None
    if isinstance(message, cbor2.CBORTag) and message.tag == COSE_SIGN1_TAG:
        message = message.value
    if not (isinstance(message, list | tuple) and len(message) == 4):
        raise Refused("malformed", "the document is not a COSE_Sign1 message")
    protected, _unprotected, payload, signature = message
    if not all(isinstance(part, bytes) for part in (protected, payload, signature)):
        raise Refused("malformed", "the COSE_Sign1 message has parts of the wrong type")
    try:
        header = cbor2.loads(protected)
    except (cbor2.CBORDecodeError, ValueError):
        raise Refused("malformed", "the protected header is not CBOR") from None
    if not isinstance(header, Mapping):
        raise Refused("malformed", "the protected header is not a map")
    return protected, header, payload, signature


def verify(
    text: str,
    trusted: Mapping[bytes, TrustedKey],
    *,
    now: dt.datetime,
    revoked: Mapping[str, str] | None = None,
) -> Document:
    """The document if `text` verifies now; otherwise `Refused` with the reason.

    `revoked` maps a document number to "revoked" or "superseded" (the revocation list).
    """
    protected, header, payload, signature = _cose_parts(text)
    kid = header.get(HEADER_KID)
    key = trusted.get(kid) if isinstance(kid, bytes) else None
    if key is None:
        raise Refused("unknown_key", f"key id {_hex(kid)} is not in the trust list")
    if header.get(HEADER_ALG) != ALGORITHMS[key.alg]:
        raise Refused("bad_signature", f"key {kid.hex()} signs with {key.alg} only")
    if not raw_verify(key.public_key, signature, _sig_structure(protected, payload)):
        raise Refused("bad_signature")
    # Only now, with the signature checked, are the claims read.
    try:
        claims = cbor2.loads(payload)
    except (cbor2.CBORDecodeError, ValueError):
        raise Refused("malformed", "the signed claims are not CBOR") from None
    if not isinstance(claims, Mapping):
        raise Refused("malformed", "the signed claims are not a map")
    document = Document.from_claims(claims, kid)
    _check_times(document, key, now)
    state = (revoked or {}).get(document.number)
    if state is not None:
        raise Refused("superseded" if state == "superseded" else "revoked")
    return document


def _check_times(document: Document, key: TrustedKey, now: dt.datetime) -> None:
    if document.authority != key.authority:
        raise Refused("unknown_key", f"key {key.kid.hex()} is not {document.authority}'s")
    if not key.not_before <= document.issued_at <= key.sign_until:
        raise Refused("key_not_valid")
    if now < document.valid_from:
        raise Refused("not_yet_valid", f"valid from {document.valid_from.date().isoformat()}")
    if now > document.valid_until:
        raise Refused("expired", f"expired on {document.valid_until.date().isoformat()}")


def _hex(value) -> str:
    return value.hex() if isinstance(value, bytes) else repr(value)


def trusted_by_kid(keys: Iterable[TrustedKey]) -> dict[bytes, TrustedKey]:
    return {key.kid: key for key in keys}
