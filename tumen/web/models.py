"""State of the sign-in pages: the progressive delay on a username that keeps failing."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SignInThrottle(models.Model):
    """Failed sign-ins for one username from any address, in the current burst; also the
    denied-access bursts of one official and kind of record (tumen.web.throttle.denial_key).

    The key is kept only as a hash: this table needs to recognise it, not to read it.
    """

    key = models.CharField(_("username hash"), max_length=64, unique=True)
    failures = models.PositiveIntegerField(_("failures in this burst"), default=0)
    first_failure_at = models.DateTimeField(_("first failure"))
    last_failure_at = models.DateTimeField(_("last failure"))
    # No attempt for this username is checked before then (the progressive delay).
    not_before = models.DateTimeField(_("not before"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in throttle")
        verbose_name_plural = _("sign-in throttles")

    def __str__(self) -> str:
        return f"{self.key[:12]}… ({self.failures})"


class Referral(models.Model):
    """A person referred to the jurisdiction that holds their record, by an official who entered
    one of their numbers but may not open that record (tumen.web.referrals).

    Listed on the home page of the holding jurisdiction's officials; the referring official is
    never shown the person."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("person")
    )
    to_jurisdiction = models.ForeignKey(
        "org.Jurisdiction",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("referred to"),
    )
    number_field = models.CharField(_("number entered"), max_length=32)
    referred_by = models.ForeignKey(
        "org.Official", on_delete=models.PROTECT, related_name="+", verbose_name=_("referred by")
    )
    from_unit = models.ForeignKey(
        "org.WorkUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("from unit")
    )
    created_at = models.DateTimeField(_("referred at"))

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"referral {self.pk}"
