"""Bulk imports: one row per run, and the ledger that makes every imported row count once.

The ledger (`ImportedRow`) is written in the same transaction as the rows it names, so after a
crash either both are there or neither is; a re-run skips every key the ledger holds with the same
content and refuses a key that comes back with different content.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tumen.org.models import WorkUnit


class ImportKind(models.TextChoices):
    PERSONS = "persons", _("Persons")
    CASES = "cases", _("Applications (cases)")
    FOREIGN_REQUESTS = "foreign-request", _("Foreign requests (notes)")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportRun(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    file_name = models.CharField(_("file name"), max_length=200)
    stored_path = models.CharField(_("stored file"), max_length=500)
    encoding = models.CharField(_("encoding"), max_length=40, blank=True)
    language = models.CharField(_("language of the error report"), max_length=10, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        WorkUnit,
        verbose_name=_("work unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_imported = models.PositiveIntegerField(_("rows imported"), default=0)
    rows_skipped = models.PositiveIntegerField(_("rows already imported"), default=0)
    rows_rejected = models.PositiveIntegerField(_("rows rejected"), default=0)
    bytes_total = models.BigIntegerField(_("file size"), default=0)
    bytes_read = models.BigIntegerField(_("bytes read"), default=0)
    error_path = models.CharField(_("error report"), max_length=500, blank=True)
    failure = models.TextField(_("why the run stopped"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"import {self.pk} ({self.kind})"


class ImportedRow(models.Model):
    """One imported source row: its stable key, a digest of its content, and what it became."""

    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    key = models.CharField(_("import key"), max_length=100)
    digest = models.CharField(_("content digest"), max_length=32)
    object_id = models.BigIntegerField(_("object id"))
    run = models.ForeignKey(
        ImportRun, verbose_name=_("import run"), on_delete=models.PROTECT, related_name="+"
    )
    line = models.PositiveIntegerField(_("line"))

    class Meta:
        verbose_name = _("imported row")
        verbose_name_plural = _("imported rows")
        constraints = [
            # Exactly once: a key is imported at most one time per kind, whatever crashes.
            models.UniqueConstraint(fields=["kind", "key"], name="imported_row_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"
