"""At sign-in: carry an official's saved language into their session and start the idle clock."""

from __future__ import annotations

import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from tumen.web.middleware import IDLE_KEY, SESSION_LANGUAGE_KEY


@receiver(user_logged_in, dispatch_uid="tumen_web_language_on_login")
def _language_on_login(sender, request, user, **kwargs) -> None:
    # Without a saved language, whatever was chosen on the login page stays in force.
    language = getattr(user, "language", "")
    if request is not None and language:
        request.session[SESSION_LANGUAGE_KEY] = language


@receiver(user_logged_in, dispatch_uid="tumen_web_idle_clock_on_login")
def _idle_clock_on_login(sender, request, user, **kwargs) -> None:
    # The idle clock starts at sign-in, so the first page does not write the session again.
    if request is not None:
        request.session[IDLE_KEY] = int(time.time())
