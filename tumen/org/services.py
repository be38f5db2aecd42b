"""Changes to officials. Each is one keyword-only, atomic function that writes its audit event."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from tumen.audit.services import audit_record
from tumen.lib.errors import error
from tumen.org.models import Official


@transaction.atomic
def official_set_language(*, official: Official, language: str) -> Official:
    """Remember the language an official works in; it is put into their session at each login."""
    if language not in dict(settings.LANGUAGES):
        raise error("invalid_language")
    if official.language != language:
        official.language = language
        official.save(update_fields=["language"])
    # Audited even when unchanged: the official asked for it, and the record is cheap.
    audit_record(
        actor=official,
        action="official.language_set",
        target=official,
        payload={"language": language},
    )
    return official
