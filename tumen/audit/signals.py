"""Logins and logouts are audited like any other change (failed logins: tumen.web.signals)."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from tumen.audit.services import audit_record


@receiver(user_logged_in, dispatch_uid="tumen_audit_login")
def _logged_in(sender, request, user, **kwargs) -> None:
    audit_record(actor=user, action="auth.login")


@receiver(user_logged_out, dispatch_uid="tumen_audit_logout")
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit_record(actor=user, action="auth.logout")


# Failed logins are audited once per burst by tumen.web.signals with the sign-in throttle.
