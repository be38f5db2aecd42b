"""Personal API tokens, and the answers kept for retried requests (Idempotency-Key)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A named token of one official: shown once, stored as a SHA-256 digest, expiring.

    The secret is 32 random bytes, so a fast digest is enough: there is nothing to guess that a
    slow hash would protect. `prefix` (the token's first characters) lets an official tell their
    tokens apart in a list without the database holding anything that authenticates.
    """

    official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("official"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16)
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.UniqueConstraint(fields=["official", "name"], name="api_token_name_once"),
        ]

    def __str__(self) -> str:
        # The throttle keys on str(request.auth)'s owner; never the secret.
        return f"{self.prefix}…"


class IdempotentRequest(models.Model):
    """The first answer to a create or action sent with an Idempotency-Key, replayed on retry.

    The row is written in the same transaction as the change it answers for, so a retry either
    finds it (and gets the same answer) or the change never happened.
    """

    official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("official"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    key = models.CharField(_("idempotency key"), max_length=200)
    # method, path and body, so that a key reused for another request is refused, not replayed.
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    status = models.PositiveSmallIntegerField(_("status"))
    body = models.JSONField(_("body"))
    headers = models.JSONField(_("headers"), default=dict)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("idempotent request")
        verbose_name_plural = _("idempotent requests")
        constraints = [
            models.UniqueConstraint(fields=["official", "key"], name="idempotency_key_once"),
        ]
        # The worker deletes the answers older than the retention (tumen.tokens.retention).
        indexes = [models.Index(fields=["created_at"], name="idempotency_created_at")]

    def __str__(self) -> str:
        return f"{self.official_id}/{self.key}"
