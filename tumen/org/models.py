"""The organisation: a jurisdiction tree, work units in it, and the officials who belong to them."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from tumen.lib.localized import localized


class Trilingual(models.Model):
    """Names in the three working languages; `name` picks the active one."""

    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_ko = models.CharField(_("name (Korean)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class Level(models.TextChoices):
    CENTRAL = "central", _("Central")
    BUREAU = "bureau", _("Regional bureau")
    PROVINCE = "province", _("Province or autonomous region")
    PREFECTURE = "prefecture", _("Prefecture")
    COUNTY = "county", _("County or district")


LEVEL_DEPTH = {
    Level.CENTRAL: 0,
    Level.BUREAU: 1,
    Level.PROVINCE: 2,
    Level.PREFECTURE: 3,
    Level.COUNTY: 4,
}


class Jurisdiction(Trilingual):
    """A node of the administrative tree.

    `path` is the materialised chain of codes from the root ("/cn/ne/jilin/yanbian/yanji/"), so a
    subtree is one indexed prefix match and an ancestor list is a split of one string.
    """

    code = models.SlugField(_("code"), max_length=50, unique=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("path"), max_length=500, unique=True, editable=False)

    class Meta:
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(level="central", parent__isnull=True)
                    | (~models.Q(level="central") & models.Q(parent__isnull=False))
                ),
                name="jurisdiction_only_central_is_root",
            ),
        ]
        # The unique constraint on path serves subtree queries (path LIKE '/cn/ne/%') as well.

    def save(self, *args, **kwargs):
        # The path is derived data kept next to the row it describes; computing it here keeps
        # every writer (scenario loader, admin) consistent.
        self.path = (self.parent.path if self.parent_id else "/") + f"{self.code}/"
        super().save(*args, **kwargs)

    @property
    def ancestor_paths(self) -> list[str]:
        """Paths of this node and every node above it, root first."""
        codes = [part for part in self.path.split("/") if part]
        return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]

    def contains(self, other: Jurisdiction) -> bool:
        return other.path.startswith(self.path)


class UnitKind(models.TextChoices):
    COUNTY_OFFICE = "county_office", _("County or district office")
    FOREIGN_AFFAIRS = "foreign_affairs", _("Foreign affairs office")
    PUBLIC_SECURITY = "public_security", _("Public security")
    BORDER_DEFENCE = "border_defence", _("Border defence")
    CUSTOMS = "customs", _("Customs")
    PARTY_COMMITTEE = "party_committee", _("Party committee")


class WorkUnit(Trilingual):
    """An office of a kind in a jurisdiction. Its officials see that jurisdiction's subtree."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=UnitKind.choices)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="units",
    )

    class Meta:
        verbose_name = _("work unit")
        verbose_name_plural = _("work units")
        ordering = ["jurisdiction__path", "kind"]
        indexes = [
            # Serves "the unit of kind K in jurisdiction J" when clearances are routed.
            models.Index(fields=["jurisdiction", "kind"], name="unit_by_jurisdiction_kind"),
        ]


class Role(models.TextChoices):
    CLERK = "clerk", _("Clerk")
    CLEARING_OFFICER = "clearing_officer", _("Clearing officer")
    APPROVER = "approver", _("Approver")
    CHECKPOINT_OFFICER = "checkpoint_officer", _("Checkpoint officer")
    ANALYST = "analyst", _("Analyst")
    ADMINISTRATOR = "administrator", _("Administrator")


class OfficialManager(UserManager):
    def get_queryset(self):
        return super().get_queryset().select_related("unit__jurisdiction")


class Official(AbstractUser):
    """A person who works in Tumen: belongs to one work unit and holds one or more roles."""

    unit = models.ForeignKey(
        WorkUnit,
        verbose_name=_("work unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officials",
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        choices=[("zh-hans", "中文（简体）"), ("ko", "한국어"), ("en", "English")],
    )

    objects = OfficialManager()

    class Meta:
        verbose_name = _("official")
        verbose_name_plural = _("officials")

    @property
    def role_set(self) -> frozenset[str]:
        cached = getattr(self, "_role_set", None)
        if cached is None:
            cached = frozenset(self.role_grants.values_list("role", flat=True))
            self._role_set = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set.intersection(roles))

    @property
    def jurisdiction(self) -> Jurisdiction | None:
        return self.unit.jurisdiction if self.unit_id else None


class RoleGrant(models.Model):
    official = models.ForeignKey(
        Official, verbose_name=_("official"), on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(fields=["official", "role"], name="role_grant_once"),
        ]

    def __str__(self) -> str:
        return f"{self.official.username}: {self.get_role_display()}"


class ReferenceToken(models.Model):
    """One row: a token that changes whenever reference data does (tumen.org.reference)."""

    token = models.CharField(max_length=32)

    class Meta:
        db_table = "org_reference"

    def __str__(self) -> str:
        return self.token
