"""Why a document was refused, as the checkpoint officer reads it: the page and the API say
the same words for each reason code (tumen.authorizations.tmn1.REASONS and the online ones)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

# Refusal reasons as the checkpoint officer reads them.
REFUSALS = {
    "malformed": gettext_lazy("This is not a Tumen travel authorization, or it could not be read."),
    "too_large": gettext_lazy("This is not a Tumen travel authorization (far too large)."),
    "unknown_key": gettext_lazy(
        "Signed by a key this system does not trust: a forgery or another issuer."
    ),
    "bad_signature": gettext_lazy("The signature does not match: the document has been altered."),
    "key_not_valid": gettext_lazy("Signed outside the signing key's period of validity."),
    "not_yet_valid": gettext_lazy("Not valid yet."),
    "expired": gettext_lazy("Expired."),
    "revoked": gettext_lazy("Revoked by the issuing authority."),
    "superseded": gettext_lazy("Replaced by a re-issued document; this copy is void."),
    "not_on_record": gettext_lazy("Signed, but the document is not on record."),
    "already_used": gettext_lazy("Single-use document that has already crossed."),
    "no_qr": gettext_lazy("No QR code could be found in the photo."),
}


def refusal_text(reason: str) -> str:
    return str(REFUSALS.get(reason, reason))
