"""Crossing points, travel authorizations, and what happened at the crossing.

An authorization is issued per approved member (each person crosses on their own document). Its
signed `TMN1:` text is kept as issued, so a reprint prints the same document; a re-issue makes a
new number and marks the old one superseded. Status changes happen only in
tumen/authorizations/services.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tumen.cases.models import Case, CaseMember
from tumen.org.models import Jurisdiction, Trilingual, WorkUnit
from tumen.people.models import Person


class CrossingPoint(Trilingual):
    """A border crossing (scenario data): where it lies and which units staff it."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    river = models.CharField(_("river"), max_length=20)
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="+"
    )
    units = models.ManyToManyField(
        WorkUnit, verbose_name=_("staffed by"), related_name="crossing_points"
    )

    class Meta:
        verbose_name = _("crossing point")
        verbose_name_plural = _("crossing points")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class AuthorizationStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")
    SUPERSEDED = "superseded", _("Superseded")


class Authorization(models.Model):
    number = models.CharField(_("number"), max_length=40, unique=True)
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="authorizations"
    )
    member = models.ForeignKey(
        CaseMember,
        verbose_name=_("case member"),
        on_delete=models.PROTECT,
        related_name="authorizations",
    )
    person = models.ForeignKey(
        Person, verbose_name=_("holder"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AuthorizationStatus.choices,
        default=AuthorizationStatus.VALID,
    )
    crossing_points = models.ManyToManyField(
        CrossingPoint, verbose_name=_("crossing points"), related_name="+"
    )
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"))
    single_use = models.BooleanField(_("single use"))
    clause_id = models.CharField(_("clause"), max_length=60)
    authority = models.CharField(_("issuing authority"), max_length=80)
    kid = models.CharField(_("key id"), max_length=16)
    payload = models.TextField(_("signed text"))
    issued_at = models.DateTimeField(_("issued at"))
    # None when issued from the command line (a case approved before documents existed).
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    revoked_reason = models.CharField(_("reason for revocation"), max_length=200, blank=True)
    printed_count = models.PositiveIntegerField(_("times printed"), default=0)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("travel authorization")
        verbose_name_plural = _("travel authorizations")
        ordering = ["case", "member", "issued_at"]
        constraints = [
            # Two approvers acting at once can never leave a member with two valid documents.
            models.UniqueConstraint(
                fields=["member"], condition=Q(status="valid"), name="one_valid_per_member"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gt=models.F("valid_from")), name="valid_period"
            ),
        ]
        indexes = [
            # Serves reconciliation: valid documents whose period has ended.
            models.Index(fields=["status", "valid_until"], name="authorization_expiry"),
        ]

    def __str__(self) -> str:
        return self.number


class ScanOutcome(models.TextChoices):
    CROSSED = "crossed", _("Crossed")
    REFUSED = "refused", _("Refused")


class CheckpointScan(models.Model):
    """A document presented at a crossing: the crossing recorded, or the refusal and its reason."""

    point = models.ForeignKey(
        CrossingPoint, verbose_name=_("crossing point"), on_delete=models.PROTECT, related_name="+"
    )
    authorization = models.ForeignKey(
        Authorization,
        verbose_name=_("travel authorization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="scans",
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=ScanOutcome.choices)
    reason = models.CharField(_("reason"), max_length=30)
    # A crossing at a point the document does not name is allowed but reported.
    point_named = models.BooleanField(_("point named on the document"), default=True)
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("official"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        WorkUnit, verbose_name=_("work unit"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("checkpoint scan")
        verbose_name_plural = _("checkpoint scans")
        ordering = ["-at", "-pk"]
        indexes = [
            # Serves reconciliation and the checkpoint's recent list: scans of a point by time.
            models.Index(fields=["point", "outcome", "at"], name="scan_by_point"),
        ]

    def __str__(self) -> str:
        return f"{self.point_id}: {self.outcome}"
