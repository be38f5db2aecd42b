"""Sign-in throttling that stops password spraying without locking people out.

Two limits, since a lock on username + address lets one address try four passwords on each of
many usernames, and behind a proxy one address is everyone:
- per address, across usernames: django-axes locks an address after TUMEN_LOGIN_FAILURE_LIMIT
  failures (settings.AXES_*), whatever usernames it tried;
- per username, across addresses: after TUMEN_LOGIN_FREE_FAILURES failures the username waits,
  1, 2, 4 … seconds up to TUMEN_LOGIN_MAX_DELAY_SECONDS between attempts (a delay, not a lock,
  so an attacker cannot lock an official out for long).
The client's address is the proxy's X-Forwarded-For entry only with TUMEN_BEHIND_TLS_PROXY.

Failed sign-ins are audited once per burst: the first failure at once, the burst's count when it
ends (a success, or a new failure after TUMEN_LOGIN_BURST_GAP_SECONDS of quiet). Plain
functions, so the API's token endpoint can use the same limits.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from tumen.web.models import SignInThrottle


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or the address the trusted proxy saw."""
    if settings.TUMEN_BEHIND_TLS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        # The proxy appends the address it saw; anything before it the client may have made up.
        last = forwarded.split(",")[-1].strip()
        if last:
            return last[:64]
    return request.META.get("REMOTE_ADDR", "")[:64]


def username_key(username: str) -> str:
    return hashlib.sha256(username.strip().casefold().encode("utf-8")).hexdigest()


def _now() -> datetime.datetime:
    from django.utils import timezone

    return timezone.now()


def wait_seconds(username: str, *, now: datetime.datetime | None = None) -> int:
    """How long this username must wait before its next attempt is checked (0: go ahead)."""
    not_before = (
        SignInThrottle.objects.filter(key=username_key(username))
        .values_list("not_before", flat=True)
        .first()
    )
    if not_before is None:
        return 0
    remaining = (not_before - (now or _now())).total_seconds()
    return max(0, int(remaining + 0.999))


def _delay(failures: int) -> int:
    extra = failures - settings.TUMEN_LOGIN_FREE_FAILURES
    if extra < 0:
        return 0
    return min(2 ** min(extra, 20), settings.TUMEN_LOGIN_MAX_DELAY_SECONDS)


@dataclass(frozen=True)
class Failure:
    failures: int  # in the current burst, this one included
    ended_burst: int  # failures of a previous burst that this one closed (0: none)


@transaction.atomic
def record_failure(username: str, *, now: datetime.datetime | None = None) -> Failure:
    now = now or _now()
    gap = datetime.timedelta(seconds=settings.TUMEN_LOGIN_BURST_GAP_SECONDS)
    row, created = SignInThrottle.objects.select_for_update().get_or_create(
        key=username_key(username),
        defaults={"failures": 0, "first_failure_at": now, "last_failure_at": now},
    )
    ended = 0
    if not created and now - row.last_failure_at > gap:
        ended, row.failures, row.first_failure_at = row.failures, 0, now
    row.failures += 1
    row.last_failure_at = now
    delay = _delay(row.failures)
    row.not_before = now + datetime.timedelta(seconds=delay) if delay else None
    row.save()
    return Failure(row.failures, ended)


def record_success(username: str) -> int:
    """Forget the username's failures; returns how many the burst had (0: none)."""
    row = SignInThrottle.objects.filter(key=username_key(username)).first()
    if row is None:
        return 0
    row.delete()
    return row.failures
