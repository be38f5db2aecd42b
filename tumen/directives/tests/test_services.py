"""directive_acknowledge: once per unit, only along the addressees' line, audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tumen.audit.models import AuditEvent
from tumen.directives.models import Acknowledgement
from tumen.directives.services import directive_acknowledge
from tumen.directives.tests.factories import make_directive

CODE_1963 = "cc-1963-08-08"


def acknowledgement_events():
    return AuditEvent.objects.filter(action="directive.acknowledged")


def test_a_county_clerk_acknowledges_the_1963_directive_for_their_unit(yanji_clerk):
    result = directive_acknowledge(official=yanji_clerk, directive_code=CODE_1963)

    assert result.created
    assert result.acknowledgement.unit == yanji_clerk.unit
    assert result.acknowledgement.official == yanji_clerk
    event = acknowledgement_events().get()
    assert event.actor_id == yanji_clerk.pk
    assert event.object_type == "directives.directive"
    assert event.object_id == str(result.acknowledgement.directive_id)
    assert event.payload == {"unit": "yanji-office"}


def test_a_second_acknowledgement_by_the_same_unit_changes_nothing(yanji_clerk, make_official):
    colleague = make_official("t.yanji.clerk2", "yanji-office", "clerk")
    first = directive_acknowledge(official=yanji_clerk, directive_code=CODE_1963)

    again = directive_acknowledge(official=colleague, directive_code=CODE_1963)

    assert not again.created
    assert again.acknowledgement == first.acknowledgement
    assert Acknowledgement.objects.filter(unit=yanji_clerk.unit).count() == 1
    assert acknowledgement_events().count() == 1


def test_units_acknowledge_independently(yanji_clerk, jilin_security):
    directive_acknowledge(official=yanji_clerk, directive_code=CODE_1963)
    directive_acknowledge(official=jilin_security, directive_code=CODE_1963)

    assert Acknowledgement.objects.filter(directive__code=CODE_1963).count() == 2
    assert acknowledgement_events().count() == 2


def test_an_official_off_the_addressees_line_gets_the_shared_404(liaoning_security):
    make_directive("jl-only", issued_by="jilin", addressed_to=["jilin"])

    with pytest.raises(Http404):
        directive_acknowledge(official=liaoning_security, directive_code="jl-only")
    with pytest.raises(Http404):
        directive_acknowledge(official=liaoning_security, directive_code="no-such-directive")

    assert not Acknowledgement.objects.exists()
    assert not acknowledgement_events().exists()


def test_a_role_that_does_not_answer_for_the_unit_is_refused(make_official):
    analyst = make_official("t.yanji.analyst", "yanji-office", "analyst")

    with pytest.raises(PermissionDenied):
        directive_acknowledge(official=analyst, directive_code=CODE_1963)

    assert not Acknowledgement.objects.exists()


def test_an_official_without_a_unit_cannot_acknowledge(db):
    from tumen.org.models import Official

    loose = Official.objects.create_user(username="t.no.unit", password="x" * 20)

    with pytest.raises(Http404):
        directive_acknowledge(official=loose, directive_code=CODE_1963)
