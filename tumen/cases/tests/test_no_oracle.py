"""No existence oracle: a case in another jurisdiction and a case that does not exist are refused
by the same queries and the same audit rows; a unique number held elsewhere names nothing."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tumen.audit.models import AuditEvent
from tumen.cases import services

from .viewkit import TUMEN_REGISTRATION, Desk, text

# Numbers, strings and savepoint names differ between any two requests; the shape must not.
_LITERALS = re.compile(r"'[^']*'|\b\d+\b|\"s\d+_x\d+\"")


def _shape(queries) -> list[str]:
    """The queries with their values blanked: what differs only in a number or a string is equal."""
    return [_LITERALS.sub("?", query["sql"]) for query in queries]


def _refused(desk, address: str):
    seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    with CaptureQueriesContext(connection) as queries:
        response = desk.get(address)
    written = list(
        AuditEvent.objects.filter(seq__gt=seq).values_list("action", "actor_id", "unit_id")
    )
    return response, _shape(queries.captured_queries), written


def _fresh_burst() -> None:
    """Forget the denial bursts, so that each case below starts from the same state."""
    from tumen.web.models import SignInThrottle

    SignInThrottle.objects.all().delete()


def test_missing_and_not_yours_run_the_same_queries_and_write_the_same_audit_rows(
    client, liaoning_security, submitted_relocation
):
    desk = Desk(client, liaoning_security)
    desk.get("/cases/")  # the session and the official are loaded as on any later page
    number = submitted_relocation.number
    missing_number = number[:-6] + str(int(number[-6:]) + 500).zfill(6)
    # Each case as the first denial of a burst (written) and as a later one (only counted).
    _fresh_burst()
    not_yours, not_yours_queries, not_yours_rows = _refused(desk, f"/cases/{number}/")
    _, not_yours_later_queries, not_yours_later_rows = _refused(desk, f"/cases/{number}/")
    _fresh_burst()
    missing, missing_queries, missing_rows = _refused(desk, f"/cases/{missing_number}/")
    _, missing_later_queries, missing_later_rows = _refused(desk, f"/cases/{missing_number}/")
    assert not_yours.status_code == missing.status_code == 404
    assert not_yours.content.replace(number.encode(), b"") == missing.content.replace(
        missing_number.encode(), b""
    )
    assert not_yours_queries == missing_queries
    assert (
        not_yours_rows
        == missing_rows
        == [("access.denied", liaoning_security.pk, liaoning_security.unit_id)]
    )
    assert not_yours_later_queries == missing_later_queries
    assert not_yours_later_rows == missing_later_rows == []


def test_fifty_refused_case_pages_write_one_event(client, liaoning_security, submitted_relocation):
    from tumen.web import throttle

    desk = Desk(client, liaoning_security)
    seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    for _ in range(50):
        assert desk.get(f"/cases/{submitted_relocation.number}/").status_code == 404
    written = AuditEvent.objects.filter(seq__gt=seq, action__startswith="access.denied")
    assert list(written.values_list("action", flat=True)) == ["access.denied"]
    key = throttle.denial_key(liaoning_security.pk, "cases.case")
    assert throttle.SignInThrottle.objects.get(key=key).failures == 50


def test_an_identity_number_held_in_another_county_names_no_record(client, officer, register):
    """
    GIVEN a person registered in Yanji with a resident identity number
    WHEN a clerk of Tumen county registers someone with the same number
    THEN the refusal names no person id or name, says which office holds the record,
         and is audited as a denial
    """
    held = register()
    clerk = officer("tumen-office", "clerk")
    before = AuditEvent.objects.filter(action="access.denied").count()
    desk = Desk(client, clerk)
    page = desk.post("/cases/new/", {"case_type": "relocation"})
    page = desk.post(
        "/cases/new/principal/",
        {**TUMEN_REGISTRATION, "personal_id_number": held.personal_id_number},
    )
    body = text(page)
    assert page.status_code == 200
    assert "registered to a person held by another jurisdiction" in body
    # As a record's id ("P12"), not by chance inside the page's CSRF token.
    assert not re.search(rf"(?<![A-Za-z0-9])P{held.pk}(?![0-9])", body)
    for name in (held.name_latin, held.name_hangul, held.name_hanzi):
        assert name not in body
    assert "Yanji" in body
    denials = AuditEvent.objects.filter(action="access.denied").order_by("seq")
    assert denials.count() == before + 1
    assert denials.last().payload == {
        "object_type": "people.person",
        "object_id": str(held.pk),
        "reason": "unique_clash",
    }


def test_an_identity_number_held_within_the_jurisdiction_names_the_record(officer, register):
    from django.core.exceptions import ValidationError

    from tumen.people.services import person_register

    held = register()
    with pytest.raises(ValidationError) as refused:
        person_register(
            official=officer("yanji-office", "clerk"),
            name_latin="Kim Own",
            sex="male",
            date_of_birth=datetime.date(1931, 1, 1),
            nationality="prc",
            residence_code="yanji",
            personal_id_number=held.personal_id_number,
        )
    assert f"P{held.pk}" in str(refused.value.message_dict["personal_id_number"])


def test_a_note_reference_held_in_another_county_names_no_request(officer, register):
    from django.core.exceptions import ValidationError

    persons = [{"person_id": register().pk, "household": "A", "is_principal": True}]
    first = services.foreign_request_register(
        official=officer("yanji-foreign"),
        reference="DPRK-MFA-1963-7",
        received_on=datetime.date(1963, 9, 1),
        authority="DPRK MFA",
        persons=persons,
    )
    other = officer("tumen-foreign")
    with pytest.raises(ValidationError) as refused:
        services.foreign_request_register(
            official=other,
            reference="DPRK-MFA-1963-7",
            received_on=datetime.date(1963, 9, 1),
            authority="DPRK MFA",
            persons=[{"person_id": register(county="tumen").pk, "household": "A"}],
        )
    message = str(refused.value.message_dict["reference"])
    assert "another jurisdiction" in message
    assert str(first.pk) not in message
    assert refused.value.denials
