"""Situation reports and the tally their figures are read from.

`Tally` is a summary of the case tables kept by database triggers (tumen/reports/db.py) in the
same transaction as every case step, so a province's figures are a read of a few thousand rows
at any number of cases. `SituationReport` is the document a jurisdiction sends upward; when it
is submitted its figures are frozen into `figures` and later case changes do not alter them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tumen.cases.models import Case, ExistingIssue
from tumen.directives.models import Directive
from tumen.org.models import Jurisdiction


class Tally(models.Model):
    """How many of one thing (figure, key1, key2, value) happened in a county in a month.

    `month` is "YYYY-MM" in TUMEN_TIME_ZONE, or "" for state that belongs to no month (pending
    clearances). `value` carries a histogram's bucket (whole days), so medians are exact. The rows
    are written only by the triggers and by `tumen.reports.db.rebuild`; docs/reports.md says which
    row feeds which figure.
    """

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    month = models.CharField(max_length=7)
    figure = models.CharField(max_length=20)
    key1 = models.CharField(max_length=60)
    key2 = models.CharField(max_length=60)
    value = models.IntegerField()
    n = models.BigIntegerField()

    class Meta:
        db_table = "reports_tally"
        constraints = [
            # The triggers' upsert target; it also serves every figures read
            # (jurisdiction_id IN subtree AND month = period).
            models.UniqueConstraint(
                fields=["jurisdiction", "month", "figure", "key1", "key2", "value"],
                name="tally_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id}/{self.month}/{self.figure}/{self.key1}/{self.key2}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    ACCEPTED = "accepted", _("Accepted")


class SituationReport(models.Model):
    """A jurisdiction's report for one month under a directive that requires a report back."""

    directive = models.ForeignKey(
        Directive, verbose_name=_("directive"), on_delete=models.PROTECT, related_name="+"
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="situation_reports",
    )
    period = models.CharField(_("period"), max_length=7)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    issues_text = models.TextField(_("existing issues"), blank=True)
    linked_cases = models.ManyToManyField(
        Case, verbose_name=_("cases referred to"), blank=True, related_name="+"
    )
    linked_flags = models.ManyToManyField(
        ExistingIssue, verbose_name=_("flags referred to"), blank=True, related_name="+"
    )
    # The linked cases and flags as they stood when the report was submitted (a list of dicts,
    # tumen.reports.links), so that later changes to them do not alter a submitted report.
    frozen_links = models.JSONField(_("frozen links"), default=list, blank=True)
    # The frozen tally (a list of [figure, key1, key2, value, n]) and the moment it was taken;
    # empty while the report is a draft or has been returned.
    figures = models.JSONField(_("frozen figures"), default=list, blank=True)
    frozen_at = models.DateTimeField(_("figures frozen at"), null=True, blank=True)
    # Which children's accepted reports were consolidated into the frozen figures.
    consolidated = models.JSONField(_("consolidated reports"), default=list, blank=True)
    return_comment = models.TextField(_("comment on return"), blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("situation report")
        verbose_name_plural = _("situation reports")
        ordering = ["-period", "jurisdiction__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["directive", "jurisdiction", "period"], name="report_once_per_period"
            ),
            models.CheckConstraint(
                condition=models.Q(period__regex=r"^[0-9]{4}-(0[1-9]|1[0-2])$"),
                name="report_period_is_a_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id}/{self.period}"


class ReportPdf(models.Model):
    """A report typeset in one language, for the version it was made from."""

    report = models.ForeignKey(
        SituationReport,
        verbose_name=_("situation report"),
        on_delete=models.CASCADE,
        related_name="pdfs",
    )
    language = models.CharField(_("language"), max_length=10)
    version = models.PositiveIntegerField(_("version"))
    pdf = models.BinaryField(_("PDF"))
    made_at = models.DateTimeField(_("made at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report PDF")
        verbose_name_plural = _("report PDFs")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "language", "version"], name="report_pdf_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_id}/{self.language}/v{self.version}"


class TallyPause(models.Model):
    """A bulk writer's pause of the tally's row triggers on SQLite (tumen.reports.db.batch_tally).

    A row exists only inside the writer's own transaction, which inserts it and deletes it before
    it commits; no other connection ever sees one. Outside such a transaction the table is empty.
    """

    class Meta:
        db_table = "reports_tallypause"

    def __str__(self) -> str:
        return f"tally pause {self.pk}"
