"""Instructions from above: addressees, numbered clauses, and what must be reported back."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tumen.lib.localized import localized
from tumen.org.models import Jurisdiction, WorkUnit


class Directive(models.Model):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300)
    title_ko = models.CharField(_("title (Korean)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    issued_by = models.ForeignKey(
        Jurisdiction, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    issued_on = models.DateField(_("issued on"))
    report_back_required = models.BooleanField(_("report back required"), default=False)
    report_back_clause = models.ForeignKey(
        "Clause",
        verbose_name=_("report-back clause"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("directive")
        verbose_name_plural = _("directives")
        ordering = ["-issued_on", "code"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return localized(self, "title")


class Clause(models.Model):
    """One numbered clause. `clause_id` is what policy rules and decisions cite."""

    directive = models.ForeignKey(
        Directive, verbose_name=_("directive"), on_delete=models.CASCADE, related_name="clauses"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    clause_id = models.CharField(_("clause id"), max_length=60, unique=True)
    text_zh = models.TextField(_("text (Chinese)"))
    text_ko = models.TextField(_("text (Korean)"), blank=True)
    text_en = models.TextField(_("text (English)"), blank=True)

    class Meta:
        verbose_name = _("clause")
        verbose_name_plural = _("clauses")
        ordering = ["directive", "number"]
        constraints = [
            models.UniqueConstraint(fields=["directive", "number"], name="clause_number_once"),
        ]

    def __str__(self) -> str:
        return self.clause_id

    @property
    def text(self) -> str:
        return localized(self, "text")


class Addressee(models.Model):
    directive = models.ForeignKey(
        Directive,
        verbose_name=_("directive"),
        on_delete=models.CASCADE,
        related_name="addressees",
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        WorkUnit,
        verbose_name=_("work unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("addressee")
        verbose_name_plural = _("addressees")
        constraints = [
            models.UniqueConstraint(fields=["directive", "jurisdiction"], name="addressee_once"),
        ]

    def __str__(self) -> str:
        return str(self.unit or self.jurisdiction)


class Acknowledgement(models.Model):
    """A unit confirms it received a directive. One per unit; who and when are kept."""

    directive = models.ForeignKey(
        Directive,
        verbose_name=_("directive"),
        on_delete=models.CASCADE,
        related_name="acknowledgements",
    )
    unit = models.ForeignKey(
        WorkUnit, verbose_name=_("work unit"), on_delete=models.PROTECT, related_name="+"
    )
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("official"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"))

    class Meta:
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")
        constraints = [
            models.UniqueConstraint(fields=["directive", "unit"], name="acknowledge_once"),
        ]

    def __str__(self) -> str:
        return f"{self.directive_id}/{self.unit_id}"
