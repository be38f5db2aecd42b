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

Denied access is counted per burst by the same table (record_denial, used by tumen.org.access),
under a hash of the official and the model, so that a stream of 404s writes one audit event and
a count rather than one event each.
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
    started_at: datetime.datetime | None = None  # when the current burst began


def _count_in_burst(key: str, now: datetime.datetime, gap_seconds: int) -> SignInThrottle:
    """Count one failure under `key`; a failure after `gap_seconds` of quiet starts a new burst.

    Returns the locked row, not yet saved, with `ended` set to the closed burst's count."""
    gap = datetime.timedelta(seconds=gap_seconds)
    row, created = SignInThrottle.objects.select_for_update().get_or_create(
        key=key, defaults={"failures": 0, "first_failure_at": now, "last_failure_at": now}
    )
    row.ended = 0
    if not created and now - row.last_failure_at > gap:
        row.ended, row.failures, row.first_failure_at = row.failures, 0, now
    row.failures += 1
    row.last_failure_at = now
    return row


@transaction.atomic
def record_failure(username: str, *, now: datetime.datetime | None = None) -> Failure:
    now = now or _now()
    row = _count_in_burst(username_key(username), now, settings.TUMEN_LOGIN_BURST_GAP_SECONDS)
    delay = _delay(row.failures)
    row.not_before = now + datetime.timedelta(seconds=delay) if delay else None
    row.save()
    return Failure(row.failures, row.ended, row.first_failure_at)


def denial_key(official_id, object_type: str, reason: str = "") -> str:
    return username_key(f"access.denied|{official_id or ''}|{object_type}|{reason}")


@transaction.atomic
def record_denial(key: str, *, now: datetime.datetime | None = None) -> Failure:
    """Count one denied access under `key` (see denial_key); no delay follows a denial."""
    row = _count_in_burst(key, now or _now(), settings.TUMEN_DENIAL_BURST_GAP_SECONDS)
    row.save()
    return Failure(row.failures, row.ended, row.first_failure_at)


def denial_counted(key: str, failure: Failure) -> bool:
    """Did a denial counted as `failure` survive (its transaction may have been rolled back)?"""
    return SignInThrottle.objects.filter(
        key=key, first_failure_at=failure.started_at, failures__gte=failure.failures
    ).exists()


def record_success(username: str) -> int:
    """Forget the username's failures; returns how many the burst had (0: none)."""
    row = SignInThrottle.objects.filter(key=username_key(username)).first()
    if row is None:
        return 0
    row.delete()
    return row.failures
