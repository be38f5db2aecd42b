"""Reading policy: which case types are open for intake, and the pack a case is bound to."""

from __future__ import annotations

from typing import Protocol

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tumen.lib.policy import CaseType, Pack, pack_from_document
from tumen.policy.models import PolicyPack

# Parsed packs by id. A stored pack version never changes (tumen.policy.services refuses a
# different document under a code and version already stored), so a case's every step finds its
# pack here without a query; a row created or deleted under an id evicts it (an id can be reused
# on SQLite after a rollback, in tests).
_PARSED: dict[int, Pack] = {}


@receiver(post_save, sender=PolicyPack)
@receiver(post_delete, sender=PolicyPack)
def _evict(sender, instance: PolicyPack, **kwargs) -> None:
    _PARSED.pop(instance.pk, None)


def pack_by_id(pk: int) -> Pack:
    pack = _PARSED.get(pk)
    if pack is None:
        document = PolicyPack.objects.values_list("document", flat=True).get(pk=pk)
        pack = _PARSED[pk] = pack_from_document(document)
    return pack


def pack_of(stored: PolicyPack) -> Pack:
    return pack_by_id(stored.pk)


def case_type_of(stored: PolicyPack, code: str) -> CaseType:
    return pack_by_id(stored.pk).case_type(code)


class BoundToPack(Protocol):
    policy_pack_id: int
    case_type: str


def case_type_for(case: BoundToPack) -> CaseType:
    """The case type as the pack version the case is bound to defines it; no query once cached."""
    return pack_by_id(case.policy_pack_id).case_type(case.case_type)


def intake_case_types() -> list[tuple[PolicyPack, CaseType]]:
    """Every case type of the active packs, for the intake form and the API."""
    return [
        (stored, case_type)
        # The document is parsed once per pack (pack_by_id); the rows need only their ids.
        for stored in PolicyPack.objects.filter(active=True).defer("document")
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
