"""Denied access is audited once per burst, with a count, so 404s cannot flood the log."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.http import Http404

from tumen.audit.models import AuditEvent
from tumen.org.access import Authority, NotVisible, get_for_update, get_for_user, record_lost_denial
from tumen.org.models import Jurisdiction, WorkUnit
from tumen.web import throttle


@pytest.fixture
def later(monkeypatch, settings):
    """Move the throttle's clock past the burst gap."""

    def move() -> None:
        moved = throttle._now() + datetime.timedelta(
            seconds=settings.TUMEN_DENIAL_BURST_GAP_SECONDS + 1
        )
        monkeypatch.setattr(throttle, "_now", lambda: moved)

    return move


def _denials(since: int) -> list[tuple[str, dict]]:
    return list(
        AuditEvent.objects.filter(seq__gt=since, action__startswith="access.denied")
        .order_by("seq")
        .values_list("action", "payload")
    )


def _head() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def test_fifty_denials_in_a_burst_write_one_event_and_then_their_count(liaoning_security, later):
    since = _head()
    for n in range(50):
        # Missing and not-yours alternate: both count in the same burst.
        with pytest.raises(Http404):
            get_for_user(liaoning_security, Jurisdiction, code="yanji" if n % 2 else "nowhere")
    assert _denials(since) == [
        ("access.denied", {"object_type": "org.jurisdiction", "object_id": ""})
    ]

    later()
    with pytest.raises(Http404):
        get_for_user(liaoning_security, Jurisdiction, code="nowhere")
    events = AuditEvent.objects.filter(seq__gt=since).order_by("seq")
    assert [(e.action, e.payload) for e in events] == [
        ("access.denied", {"object_type": "org.jurisdiction", "object_id": ""}),
        ("access.denied_burst", {"object_type": "org.jurisdiction", "object_id": "", "count": 50}),
        ("access.denied", {"object_type": "org.jurisdiction", "object_id": ""}),
    ]
    assert {(e.actor_id, e.unit_id) for e in events} == {
        (liaoning_security.pk, liaoning_security.unit_id)
    }


def test_bursts_are_kept_per_official_and_per_kind_of_record(liaoning_security, yanji_clerk):
    since = _head()
    for _ in range(3):
        for official, model, lookup in (
            (liaoning_security, Jurisdiction, {"code": "yanji"}),
            (liaoning_security, WorkUnit, {"code": "yanji-security"}),
            (yanji_clerk, Jurisdiction, {"code": "liaoning"}),
        ):
            with pytest.raises(Http404):
                get_for_user(official, model, **lookup)
    assert [payload["object_type"] for _, payload in _denials(since)] == [
        "org.jurisdiction",
        "org.workunit",
        "org.jurisdiction",
    ]


def test_a_counted_denial_rolled_back_with_its_transaction_is_counted_again(liaoning_security):
    def refuse() -> NotVisible:
        with pytest.raises(NotVisible) as refused, transaction.atomic():
            get_for_update(
                liaoning_security,
                WorkUnit,
                action=Authority(("clearing_officer",)),
                code="yanji-security",
            )
        return refused.value

    key = throttle.denial_key(liaoning_security.pk, "org.workunit")
    record_lost_denial(refuse())  # the burst's first: its event is written again
    second = refuse()
    assert throttle.SignInThrottle.objects.get(key=key).failures == 1  # rolled back
    record_lost_denial(second)
    record_lost_denial(second)  # once only, however often the boundary sees it
    assert throttle.SignInThrottle.objects.get(key=key).failures == 2
    assert AuditEvent.objects.filter(action="access.denied").count() == 1
