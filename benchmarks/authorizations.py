"""Travel authorizations: signing, offline verification, PDF pages, and the QR's size.

    .venv/bin/python benchmarks/authorizations.py [--quick]

Measures, on one core (this process), for a typical holder (three scripts of names, five
crossing points):
- signatures/s: `tmn1.encode` (CBOR claims, COSE_Sign1, zlib, Base45) for ES256 and EdDSA;
- verifications/s on the offline path `tumen verify` takes (Base45, capped inflate, COSE, key
  lookup, signature, claims, times, revocation list of 10,000 numbers);
- the ceiling: `cryptography`'s raw sign and verify of the same Sig_structure bytes;
- PDF pages/s, and the time to print a household of five as one PDF (A4);
- the QR code's version and the payload's size in bytes.
Targets: verification at least 2,000/s on one core; a household of five's PDF under 300 ms.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import emit_json, machine, make_parser, note, print_table, rate, ratio

VERIFY_TARGET_PER_S = 2000
HOUSEHOLD_PDF_TARGET_MS = 300
NOW = dt.datetime(1963, 9, 2, 8, 0, tzinfo=dt.UTC)


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tumen.settings")
    import django

    django.setup()


def _document(tmn1, index: int):
    return tmn1.Document(
        number=f"TA-YANJI-1963-{index:06d}-01",
        authority="jilin-security",
        holder={"hangul": "김영철", "hanja": "金永哲", "latin": "KIM YONG CHOL"},
        birth_date="1931-04-15",
        nationality="CN",
        identity_number="222401193104150017",
        case_number=f"YANJI-1963-{index:06d}",
        case_type="relocation",
        crossings=(
            "tumen-namyang",
            "quanhe-wonjong",
            "sanhe-hoeryong",
            "kaishantun-sambong",
            "nanping-musan",
        ),
        valid_from=NOW - dt.timedelta(days=1),
        valid_until=NOW + dt.timedelta(days=90),
        single_use=True,
        issued_at=NOW - dt.timedelta(days=1),
    )


def _per_second(function, count: int) -> float:
    start = time.process_time()
    for index in range(count):
        function(index)
    return rate(count, time.process_time() - start)


def signing_figures(tmn1, alg: str, count: int) -> dict:
    key = tmn1.generate_private_key(alg)
    trusted = tmn1.trusted_by_kid(
        [
            tmn1.TrustedKey(
                kid=tmn1.key_id(key.public_key()),
                authority="jilin-security",
                public_key=key.public_key(),
                not_before=NOW - dt.timedelta(days=30),
                sign_until=NOW + dt.timedelta(days=300),
            )
        ]
    )
    revoked = {f"TA-OTHER-{i:06d}-01": "revoked" for i in range(10_000)}
    documents = [_document(tmn1, i) for i in range(count)]
    texts = [tmn1.encode(doc, key) for doc in documents[:50]]
    signs = _per_second(lambda i: tmn1.encode(documents[i], key), count)
    verifies = _per_second(
        lambda i: tmn1.verify(texts[i % len(texts)], trusted, now=NOW, revoked=revoked), count
    )
    import cbor2

    message = tmn1._sig_structure(b"\xa2\x01&\x04H12345678", cbor2.dumps(documents[0].claims()))
    signature = tmn1.raw_sign(key, message)
    raw_signs = _per_second(lambda i: tmn1.raw_sign(key, message), count)
    raw_verifies = _per_second(
        lambda i: tmn1.raw_verify(key.public_key(), signature, message), count
    )
    return {
        "alg": alg,
        "signatures_per_s": round(signs),
        "verifications_per_s": round(verifies),
        "raw_signatures_per_s": round(raw_signs),
        "raw_verifications_per_s": round(raw_verifies),
        "sign_vs_raw": ratio(signs, raw_signs),
        "verify_vs_raw": ratio(verifies, raw_verifies),
        "payload": texts[0],
    }


def pdf_figures(tmn1, payload: str, rounds: int) -> dict:
    _setup_django()
    from tumen.authorizations import pdf

    def entry(index: int) -> dict:
        doc = _document(tmn1, index)
        return {
            "number": doc.number,
            "hangul": "김영철",
            "hanja": "金永哲",
            "latin": "KIM YONG CHOL",
            "birth_date": doc.birth_date,
            "nationality": "Chinese national",
            "identity_number": doc.identity_number,
            "case_number": doc.case_number,
            "case_type": doc.case_type,
            "crossings": ["图们—南阳 · 도문—남양 · Tumen–Namyang"] * 5,
            "valid_from": "1963-09-01",
            "valid_until": "1963-11-30",
            "use": pdf.USE[True],
            "authority": doc.authority,
            "kid": "0011223344556677",
            "qr": f"qr{index}",
        }

    household = [entry(i) for i in range(5)]
    pdf.render_entries(household, [payload] * 5)  # fonts loaded once per process
    timings = []
    for round_ in range(rounds):
        # Five different documents each time: the QR cache must not flatter the figure.
        payloads = [f"{payload[:-6]}{round_:03d}{i:03d}" for i in range(5)]
        start = time.perf_counter()
        pdf.render_entries(household, payloads)
        timings.append(time.perf_counter() - start)
    timings.sort()
    median = timings[len(timings) // 2]
    facts = pdf.qr_facts(payload)
    return {
        "household_of_five_pdf_ms": round(median * 1000, 1),
        "pdf_pages_per_s": round(5 / median, 1),
        "qr_version": facts["version"],
        "qr_error_correction": facts["error"],
        "payload_bytes": facts["bytes"],
    }


def main() -> None:
    args = make_parser(__doc__.splitlines()[0]).parse_args()
    count, rounds = (300, 5) if args.quick else (3000, 20)
    from tumen.authorizations import tmn1

    note(f"signing and verifying {count} documents per algorithm …")
    algs = [signing_figures(tmn1, alg, count) for alg in ("ES256", "EdDSA")]
    note(f"printing a household of five {rounds} times …")
    printed = pdf_figures(tmn1, algs[0]["payload"], rounds)
    print_table(
        ["alg", "sign/s", "raw sign/s", "ratio", "verify/s (offline)", "raw verify/s", "ratio"],
        [
            [
                a["alg"],
                a["signatures_per_s"],
                a["raw_signatures_per_s"],
                a["sign_vs_raw"],
                a["verifications_per_s"],
                a["raw_verifications_per_s"],
                a["verify_vs_raw"],
            ]
            for a in algs
        ],
    )
    print()
    print_table(
        ["household PDF (5 pages, A4) ms", "pages/s", "QR version", "payload bytes"],
        [
            [
                printed["household_of_five_pdf_ms"],
                printed["pdf_pages_per_s"],
                printed["qr_version"],
                printed["payload_bytes"],
            ]
        ],
    )
    slowest_verify = min(a["verifications_per_s"] for a in algs)
    emit_json(
        {
            "benchmark": "authorizations",
            "quick": args.quick,
            "machine": machine(),
            "algorithms": [{k: v for k, v in a.items() if k != "payload"} for a in algs],
            **printed,
            "targets": {
                "verifications_per_s_min": VERIFY_TARGET_PER_S,
                "household_of_five_pdf_ms_max": HOUSEHOLD_PDF_TARGET_MS,
            },
            "meets_targets": {
                "verification_2000_per_s": slowest_verify >= VERIFY_TARGET_PER_S,
                "household_pdf_under_300_ms": printed["household_of_five_pdf_ms"]
                < HOUSEHOLD_PDF_TARGET_MS,
            },
        }
    )


if __name__ == "__main__":
    main()
