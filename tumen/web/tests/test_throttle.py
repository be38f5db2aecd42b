"""Per-username delays across addresses, the trusted proxy's address, and one audit per burst."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.test import RequestFactory

from tumen.audit.models import AuditEvent
from tumen.conftest import TEST_PASSWORD
from tumen.web import throttle
from tumen.web.models import SignInThrottle


def sign_in(client, username, password=TEST_PASSWORD, address="10.0.0.1"):
    return client.post(
        "/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_a_username_failing_from_many_addresses_waits_longer_each_time(client, yanji_clerk):
    free = settings.TUMEN_LOGIN_FREE_FAILURES
    for n in range(free):
        sign_in(client, yanji_clerk.username, "wrong password", address=f"10.0.1.{n}")
    assert throttle.wait_seconds(yanji_clerk.username) == 1
    # Even the right password, from a fresh address, waits: the delay is the username's.
    refused = sign_in(client, yanji_clerk.username, address="10.0.9.9")
    assert refused.status_code == 200
    assert "too many failed sign-ins with this username" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    row = SignInThrottle.objects.get()
    row.not_before -= datetime.timedelta(seconds=5)
    row.save()
    sign_in(client, yanji_clerk.username, "wrong again", address="10.0.9.9")
    assert throttle.wait_seconds(yanji_clerk.username) == 2


def test_the_delay_is_a_pause_not_a_lock(client, yanji_clerk):
    for _ in range(settings.TUMEN_LOGIN_FREE_FAILURES + 3):
        throttle.record_failure(yanji_clerk.username)
    SignInThrottle.objects.update(not_before=None)
    assert sign_in(client, yanji_clerk.username).status_code == 302
    assert not SignInThrottle.objects.exists()


def test_the_delay_never_exceeds_its_ceiling(db):
    for _ in range(60):
        throttle.record_failure("someone")
    assert throttle.wait_seconds("someone") <= settings.TUMEN_LOGIN_MAX_DELAY_SECONDS


def test_failed_sign_ins_are_audited_once_per_burst_with_a_count(client, yanji_clerk):
    before = AuditEvent.objects.filter(action__startswith="auth.login_failed").count()
    for _ in range(4):
        sign_in(client, yanji_clerk.username, "wrong password")
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == before + 1
    assert sign_in(client, yanji_clerk.username).status_code == 302
    burst = AuditEvent.objects.filter(action="auth.login_failed_burst").get()
    assert burst.payload == {"username": yanji_clerk.username, "count": 4}


def test_a_burst_ends_after_a_quiet_gap_and_is_counted_then(db, settings):
    start = datetime.datetime(1963, 9, 1, tzinfo=datetime.UTC)
    for minute in range(3):
        throttle.record_failure("t.x", now=start + datetime.timedelta(minutes=minute))
    later = start + datetime.timedelta(seconds=settings.TUMEN_LOGIN_BURST_GAP_SECONDS + 300)
    failure = throttle.record_failure("t.x", now=later)
    assert (failure.failures, failure.ended_burst) == (1, 3)


def test_the_proxys_address_is_trusted_only_behind_a_tls_proxy(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )
    settings.TUMEN_BEHIND_TLS_PROXY = False
    assert throttle.client_address(request) == "10.9.9.9"
    settings.TUMEN_BEHIND_TLS_PROXY = True
    assert throttle.client_address(request) == "203.0.113.7"


def test_the_throttle_keeps_no_username(db):
    throttle.record_failure("t.yanji.clerk")
    assert "t.yanji.clerk" not in str(list(SignInThrottle.objects.values()))
