"""Creating, revoking and checking personal API tokens. Each change writes its audit event."""

from __future__ import annotations

import copy
import datetime
import hashlib
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tumen.audit.services import audit_record
from tumen.lib.errors import invalid
from tumen.org.access import may_use_system
from tumen.org.models import Official
from tumen.tokens.models import ApiToken

# Marks a Tumen token in logs and secret scanners; not itself a secret.
TOKEN_PREFIX = "tmn_"  # noqa: S105
MAX_DAYS = 366
# Writing last_used_at on every call would turn each read into a write; once a minute is enough
# to tell a token in use from a forgotten one.
LAST_USE_RESOLUTION = datetime.timedelta(minutes=1)


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    # Shown once, never stored.
    secret: str


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _checked_name(official: Official, name: str) -> str:
    name = name.strip()
    if not name or len(name) > 100 or "\x00" in name:
        raise invalid("name", "token_name_length", max=100)
    if official.api_tokens.filter(name=name).exists():
        raise invalid("name", "token_name_taken", name=name)
    return name


def _checked_days(days: int) -> int:
    if not 1 <= days <= MAX_DAYS:
        raise invalid("days", "token_days_range", max=MAX_DAYS)
    return days


@transaction.atomic
def token_create(*, official: Official, name: str, days: int = 90) -> NewToken:
    """A new token for `official`; the secret is in the result and nowhere else."""
    if not may_use_system(official):
        raise invalid("official", "token_official_inactive")
    name = _checked_name(official, name)
    days = _checked_days(days)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        official=official,
        name=name,
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        digest=digest_of(secret),
        created_at=now,
        expires_at=now + datetime.timedelta(days=days),
    )
    audit_record(
        actor=official,
        action="api_token.created",
        target=token,
        payload={"token": token.pk, "days": days},
    )
    return NewToken(token=token, secret=secret)


@transaction.atomic
def token_revoke(*, official: Official, token_id: int) -> ApiToken:
    """Revoke one of the official's own tokens; revoking twice is not an error."""
    token = official.api_tokens.select_for_update().filter(pk=token_id).first()
    if token is None:
        raise invalid("token", "token_unknown")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        # At once, not on commit: should the revocation roll back, the cost is one lookup.
        forget(token.digest)
        audit_record(
            actor=official, action="api_token.revoked", target=token, payload={"token": token.pk}
        )
    return token


# Tokens found live, by digest: (good until, official, token), for TUMEN_API_TOKEN_CACHE_SECONDS,
# so that a burst of calls does not look the same token up once per call. Per process: a
# revocation, or a change to the official or their roles, clears it here at once (forget,
# forget_official) and in other processes within those seconds.
_LIVE: dict[str, tuple[float, Official, ApiToken]] = {}
_LIVE_AT_MOST = 10_000


def forget(digest: str) -> None:
    _LIVE.pop(digest, None)


def forget_official(official_id: int) -> None:
    for digest, (_until, official, _token) in list(_LIVE.items()):
        if official.pk == official_id:
            _LIVE.pop(digest, None)


def _cached(digest: str, now: datetime.datetime) -> tuple[Official, ApiToken] | None:
    found = _LIVE.get(digest)
    if found is None:
        return None
    until, official, token = found
    if until < time.monotonic() or token.expires_at <= now:
        forget(digest)
        return None
    # A copy per request: a request may note things on its official; the next must not see them.
    return copy.copy(official), token


def _looked_up(digest: str, now: datetime.datetime) -> tuple[Official, ApiToken] | None:
    token = (
        ApiToken.objects.select_related("official__unit__jurisdiction")
        .filter(digest=digest, revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not may_use_system(token.official):
        return None
    seconds = settings.TUMEN_API_TOKEN_CACHE_SECONDS
    if seconds:
        if len(_LIVE) >= _LIVE_AT_MOST:
            _LIVE.clear()
        token.official.role_set  # noqa: B018 (loaded once, kept with the cached official)
        _LIVE[digest] = (time.monotonic() + seconds, token.official, token)
        return copy.copy(token.official), token
    return token.official, token


def official_for_secret(secret: str) -> tuple[Official, ApiToken] | None:
    """The official a live token belongs to, recording its use; None for any other string."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    now = timezone.now()
    digest = digest_of(secret)
    found = _cached(digest, now) or _looked_up(digest, now)
    if found is None:
        return None
    official, token = found
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return official, token
