"""Request-wide behaviour of the pages: the reader's language, private caching and headers,
and signing out after a spell of inactivity."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.utils import translation
from django.utils.cache import add_never_cache_headers

# Set at login from Official.language and by the language switch (also before signing in).
SESSION_LANGUAGE_KEY = "tumen_language"


class UserLanguageMiddleware:
    """Session (set at login and by the language switch) wins; then the browser's preference."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.session.get(
            SESSION_LANGUAGE_KEY
        ) or translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


class PrivatePagesMiddleware:
    """No page is kept by a browser or proxy cache; browsers get no powerful features.

    Almost every page shows personal data or a case, and the sign-in page carries a CSRF token,
    so all of them are `no-store` (static files are served before this by WhiteNoise).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        response.headers["Cache-Control"] = "no-store, private, max-age=0"
        response.headers.setdefault("Permissions-Policy", settings.TUMEN_PERMISSIONS_POLICY)
        return response


IDLE_KEY = "tumen_last_seen"
# The session is written at most this often just to move the idle clock (seconds).
_IDLE_RESOLUTION = 60


class IdleTimeoutMiddleware:
    """Sign out an official whose last request is older than TUMEN_IDLE_SECONDS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(IDLE_KEY)
            if isinstance(last, int) and now - last > settings.TUMEN_IDLE_SECONDS:
                logout(request)
            elif not isinstance(last, int) or now - last >= _IDLE_RESOLUTION:
                request.session[IDLE_KEY] = now
        return self.get_response(request)
