"""Personal API tokens: shown once, stored hashed, expiring, revocable, last use recorded; the
browser's session works too, with CSRF; each token has its own rate limit."""

from __future__ import annotations

import datetime
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tumen.audit.models import AuditEvent
from tumen.tokens.models import ApiToken
from tumen.tokens.services import digest_of, token_create, token_revoke
from tumen.tokens.tests.apiclient import Api

pytestmark = pytest.mark.django_db


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def test_a_token_is_stored_as_a_digest_and_works_until_revoked(yanji_clerk):
    new = token_create(official=yanji_clerk, name="records system", days=30)
    stored = ApiToken.objects.get(pk=new.token.pk)
    assert stored.digest == digest_of(new.secret)
    assert new.secret not in (stored.digest, stored.prefix)
    assert AuditEvent.objects.filter(action="api_token.created").exists()

    client = Client()
    assert client.get("/api/v1/cases", headers=bearer(new.secret)).status_code == 200
    assert ApiToken.objects.get(pk=stored.pk).last_used_at is not None

    token_revoke(official=yanji_clerk, token_id=stored.pk)
    refused = client.get("/api/v1/cases", headers=bearer(new.secret))
    assert refused.status_code == 401
    assert refused.json()["code"] == "unauthenticated"


def test_an_expired_token_is_refused(yanji_clerk):
    new = token_create(official=yanji_clerk, name="old", days=1)
    ApiToken.objects.filter(pk=new.token.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert Client().get("/api/v1/cases", headers=bearer(new.secret)).status_code == 401


def test_a_token_of_a_deactivated_official_is_refused(yanji_clerk):
    new = token_create(official=yanji_clerk, name="script")
    yanji_clerk.is_active = False
    yanji_clerk.save()
    assert Client().get("/api/v1/cases", headers=bearer(new.secret)).status_code == 401


def test_token_names_and_lifetimes_are_checked(yanji_clerk):
    from django.core.exceptions import ValidationError

    token_create(official=yanji_clerk, name="one")
    with pytest.raises(ValidationError) as same:
        token_create(official=yanji_clerk, name="one")
    assert "name" in same.value.message_dict
    with pytest.raises(ValidationError) as long:
        token_create(official=yanji_clerk, name="two", days=400)
    assert "days" in long.value.message_dict


def test_the_command_prints_the_token_alone_on_its_last_line(yanji_clerk):
    out = io.StringIO()
    name = yanji_clerk.username
    call_command("token", "create", name, "--name", "cli", "--days", "7", stdout=out)
    secret = out.getvalue().strip().splitlines()[-1]
    assert secret.startswith("tmn_")
    assert " " not in secret
    assert Client().get("/api/v1/units", headers=bearer(secret)).status_code == 200
    listing = io.StringIO()
    call_command("token", "list", yanji_clerk.username, stdout=listing)
    assert "cli" in listing.getvalue()
    assert secret not in listing.getvalue()


def test_a_signed_in_browser_uses_the_session_and_must_send_csrf(yanji_clerk):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(yanji_clerk)
    assert browser.get("/api/v1/cases").status_code == 200
    without = browser.post("/api/v1/persons", data="{}", content_type="application/json")
    assert without.status_code == 403, without.content
    assert without["Content-Type"] == "application/problem+json"
    # With the CSRF cookie and header a page's script sends, the call reaches the endpoint.
    assert browser.get("/api/v1/docs").status_code == 200
    token = browser.cookies[settings.CSRF_COOKIE_NAME].value
    with_csrf = browser.post(
        "/api/v1/persons", data="{}", content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert with_csrf.status_code == 422


def test_each_token_is_limited_with_429_and_retry_after(yanji_clerk, jilin_security, settings):
    settings.TUMEN_API_RATE_PER_MINUTE = 3
    from django.core.cache import cache

    cache.clear()
    api = Api(yanji_clerk)
    answers = [api.get("units").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    limited = api.get("units")
    assert limited["Content-Type"] == "application/problem+json"
    assert 1 <= int(limited["Retry-After"]) <= 60
    # Another token has its own allowance.
    assert Api(jilin_security).get("units").status_code == 200
    cache.clear()


def test_a_cached_token_is_refused_at_once_when_revoked_or_its_official_changes(
    yanji_clerk, settings
):
    """
    GIVEN a token in use (so this process trusts it for a few seconds without a query)
    WHEN it is revoked, or its official is deactivated
    THEN the next call is refused at once, not when the cache's seconds run out
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.TUMEN_API_TOKEN_CACHE_SECONDS = 60
    client = Client()
    first = token_create(official=yanji_clerk, name="cached")
    assert client.get("/api/v1/jurisdictions", headers=bearer(first.secret)).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/api/v1/jurisdictions", headers=bearer(first.secret))
    assert again.status_code == 200
    assert not [q for q in queries.captured_queries if "tokens_apitoken" in q["sql"]]

    token_revoke(official=yanji_clerk, token_id=first.token.pk)
    assert client.get("/api/v1/jurisdictions", headers=bearer(first.secret)).status_code == 401

    second = token_create(official=yanji_clerk, name="cached too")
    assert client.get("/api/v1/jurisdictions", headers=bearer(second.secret)).status_code == 200
    yanji_clerk.is_active = False
    yanji_clerk.save()
    assert client.get("/api/v1/jurisdictions", headers=bearer(second.secret)).status_code == 401


def test_a_change_made_elsewhere_is_seen_once_the_cache_seconds_pass(
    yanji_clerk, settings, monkeypatch
):
    """A revocation in another process (here: a bare UPDATE, no signal) counts within the
    cache's seconds."""
    import time

    from tumen.tokens import services

    settings.TUMEN_API_TOKEN_CACHE_SECONDS = 5
    client = Client()
    new = token_create(official=yanji_clerk, name="elsewhere")
    assert client.get("/api/v1/jurisdictions", headers=bearer(new.secret)).status_code == 200
    ApiToken.objects.filter(pk=new.token.pk).update(revoked_at=timezone.now())
    assert client.get("/api/v1/jurisdictions", headers=bearer(new.secret)).status_code == 200
    later = time.monotonic() + 6
    monkeypatch.setattr(services.time, "monotonic", lambda: later)
    assert client.get("/api/v1/jurisdictions", headers=bearer(new.secret)).status_code == 401
