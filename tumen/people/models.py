"""The person registry: one row per human being, however many cases they appear on."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Lower, Replace
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tumen.lib import clock
from tumen.org.models import Jurisdiction, WorkUnit


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNKNOWN = "unknown", _("Not recorded")


class Nationality(models.TextChoices):
    PRC = "prc", _("Chinese national")
    DPRK = "dprk", _("Korean national")
    OTHER = "other", _("Other nationality")
    STATELESS = "stateless", _("Stateless")


class Ethnicity(models.TextChoices):
    KOREAN = "korean", pgettext_lazy("ethnicity", "Korean")
    HAN = "han", _("Han")
    OTHER = "other", _("Other")


class Person(models.Model):
    name_hangul = models.CharField(_("name in Hangul"), max_length=100, blank=True)
    name_hanzi = models.CharField(_("name in Chinese characters"), max_length=100, blank=True)
    name_latin = models.CharField(_("name in Latin script"), max_length=150, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    nationality = models.CharField(_("nationality"), max_length=12, choices=Nationality.choices)
    ethnicity = models.CharField(
        _("ethnicity"), max_length=12, choices=Ethnicity.choices, blank=True
    )
    residence = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("residence"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The county or district of residence; empty for a person living abroad."),
    )
    # Shared by every member of a household (户口): not unique.
    household_number = models.CharField(
        _("household registration number"), max_length=40, blank=True
    )
    # The personal numbers below identify one person each.
    personal_id_number = models.CharField(_("resident identity number"), max_length=18, blank=True)
    residence_permit_number = models.CharField(
        _("residence permit number"), max_length=40, blank=True
    )
    passport_number = models.CharField(_("passport number"), max_length=40, blank=True)
    passport_state = models.CharField(
        _("passport issuing state"),
        max_length=3,
        blank=True,
        help_text=_("The issuing state's three-letter code, for example CHN or PRK."),
    )
    registered_by = models.ForeignKey(
        WorkUnit,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    registered_at = models.DateTimeField(_("registered at"), default=clock.now, editable=False)
    # Raised by every correction (people.services.person_update), so that a form read before
    # someone else's correction is refused instead of undoing it.
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        constraints = [
            models.CheckConstraint(
                condition=~Q(name_hangul="", name_hanzi="", name_latin=""),
                name="person_has_a_name",
            ),
            # A personal number identifies one person: the registry never holds two rows for it.
            models.UniqueConstraint(
                fields=["personal_id_number"],
                condition=~Q(personal_id_number=""),
                name="person_personal_id_once",
            ),
            models.UniqueConstraint(
                fields=["residence_permit_number"],
                condition=~Q(residence_permit_number=""),
                name="person_residence_permit_once",
            ),
            models.UniqueConstraint(
                fields=["passport_state", "passport_number"],
                condition=~Q(passport_number=""),
                name="person_passport_once",
            ),
        ]
        indexes = [
            # Serve the duplicate-person warning and name search at intake.
            models.Index(fields=["name_hanzi"], name="person_by_hanzi"),
            models.Index(fields=["name_hangul"], name="person_by_hangul"),
            models.Index(fields=["name_latin"], name="person_by_latin"),
            # The duplicate warning compares Latin names without case or spaces; the expression
            # is people.selectors.LATIN_KEY, so the lookup stays an index scan at 10M persons.
            models.Index(
                Lower(Replace(F("name_latin"), Value(" "), Value(""))), name="person_by_latin_key"
            ),
            # Search by household registration number, and the household's members.
            models.Index(fields=["household_number"], name="person_by_household"),
            # The duplicate warning's second test: same date of birth and a similar name.
            models.Index(fields=["date_of_birth"], name="person_by_birth_date"),
        ]

    def __str__(self) -> str:
        return f"P{self.pk}"

    @property
    def display_name(self) -> str:
        return " / ".join(n for n in (self.name_hanzi, self.name_hangul, self.name_latin) if n)


class RelationKind(models.TextChoices):
    SPOUSE = "spouse", _("Spouse")
    PARENT = "parent", _("Parent")
    CHILD = "child", _("Child")
    SIBLING = "sibling", _("Sibling")
    SOCIAL_RELATION_KOREA = "social_relation_korea", _("Social relation in Korea")
    OFFICER_FAMILY = "officer_family", _("Family of a Korean People's Army officer")


class Relation(models.Model):
    """`person` stands in relation `kind` to `relative` (registered) or to a named person abroad.

    Read as: the relative is the person's <kind> (kind=parent: the relative is the parent).
    """

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="relations"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=RelationKind.choices)
    relative = models.ForeignKey(
        Person,
        verbose_name=_("relative"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="relations_as_relative",
    )
    relative_name = models.CharField(_("relative's name"), max_length=150, blank=True)
    relative_place = models.CharField(_("relative's place"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("relation")
        verbose_name_plural = _("relations")
        constraints = [
            models.CheckConstraint(
                condition=Q(relative__isnull=False) | ~Q(relative_name=""),
                name="relation_names_the_relative",
            ),
            models.CheckConstraint(
                condition=Q(relative__isnull=True) | ~Q(relative=models.F("person")),
                name="relation_not_to_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind}"
