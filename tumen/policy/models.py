"""Policy packs as stored data: every version ever loaded stays, so old decisions stay explained."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tumen.lib.localized import localized


class PolicyPack(models.Model):
    """One version of one pack. The document is the validated pack, exactly as cases cite it."""

    code = models.SlugField(_("code"), max_length=50)
    version = models.PositiveIntegerField(_("version"))
    title_zh = models.CharField(_("title (Chinese)"), max_length=300)
    title_ko = models.CharField(_("title (Korean)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    document = models.JSONField(_("document"))
    sha256 = models.CharField(_("SHA-256 of the source"), max_length=64)
    active = models.BooleanField(_("active for new cases"), default=True)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("policy pack")
        verbose_name_plural = _("policy packs")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="policy_pack_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"

    @property
    def title(self) -> str:
        return localized(self, "title")
