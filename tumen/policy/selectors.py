"""Reading policy: which case types are open for intake, and the pack a case is bound to."""

from __future__ import annotations

from functools import lru_cache

from tumen.lib.policy import CaseType, Pack, pack_from_document
from tumen.policy.models import PolicyPack


@lru_cache(maxsize=64)
def _pack(pk: int, sha256: str) -> Pack:
    # Keyed by content hash as well as id: a stored version never changes, so caching is safe.
    return pack_from_document(PolicyPack.objects.values_list("document", flat=True).get(pk=pk))


def pack_of(stored: PolicyPack) -> Pack:
    return _pack(stored.pk, stored.sha256)


def case_type_of(stored: PolicyPack, code: str) -> CaseType:
    return pack_of(stored).case_type(code)


def intake_case_types() -> list[tuple[PolicyPack, CaseType]]:
    """Every case type of the active packs, for the intake form and the API."""
    return [
        (stored, case_type)
        for stored in PolicyPack.objects.filter(active=True)
        for case_type in pack_of(stored).case_types.values()
    ]


def pack_for_case_type(code: str) -> PolicyPack:
    """The active pack that defines this case type; LookupError names what is wrong."""
    matches = [stored for stored, case_type in intake_case_types() if case_type.code == code]
    if not matches:
        raise LookupError(f"no active policy pack defines the case type {code!r}")
    if len(matches) > 1:
        raise LookupError(
            f"two active policy packs define the case type {code!r}: "
            f"{', '.join(str(m) for m in matches)}"
        )
    return matches[0]


def foreign_request_case_type() -> tuple[PolicyPack, CaseType]:
    """The one active case type that foreign requests open (`from_foreign_request: true`)."""
    matches = [(stored, kind) for stored, kind in intake_case_types() if kind.from_foreign_request]
    if len(matches) != 1:
        found = ", ".join(f"{kind.code} ({stored})" for stored, kind in matches) or "none"
        raise LookupError(
            f"exactly one active case type must be opened from foreign requests; found {found}"
        )
    return matches[0]
