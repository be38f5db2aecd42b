"""`tumen verify PAYLOAD_OR_IMAGE --trust DIR`: a checkpoint's check with no database (no Django).

Reads the `TMN1:` text (given, `-` for standard input, or decoded from a photo of the QR code),
checks it against the signed trust and revocation lists in DIR, prints one JSON verdict and
exits 0 for valid, 1 for refused, 2 when the lists themselves cannot be used.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from tumen.authorizations.tmn1 import PREFIX, REASONS, Refused, verify
from tumen.authorizations.trustfiles import TrustFileError, load

MAX_IMAGE_BYTES = 20_000_000


def read_qr(image: bytes) -> str | None:
    """The text of the first QR code in an image (PNG, JPEG …), or None if there is none."""
    import io

    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    try:
        picture = Image.open(io.BytesIO(image))
        picture.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    for result in zxingcpp.read_barcodes(picture, formats=zxingcpp.BarcodeFormat.QRCode):
        if result.text:
            return result.text
    return None


def _payload(argument: str) -> str:
    if argument == "-":
        return sys.stdin.read(8192).lstrip().rstrip("\r\n")
    if argument.startswith(PREFIX):
        return argument
    path = Path(argument)
    if path.is_file():
        data = path.read_bytes()[:MAX_IMAGE_BYTES]
        if data.startswith(PREFIX.encode()):
            return data.decode("ascii", "replace").lstrip().rstrip("\r\n")
        return read_qr(data) or ""
    return argument


def verdict(text: str, trusted, revoked, now: dt.datetime) -> dict:
    try:
        document = verify(text, trusted, now=now, revoked=revoked)
    except Refused as refusal:
        return {"valid": False, "reason": refusal.reason, "detail": refusal.detail}
    return {
        "valid": True,
        "reason": "valid",
        "detail": REASONS["valid"],
        "document": document.as_json(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tumen verify", description=__doc__.splitlines()[0])
    parser.add_argument("payload", metavar="PAYLOAD_OR_IMAGE")
    parser.add_argument("--trust", required=True, type=Path, help="directory of signed lists")
    parser.add_argument(
        "--anchor", type=Path, help="the pinned anchor key (default DIR/anchor.pem)"
    )
    parser.add_argument("--at", help="check as of this ISO time instead of now")
    args = parser.parse_args(argv)
    try:
        trusted, revoked = load(args.trust, anchor=args.anchor)
    except TrustFileError as exc:
        sys.stdout.write(
            json.dumps({"valid": False, "reason": "trust_list", "detail": str(exc)}) + "\n"
        )
        return 2
    now = dt.datetime.fromisoformat(args.at) if args.at else dt.datetime.now(dt.UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.UTC)
    result = verdict(_payload(args.payload), trusted, revoked, now)
    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    return 0 if result["valid"] else 1
