"""The TMN1 format on its own (no database): every refusal has its own reason."""

from __future__ import annotations

import datetime as dt
import zlib

import cbor2
import pytest

from tumen.authorizations import tmn1
from tumen.authorizations.tmn1 import Document, Refused, TrustedKey, encode, verify

NOW = dt.datetime(1963, 9, 2, 8, 0, tzinfo=dt.UTC)


def trusted_key(private_key, authority="jilin-security", *, days=365) -> TrustedKey:
    return TrustedKey(
        kid=tmn1.key_id(private_key.public_key()),
        authority=authority,
        public_key=private_key.public_key(),
        not_before=NOW - dt.timedelta(days=30),
        sign_until=NOW + dt.timedelta(days=days),
    )


def document(**changes) -> Document:
    values = {
        "number": "TA-JL-1963-000001",
        "authority": "jilin-security",
        "holder": {"hangul": "김영철", "hanja": "金永哲", "latin": "KIM YONG CHOL"},
        "birth_date": "1931-04-15",
        "nationality": "CN",
        "identity_number": "222401193104150017",
        "case_number": "YJ-1963-0001",
        "case_type": "relocation",
        "crossings": ("tumen-namyang",),
        "valid_from": NOW - dt.timedelta(days=1),
        "valid_until": NOW + dt.timedelta(days=90),
        "single_use": True,
        "issued_at": NOW - dt.timedelta(days=1),
    }
    return Document(**{**values, **changes})


@pytest.fixture(params=["ES256", "EdDSA"])
def key(request):
    return tmn1.generate_private_key(request.param)


def refusal(text, trusted, **kwargs) -> str:
    with pytest.raises(Refused) as caught:
        verify(text, tmn1.trusted_by_kid(trusted), now=kwargs.pop("now", NOW), **kwargs)
    return caught.value.reason


def _cose(text: str) -> list:
    return list(cbor2.loads(zlib.decompress(tmn1.b45decode(text[5:]))).value)


def _pack(parts: list) -> str:
    raw = cbor2.dumps(cbor2.CBORTag(18, parts))
    return tmn1.PREFIX + tmn1.b45encode(zlib.compress(raw))


def test_a_valid_document_verifies_with_both_algorithms(key):
    text = encode(document(), key)
    assert text.startswith("TMN1:")
    assert set(text[5:]) <= set(tmn1.B45)
    verified = verify(text, tmn1.trusted_by_kid([trusted_key(key)]), now=NOW)
    assert verified.holder["hanja"] == "金永哲"
    assert verified.crossings == ("tumen-namyang",)
    assert verified.kid == tmn1.key_id(key.public_key())


def test_a_tampered_claim_is_refused_as_a_bad_signature(key):
    protected, unprotected, payload, signature = _cose(encode(document(), key))
    claims = dict(cbor2.loads(payload))
    body = dict(claims[tmn1.CLAIM_TUMEN])
    body["h"] = {**body["h"], "latin": "PAK"}
    claims[tmn1.CLAIM_TUMEN] = body
    forged = _pack([protected, unprotected, cbor2.dumps(claims), signature])
    assert refusal(forged, [trusted_key(key)]) == "bad_signature"


def test_a_tampered_signature_is_refused(key):
    protected, unprotected, payload, signature = _cose(encode(document(), key))
    flipped = bytes([signature[0] ^ 1]) + signature[1:]
    assert refusal(_pack([protected, unprotected, payload, flipped]), [trusted_key(key)]) == (
        "bad_signature"
    )


def test_a_key_outside_the_trust_list_claiming_a_trusted_key_id_is_refused(key):
    impostor = tmn1.generate_private_key(tmn1.alg_of(key))
    protected, unprotected, payload, _ = _cose(encode(document(), key))
    signature = tmn1.raw_sign(impostor, tmn1._sig_structure(protected, payload))
    assert refusal(_pack([protected, unprotected, payload, signature]), [trusted_key(key)]) == (
        "bad_signature"
    )


def test_an_unknown_key_id_is_refused(key):
    other = tmn1.generate_private_key("EdDSA")
    assert refusal(encode(document(), key), [trusted_key(other)]) == "unknown_key"


def test_a_well_formed_document_of_another_deployment_is_refused(key):
    elsewhere = tmn1.generate_private_key(tmn1.alg_of(key))
    text = encode(document(authority="elsewhere-security"), elsewhere)
    assert refusal(text, [trusted_key(key)]) == "unknown_key"


def test_a_trusted_key_signing_for_another_authority_is_refused(key):
    text = encode(document(authority="liaoning-security"), key)
    assert refusal(text, [trusted_key(key, "jilin-security")]) == "unknown_key"


def test_an_expired_document_is_refused(key):
    text = encode(document(valid_until=NOW - dt.timedelta(hours=1)), key)
    assert refusal(text, [trusted_key(key)]) == "expired"


def test_a_document_not_yet_valid_is_refused(key):
    text = encode(document(valid_from=NOW + dt.timedelta(days=2)), key)
    assert refusal(text, [trusted_key(key)]) == "not_yet_valid"


def test_a_document_signed_after_its_key_stopped_signing_is_refused(key):
    text = encode(document(issued_at=NOW + dt.timedelta(days=10)), key)
    assert refusal(text, [trusted_key(key, days=5)]) == "key_not_valid"


def test_an_old_key_keeps_verifying_what_it_signed_after_rotation(key):
    text = encode(document(), key)
    retired = trusted_key(key, days=0)  # stopped signing now; the document was signed before
    assert verify(text, tmn1.trusted_by_kid([retired]), now=NOW + dt.timedelta(days=30))


def test_revoked_and_superseded_numbers_are_refused_by_their_reason(key):
    text = encode(document(), key)
    number = document().number
    assert refusal(text, [trusted_key(key)], revoked={number: "revoked"}) == "revoked"
    assert refusal(text, [trusted_key(key)], revoked={number: "superseded"}) == "superseded"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "HC1:6BFOXN",
        "TMN1:abc",  # lower case is not Base45
        "TMN1:A",  # a stray last character
        "TMN1:GGW",  # a group above 65535
        "TMN1:" + tmn1.b45encode(b"not zlib at all"),
        "TMN1:" + tmn1.b45encode(zlib.compress(b"\xff\xfe")),
        "TMN1:" + tmn1.b45encode(zlib.compress(cbor2.dumps([1, 2]))),
    ],
)
def test_malformed_text_is_refused(text):
    assert refusal(text, []) == "malformed"


def test_a_decompression_bomb_is_refused_before_it_is_unpacked():
    bomb = zlib.compress(b"\0" * 50_000_000, 9)
    assert len(bomb) < 60_000
    assert refusal("TMN1:" + tmn1.b45encode(bomb[:2600]), []) in {"too_large", "malformed"}
    small_bomb = zlib.compress(b"\0" * 1_000_000, 9)
    assert refusal("TMN1:" + tmn1.b45encode(small_bomb), []) == "too_large"


def test_base45_round_trips_and_matches_the_rfc_examples():
    assert tmn1.b45encode(b"AB") == "BB8"
    assert tmn1.b45encode(b"Hello!!") == "%69 VD92EX0"
    assert tmn1.b45encode(b"ietf!") == "QED8WEX0"
    assert tmn1.b45decode("QED8WEX0") == b"ietf!"
    data = bytes(range(256))
    assert tmn1.b45decode(tmn1.b45encode(data)) == data
