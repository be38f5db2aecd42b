"""Activate the signed-in official's chosen language for every request."""

from __future__ import annotations

from django.utils import translation

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
