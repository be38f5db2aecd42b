"""What may be presented at a crossing: one valid document and every kind of bad one, each made
once here and driven through every channel (the checkpoint page, `tumen verify`, the API) by
tests/test_channels.py.

Every bad document starts from a real one: a Kim household approved through the case services,
its single-use document signed with this deployment's key. `ROWS` is the table: for each kind,
how to make it, and the reason each channel must give. The page and the API check online (the
database knows what crossed and what is on record); `tumen verify` checks against the exported
lists only, so it cannot know that a single-use document has crossed or that a number is not on
record, and accepts those two; that is the format's design (docs/authorizations.md).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from io import StringIO
from pathlib import Path

import cbor2
import pytest
from django.core.management import call_command
from django.test import override_settings

from tumen import cli
from tumen.authorizations import keys, tmn1
from tumen.authorizations.models import Authorization
from tumen.authorizations.services import (
    authorization_reissue,
    authorization_revoke,
    crossing_record,
    trusted_keys,
)
from tumen.lib import clock

POINT = "tumen-namyang"


@dataclass
class World:
    """The deployment as the builders find it: the holder's document and who can act on it."""

    authorization: Authorization
    checkpoint_officer: object
    elsewhere: Path  # the key directory of another deployment

    @property
    def payload(self) -> str:
        return self.authorization.payload

    def document(self) -> tmn1.Document:
        return tmn1.verify(self.payload, trusted_keys(), now=clock.now())

    def private_key(self):
        """This deployment's signing key for the document's authority."""
        return keys.signing_key(self.authorization.authority, now=self.authorization.issued_at)[0]


@dataclass(frozen=True)
class Presented:
    text: str
    # When it is presented: None for now; otherwise the page and the API run with the clock
    # there, and `tumen verify` is given `--at`.
    at: dt.datetime | None = None


@contextlib.contextmanager
def presenting(presented: Presented) -> Iterator[None]:
    """Run the online channels at the moment the document is presented."""
    if presented.at is None:
        yield
    else:
        with clock.frozen(presented.at):
            yield


def offline_verdict(capsys, presented: Presented, trust: Path) -> tuple[int, dict]:
    """`tumen verify TEXT --trust DIR [--at …]`: its exit code and its JSON verdict."""
    at = ["--at", presented.at.isoformat()] if presented.at else []
    with pytest.raises(SystemExit) as exited:
        cli.main(["verify", presented.text, "--trust", str(trust), *at])
    return exited.value.code, json.loads(capsys.readouterr().out)


def export_trust(directory: Path) -> Path:
    call_command("authorizations", "export-trust", str(directory), stdout=StringIO())
    return directory


def cose_parts(text: str) -> list:
    return list(cbor2.loads(zlib.decompress(tmn1.b45decode(text[len(tmn1.PREFIX) :]))).value)


def pack(parts: list) -> str:
    raw = cbor2.dumps(cbor2.CBORTag(tmn1.COSE_SIGN1_TAG, parts))
    return tmn1.PREFIX + tmn1.b45encode(zlib.compress(raw, 9))


# The builders -------------------------------------------------------------------------------


def valid(world: World) -> Presented:
    return Presented(world.payload)


def tampered_claim(world: World) -> Presented:
    """The holder's Latin name changed after signing; the signature is the original one."""
    protected, unprotected, payload, signature = cose_parts(world.payload)
    claims = dict(cbor2.loads(payload))
    body = dict(claims[tmn1.CLAIM_TUMEN])
    body["h"] = {**body["h"], "latin": "PAK SONG NAM"}
    claims[tmn1.CLAIM_TUMEN] = body
    return Presented(pack([protected, unprotected, cbor2.dumps(claims), signature]))


def tampered_signature(world: World) -> Presented:
    protected, unprotected, payload, signature = cose_parts(world.payload)
    flipped = bytes([signature[0] ^ 0x01]) + signature[1:]
    return Presented(pack([protected, unprotected, payload, flipped]))


def key_not_in_trust_list(world: World) -> Presented:
    """A key of no one's trust list signs the document under the trusted key's id."""
    impostor = tmn1.generate_private_key(tmn1.alg_of(world.private_key()))
    protected, unprotected, payload, _ = cose_parts(world.payload)
    signature = tmn1.raw_sign(impostor, tmn1._sig_structure(protected, payload))
    return Presented(pack([protected, unprotected, payload, signature]))


def unknown_key_id(world: World) -> Presented:
    """Signed by this deployment's own key, but naming a key id that no list holds."""
    private_key = world.private_key()
    _, unprotected, payload, _ = cose_parts(world.payload)
    header = {
        tmn1.HEADER_ALG: tmn1.ALGORITHMS[tmn1.alg_of(private_key)],
        tmn1.HEADER_KID: b"\x00" * 8,
    }
    protected = cbor2.dumps(header)
    signature = tmn1.raw_sign(private_key, tmn1._sig_structure(protected, payload))
    return Presented(pack([protected, unprotected, payload, signature]))


def expired(world: World) -> Presented:
    return Presented(world.payload, at=world.authorization.valid_until + dt.timedelta(days=1))


def not_yet_valid(world: World) -> Presented:
    return Presented(world.payload, at=world.authorization.valid_from - dt.timedelta(days=1))


def revoked(world: World) -> Presented:
    number = world.authorization.number
    authorization_revoke(official=None, number=number, reason="Issued in error")
    return Presented(world.payload)


def superseded(world: World) -> Presented:
    number = world.authorization.number
    authorization_reissue(official=None, number=number, reason="Reported lost")
    return Presented(world.payload)


def single_use_reused(world: World) -> Presented:
    """The holder crossed on it once already."""
    first = crossing_record(official=world.checkpoint_officer, point_code=POINT, text=world.payload)
    assert (first.valid, first.recorded) == (True, True)
    return Presented(world.payload)


def not_on_record(world: World) -> Presented:
    """This deployment's key signed it, but no such number was ever issued here."""
    document = replace(world.document(), number="TA-NOWHERE-1963-000001-01")
    return Presented(tmn1.encode(document, world.private_key()))


def other_deployment(world: World) -> Presented:
    """A well-formed document of another installation: the same authority's name, the same
    holder and number, signed with that installation's own key for the authority."""
    with override_settings(TUMEN_AUTHORIZATION_KEY_DIR=world.elsewhere):
        private_key, _ = keys.signing_key(world.authorization.authority, now=clock.now())
    return Presented(tmn1.encode(world.document(), private_key))


def malformed_base45(world: World) -> Presented:
    """Lower case is not in the Base45 alphabet."""
    return Presented(world.payload[:40] + "abc" + world.payload[43:])


def decompression_bomb(world: World) -> Presented:
    """A megabyte of zeros in about a kilobyte: refused before it is unpacked."""
    bomb = zlib.compress(b"\0" * 1_000_000, 9)
    return Presented(tmn1.PREFIX + tmn1.b45encode(bomb))


@dataclass(frozen=True)
class Row:
    name: str
    build: Callable[[World], Presented]
    online: str  # the reason at the page and the API
    offline: str  # the reason `tumen verify` gives


ROWS = [
    Row("valid", valid, "valid", "valid"),
    Row("tampered claim", tampered_claim, "bad_signature", "bad_signature"),
    Row("tampered signature", tampered_signature, "bad_signature", "bad_signature"),
    Row("key not in the trust list", key_not_in_trust_list, "bad_signature", "bad_signature"),
    Row("unknown key id", unknown_key_id, "unknown_key", "unknown_key"),
    Row("expired", expired, "expired", "expired"),
    Row("not yet valid", not_yet_valid, "not_yet_valid", "not_yet_valid"),
    Row("revoked", revoked, "revoked", "revoked"),
    Row("superseded by re-issue", superseded, "superseded", "superseded"),
    # Offline lists carry no crossings: only the online check knows it has been used.
    Row("single-use reused", single_use_reused, "already_used", "valid"),
    Row("not on record", not_on_record, "not_on_record", "valid"),
    Row("another deployment's key", other_deployment, "unknown_key", "unknown_key"),
    Row("malformed Base45", malformed_base45, "malformed", "malformed"),
    Row("decompression bomb", decompression_bomb, "too_large", "too_large"),
]
