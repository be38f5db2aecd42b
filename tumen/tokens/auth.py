"""Who is calling the API: a bearer token, or the browser's session (which must carry CSRF)."""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import BaseThrottle

from tumen.org.access import may_use_system
from tumen.tokens.services import official_for_secret


class TokenAuth(HttpBearer):
    """`Authorization: Bearer tmn_…`: a personal token of an active official."""

    openapi_description = "A personal API token: `tumen token create USERNAME --name NAME`."

    def authenticate(self, request: HttpRequest, token: str):
        found = official_for_secret(token)
        if found is None:
            return None
        official, api_token = found
        # The rest of Tumen (access module, audit, throttle) reads the official from here.
        request.user = official
        request.api_token = api_token
        return official


class OfficialSession(SessionAuth):
    """The signed-in browser; ninja checks the CSRF token on every unsafe method."""

    openapi_description = "The session of an official signed in to the pages (with CSRF)."

    def authenticate(self, request: HttpRequest, key: str | None):
        official = super().authenticate(request, key)
        return official if official is not None and may_use_system(official) else None


class PerClientThrottle(BaseThrottle):
    """A fixed one-minute window per token (or per session user), counted in Django's cache.

    With the default per-process cache each web process counts on its own; a site with several
    processes points CACHES at a shared cache (Redis, Memcached, the database) to count once.
    """

    window = 60

    def allow_request(self, request: HttpRequest) -> bool:
        token = getattr(request, "api_token", None)
        ident = f"t{token.pk}" if token is not None else f"u{request.user.pk}"
        now = time.time()
        start = int(now // self.window) * self.window
        key = f"tumen-api-rate:{ident}:{start}"
        cache.add(key, 0, self.window + 5)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, self.window + 5)
            count = 1
        request.rate_retry_after = max(1, math.ceil(start + self.window - now))
        return count <= settings.TUMEN_API_RATE_PER_MINUTE

    def wait(self) -> float | None:
        # The handler reads the wait from the request (request.rate_retry_after): a throttle
        # object is shared by every thread, so it must not hold one caller's state.
        return None
