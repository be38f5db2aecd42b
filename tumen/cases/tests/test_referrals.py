"""A number held by another jurisdiction: the page offers to refer the person there, and the
referral reaches that jurisdiction's home page while the referring official learns nothing."""

from __future__ import annotations

import re

from django.utils.html import escape

from tumen.audit.models import AuditEvent
from tumen.web.models import Referral

from .viewkit import TUMEN_REGISTRATION, Desk, text


def _names_nothing(body: str, held) -> None:
    assert not re.search(rf"(?<![A-Za-z0-9])P{held.pk}(?![0-9])", body)
    for name in (held.name_latin, held.name_hangul, held.name_hanzi):
        assert not name or name not in body


def test_a_clerk_refers_a_person_held_elsewhere_and_that_office_sees_it(client, officer, register):
    """
    GIVEN a person registered in Yanji
    WHEN a Tumen clerk registering someone with the same number presses "refer"
    THEN a referral to Yanji is recorded and audited, the Tumen clerk is told only the office,
         and a Yanji clerk finds the person on their home page
    """
    held = register()
    clerk = officer("tumen-office", "clerk")
    desk = Desk(client, clerk)
    desk.post("/cases/new/", {"case_type": "relocation"})
    posted = {**TUMEN_REGISTRATION, "personal_id_number": held.personal_id_number}
    page = desk.post("/cases/new/principal/", posted)
    assert 'data-testid="refer-personal_id_number"' in page.content.decode()
    assert 'data-testid="refer-residence_permit_number"' not in page.content.decode()

    referred = desk.post("/referrals/new/", {**posted, "refer": "personal_id_number"}, follow=True)
    body = text(referred)
    assert "The person is referred to Yanji" in body
    _names_nothing(body, held)
    assert "Persons referred to your jurisdiction" not in body

    referral = Referral.objects.get()
    assert (referral.person_id, referral.to_jurisdiction.code) == (held.pk, "yanji")
    assert (referral.referred_by_id, referral.from_unit_id) == (clerk.pk, clerk.unit_id)
    event = AuditEvent.objects.get(action="referral.created")
    assert (event.actor_id, event.object_id) == (clerk.pk, str(referral.pk))
    assert event.payload == {"to_jurisdiction": "yanji", "number_field": "personal_id_number"}

    client.logout()
    home = text(Desk(client, officer("yanji-office", "clerk")).get("/"))
    assert "Persons referred to your jurisdiction" in home
    assert f"P{held.pk}" in home
    assert escape(clerk.unit.name_en) in home


def test_a_referral_is_refused_for_a_record_within_reach_or_no_record(client, officer, register):
    held = register()
    desk = Desk(client, officer("yanji-office", "clerk"))
    mine = desk.post(
        "/referrals/new/",
        {"refer": "personal_id_number", "personal_id_number": held.personal_id_number},
        follow=True,
    )
    assert "within your jurisdiction; open it instead" in text(mine)
    unknown = desk.post(
        "/referrals/new/", {"refer": "name_latin", "name_latin": "Pak"}, follow=True
    )
    assert "No registered person holds this number" in text(unknown)
    assert not Referral.objects.exists()
    assert not AuditEvent.objects.filter(action="referral.created").exists()
