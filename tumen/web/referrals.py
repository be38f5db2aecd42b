"""Referring a person to the jurisdiction that holds their record.

An official who enters a number registered to a person outside their jurisdiction is told only
which office holds the record (tumen.people.services). From that message they may refer the
person there: the referral is addressed to the holding jurisdiction, listed on its officials'
home page, and audited; the referring official is never shown the person.
"""

from __future__ import annotations

from django.db import transaction

from tumen.audit.services import audit_record
from tumen.lib import clock
from tumen.lib.errors import error
from tumen.org.access import can_see, require, scope
from tumen.org.models import Jurisdiction, Official
from tumen.people.services import holder_of_number, holding_jurisdiction
from tumen.web.models import Referral


@transaction.atomic
def person_refer(
    *, official: Official, number_field: str, number: str, passport_state: str = ""
) -> Jurisdiction:
    """Refer the person who holds `number` to their jurisdiction; returns that jurisdiction."""
    require(official, "person.refer")
    holder = holder_of_number(number_field, number, passport_state)
    if holder is None:
        raise error("refer_no_holder")
    if can_see(official, holder):
        raise error("refer_within_jurisdiction")
    to = holding_jurisdiction(holder)
    if to is None:
        raise error("refer_no_office")
    referral = Referral.objects.create(
        person=holder,
        to_jurisdiction=to,
        number_field=number_field,
        referred_by=official,
        from_unit=official.unit,
        created_at=clock.now(),
    )
    audit_record(
        actor=official,
        action="referral.created",
        target=referral,
        payload={"to_jurisdiction": to.code, "number_field": number_field},
    )
    return to


def referrals_for(official: Official) -> list[Referral]:
    """The referrals addressed to the official's jurisdiction or below, newest first."""
    if not official.unit_id:
        return []
    referrals = scope(Referral.objects.all(), official).select_related(
        "to_jurisdiction", "from_unit"
    )
    return list(referrals[:50])
