"""Append-only, hash-chained audit events.

Each row's hash covers its own canonical content and the previous row's hash, so changing or
removing any row breaks the chain from that point on; database triggers refuse UPDATE and DELETE
on both engines, and a signed head kept outside the database catches a cut tail.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class SequenceField(models.BigIntegerField):
    """A 64-bit integer primary key; on SQLite declared INTEGER, so that it is the rowid itself.

    A BIGINT primary key on SQLite is a second index beside the hidden rowid, written on every
    append; INTEGER PRIMARY KEY is the rowid (SQLite integers are 64-bit either way).
    """

    def db_type(self, connection):
        if connection.vendor == "sqlite":
            return "integer"
        return super().db_type(connection)


class AuditEvent(models.Model):
    seq = SequenceField(_("sequence"), primary_key=True)
    occurred_at = models.DateTimeField(_("time (UTC)"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    actor_username = models.CharField(_("actor's username"), max_length=150, blank=True)
    unit = models.ForeignKey(
        "org.WorkUnit",
        verbose_name=_("work unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    action = models.CharField(_("action"), max_length=60)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    payload = models.JSONField(_("payload"), default=dict)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    row_hash = models.CharField(_("row hash"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["seq"]
        indexes = [
            # Serves the case timeline: every event about one object, in order.
            models.Index(fields=["object_type", "object_id", "seq"], name="audit_by_object"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def hashed_content(self) -> dict:
        """Exactly what row_hash covers, besides prev_hash."""
        return {
            "seq": self.seq,
            "occurred_at": self.occurred_at,
            "actor": self.actor_id,
            "actor_username": self.actor_username,
            "unit": self.unit_id,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "payload": self.payload,
        }
