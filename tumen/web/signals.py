"""At sign-in: carry an official's saved language into their session, start the idle clock and
close the username's throttle; on a failed sign-in: count it, and audit it once per burst."""

from __future__ import annotations

import time

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from tumen.audit.services import audit_record
from tumen.web import throttle
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


def _audit_burst(username: str, count: int) -> None:
    audit_record(
        actor=None, action="auth.login_failed_burst", payload={"username": username, "count": count}
    )


@receiver(user_login_failed, dispatch_uid="tumen_web_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    # The attempted username identifies an account, not a person's file; the password never
    # reaches this handler (Django cleanses it).
    username = str(credentials.get("username", ""))[:150]
    failure = throttle.record_failure(username)
    if failure.ended_burst > 1:
        _audit_burst(username, failure.ended_burst)
    if failure.failures == 1:
        audit_record(
            actor=None, action="auth.login_failed", payload={"username": username, "count": 1}
        )


@receiver(user_logged_in, dispatch_uid="tumen_web_throttle_on_login")
def _throttle_on_login(sender, request, user, **kwargs) -> None:
    failures = throttle.record_success(user.get_username())
    if failures > 1:
        _audit_burst(user.get_username(), failures)
