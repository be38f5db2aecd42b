"""Logins, failed logins and denied access leave audit events."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.http import Http404
from django.test import RequestFactory

from tumen.audit.models import AuditEvent
from tumen.conftest import TEST_PASSWORD
from tumen.org.access import get_for_user
from tumen.org.models import Jurisdiction


def test_login_is_audited(client, yanji_clerk):
    response = client.post("/login/", {"username": "t.yanji.clerk", "password": TEST_PASSWORD})
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action="auth.login").last()
    assert event.actor_id == yanji_clerk.pk
    assert event.unit_id == yanji_clerk.unit_id


def test_failed_login_is_audited_without_the_password(yanji_clerk):
    request = RequestFactory().post("/login/")
    assert authenticate(request, username="t.yanji.clerk", password="wrong-password") is None
    event = AuditEvent.objects.filter(action="auth.login_failed").last()
    assert event.payload == {"username": "t.yanji.clerk", "count": 1}
    assert "wrong-password" not in str(event.payload)


def test_denied_access_is_audited(liaoning_security):
    yanji = Jurisdiction.objects.get(code="yanji")
    with pytest.raises(Http404):
        get_for_user(liaoning_security, Jurisdiction, code="yanji")
    event = AuditEvent.objects.filter(action="access.denied").last()
    assert event.actor_id == liaoning_security.pk
    assert event.payload == {"object_type": "org.jurisdiction", "object_id": str(yanji.pk)}


def test_missing_and_not_yours_give_the_same_404_and_the_same_denial_event(
    liaoning_security, monkeypatch, settings
):
    import datetime

    from tumen.web import throttle

    before = AuditEvent.objects.filter(action="access.denied").count()
    with pytest.raises(Http404) as missing:
        get_for_user(liaoning_security, Jurisdiction, code="no-such-place")
    # After the burst's quiet gap, so that each denial is the first of its burst.
    moved = throttle._now() + datetime.timedelta(
        seconds=settings.TUMEN_DENIAL_BURST_GAP_SECONDS + 1
    )
    monkeypatch.setattr(throttle, "_now", lambda: moved)
    with pytest.raises(Http404) as not_yours:
        get_for_user(liaoning_security, Jurisdiction, code="yanji")
    assert str(missing.value) == str(not_yours.value)
    events = AuditEvent.objects.filter(action="access.denied").order_by("seq")
    assert events.count() == before + 2
    missing_event, not_yours_event = events[before], events[before + 1]
    assert missing_event.payload == {"object_type": "org.jurisdiction", "object_id": ""}
    assert not_yours_event.payload["object_type"] == "org.jurisdiction"


def test_a_refused_write_is_audited_even_though_its_transaction_rolls_back(liaoning_security):
    """A service's refusal happens inside its transaction; the boundary records it afterwards."""
    from django.db import transaction

    from tumen.org.access import Authority, NotVisible, get_for_update, record_lost_denial
    from tumen.org.models import WorkUnit

    def denied_count() -> int:
        return AuditEvent.objects.filter(action="access.denied").count()

    before = denied_count()
    with pytest.raises(NotVisible) as refused, transaction.atomic():
        get_for_update(
            liaoning_security,
            WorkUnit,
            action=Authority(("clearing_officer",)),
            code="yanji-security",
        )
    assert denied_count() == before  # rolled back with the service's transaction
    record_lost_denial(refused.value)
    assert denied_count() == before + 1
    record_lost_denial(refused.value)
    assert denied_count() == before + 1  # once only


def test_the_middleware_records_a_denial_lost_in_a_view(rf, liaoning_security):
    from django.db import transaction

    from tumen.org.access import Authority, get_for_update
    from tumen.org.middleware import DenialAuditMiddleware
    from tumen.org.models import WorkUnit

    def view(request):
        with transaction.atomic():
            get_for_update(
                request.user,
                WorkUnit,
                action=Authority(("clearing_officer",)),
                code="yanji-security",
            )

    request = rf.post("/anything/")
    request.user = liaoning_security
    before = AuditEvent.objects.filter(action="access.denied").count()
    middleware = DenialAuditMiddleware(view)
    with pytest.raises(Http404) as refused:
        view(request)
    middleware.process_exception(request, refused.value)
    assert AuditEvent.objects.filter(action="access.denied").count() == before + 1
