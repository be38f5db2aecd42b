"""Logins, logouts and failed logins are audited like any other change."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from tumen.audit.services import audit_record


@receiver(user_logged_in, dispatch_uid="tumen_audit_login")
def _logged_in(sender, request, user, **kwargs) -> None:
    audit_record(actor=user, action="auth.login")


@receiver(user_logged_out, dispatch_uid="tumen_audit_logout")
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit_record(actor=user, action="auth.logout")


@receiver(user_login_failed, dispatch_uid="tumen_audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    # The attempted username identifies an account, not a person's file; the password never
    # reaches this handler (Django cleanses it).
    username = str(credentials.get("username", ""))[:150]
    audit_record(actor=None, action="auth.login_failed", payload={"username": username})
