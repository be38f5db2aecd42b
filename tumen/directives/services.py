"""Changes to directives. Each is one keyword-only, atomic function that writes its audit event."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from tumen.audit.services import audit_record
from tumen.directives.models import Acknowledgement, Directive
from tumen.org.access import get_for_update
from tumen.org.models import Official


@dataclass(frozen=True)
class AcknowledgeResult:
    acknowledgement: Acknowledgement
    # False when the unit had already acknowledged: the call is then a no-op, not an error.
    created: bool


@transaction.atomic
def directive_acknowledge(*, official: Official, directive_code: str) -> AcknowledgeResult:
    """Record that the official's unit received the directive; once per unit.

    Acknowledging is idempotent: a second request from the same unit (a double click, or a
    colleague who did not see the first) returns the existing acknowledgement and writes nothing.
    The directive row is locked first, so two officials of one unit acting at once take turns and
    the second finds the first's acknowledgement; the unique constraint stays as the last guard.
    """
    directive = get_for_update(
        official, Directive, action="directive.acknowledge", code=directive_code
    )
    unit = official.unit
    existing = Acknowledgement.objects.filter(directive=directive, unit=unit).first()
    if existing is not None:
        return AcknowledgeResult(acknowledgement=existing, created=False)
    acknowledgement = Acknowledgement.objects.create(
        directive=directive, unit=unit, official=official, acknowledged_at=timezone.now()
    )
    audit_record(
        actor=official,
        action="directive.acknowledged",
        target=directive,
        payload={"unit": unit.code},
    )
    return AcknowledgeResult(acknowledgement=acknowledgement, created=True)
