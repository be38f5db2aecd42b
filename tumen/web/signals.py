"""Carry an official's saved language into their session when they sign in."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from tumen.web.middleware import SESSION_LANGUAGE_KEY


@receiver(user_logged_in, dispatch_uid="tumen_web_language_on_login")
def _language_on_login(sender, request, user, **kwargs) -> None:
    # Without a saved language, whatever was chosen on the login page stays in force.
    language = getattr(user, "language", "")
    if request is not None and language:
        request.session[SESSION_LANGUAGE_KEY] = language
