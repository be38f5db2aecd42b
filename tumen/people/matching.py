"""Online matching: for a person being entered, the registered persons who may be the same one.

The register's blocking keys (PersonMatchKey, kept current by the person services) narrow a
search to a few persons; each is scored with the trained model (people.linkage.model), the same
weights the bulk de-duplication uses, and explained: which comparisons agreed, in which script.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tumen.org.access import scope
from tumen.org.models import Official
from tumen.people.linkage import model
from tumen.people.linkage.bulk import blocking_keys
from tumen.people.linkage.features import (
    PROFILE_VERSION,
    Features,
    features,
    from_profile,
    to_profile,
)
from tumen.people.models import Person, PersonMatchKey, Sex

# A search compares at most this many persons; blocks are narrow, so it is rarely reached.
MAX_COMPARED = 200
_SEX = {Sex.MALE: "M", Sex.FEMALE: "F"}
_SCRIPT_NAMES = {
    "hangul": gettext_lazy("Hangul"),
    "hanzi": gettext_lazy("Chinese characters"),
    "latin": gettext_lazy("Latin letters"),
}


def person_features(person: Person) -> Features:
    return features(
        record_id=str(person.pk),
        names=(person.name_hangul, person.name_hanzi, person.name_latin),
        birth_date=person.date_of_birth,
        sex=_SEX.get(person.sex, ""),
        id_number=getattr(person, "personal_id_number", "") or "",
        nationality=person.nationality,
    )


def match_data(person) -> tuple[dict, list[str]]:
    """The matching profile and the sorted blocking keys of a person, from one computation of
    its features: what `refresh_keys` stores, and what the bulk writers (the importer, the
    generator of synthetic cases) write with each new person.

    `person` is a Person or any object with its fields (`pk`, the names, `date_of_birth`, `sex`,
    `nationality`, and `personal_id_number` if any): a bulk writer passes a SimpleNamespace of
    the row's values, cheaper than a model instance. The id is part of neither result.
    """
    f = person_features(person)
    return to_profile(f), sorted(blocking_keys(f))


def refresh_keys(person: Person) -> None:
    """Rewrite a person's blocking keys and matching profile; no keys for a merged record."""
    PersonMatchKey.objects.filter(person=person).delete()
    person.match_profile, keys = match_data(person)
    Person.objects.filter(pk=person.pk).update(match_profile=person.match_profile)
    if person.merged_into_id is not None:
        return
    PersonMatchKey.objects.bulk_create(PersonMatchKey(person=person, key=k) for k in keys)


def stored_features(person: Person) -> Features:
    """The person's features from the stored profile, or from the record if it has none."""
    if person.match_profile.get("v") == PROFILE_VERSION:
        return from_profile(str(person.pk), person.match_profile)
    return person_features(person)


_size_cache: tuple[float, int] = (0.0, 0)


def _register_size() -> int:
    """The number of persons registered, read at most once a minute (it sets the prior, as
    for a bulk run over the same register)."""
    global _size_cache
    read_at, size = _size_cache
    if time.monotonic() - read_at > 60:
        size = Person.objects.filter(merged_into=None).count()
        _size_cache = (time.monotonic(), size)
    return max(size, 2)


@dataclass
class Candidate:
    person: Person
    probability: float
    agreements: list[model.Agreement]
    reasons: list[str]

    @property
    def percent(self) -> int:
        return round(self.probability * 100)

    @property
    def likely(self) -> bool:
        return model.likely(self.probability)


def _scripts(f: Features, keys: set[str]) -> str:
    names = {s for s, held in f.scripts if held & keys}
    return ", ".join(str(_SCRIPT_NAMES[s]) for s in sorted(names))


def explain(probe: Features, other: Features, agreements: list[model.Agreement]) -> list[str]:
    """Sentences for an official: which fields agreed, and in which scripts (no names)."""
    lines = []
    for a in agreements:
        if a.comparison == "surname" and a.label.startswith("a common"):
            common = probe.surnames & other.surnames
            lines.append(
                _("Surname agrees (%(this)s ~ %(that)s)")
                % {"this": _scripts(probe, common), "that": _scripts(other, common)}
            )
        elif a.comparison == "given" and a.label in (
            "the same characters",
            "a common given-name key",
        ):
            common = probe.given & other.given
            lines.append(
                _("Given name agrees (%(this)s ~ %(that)s)")
                % {"this": _scripts(probe, common), "that": _scripts(other, common)}
            )
        elif a.comparison == "given" and a.label == "the same reading, other characters":
            lines.append(_("Given name reads alike but in other characters"))
        elif a.comparison == "given" and a.label.startswith("given names one"):
            lines.append(_("Given names one letter apart"))
        elif a.comparison == "birth_date" and a.label != "null":
            lines.append(str(_BIRTH_REASONS.get(a.label, _("Dates of birth differ"))))
        elif a.comparison == "id_number" and a.label == "same":
            lines.append(_("Same identity number"))
    return lines


_BIRTH_REASONS = {
    "same day": gettext_lazy("Same date of birth"),
    "lunar and solar": gettext_lazy("Dates of birth agree as lunar and solar dates"),
    "day and month swapped": gettext_lazy("Dates of birth agree with day and month swapped"),
    "one digit differs": gettext_lazy("Dates of birth differ in one digit"),
    "a year apart": gettext_lazy("Dates of birth a year apart"),
}


def _pool(official: Official | None, keys: set[str], exclude: set[int]) -> QuerySet[Person]:
    # One query: the key lookup (index person_match_key) is a subquery of the persons'.
    ids = (
        PersonMatchKey.objects.filter(key__in=sorted(keys))
        .exclude(person_id__in=exclude)
        .values("person_id")
        .distinct()[:MAX_COMPARED]
    )
    persons = Person.objects.filter(pk__in=ids, merged_into=None)
    return scope(persons, official) if official is not None else persons


def probe_features(
    name_hangul: str = "",
    name_hanzi: str = "",
    name_latin: str = "",
    date_of_birth: datetime.date | None = None,
    sex: str = "",
    id_number: str = "",
    nationality: str = "",
) -> Features:
    """The features of a person being entered, to compare with registered ones."""
    return features(
        record_id="",
        names=(name_hangul, name_hanzi, name_latin),
        birth_date=date_of_birth,
        sex=_SEX.get(sex, sex),
        id_number=id_number,
        nationality=nationality,
    )


def scored(probe: Features, person: Person) -> Candidate:
    """How probably `person` is the one `probe` describes, and why (the model's own terms)."""
    other = stored_features(person)
    probability, agreements = model.score(probe, other, model.weights(_register_size()))
    return Candidate(person, probability, agreements, explain(probe, other, agreements))


def candidates(
    *,
    official: Official | None,
    name_hangul: str = "",
    name_hanzi: str = "",
    name_latin: str = "",
    date_of_birth: datetime.date | None = None,
    sex: str = "",
    id_number: str = "",
    nationality: str = "",
    exclude: set[int] | None = None,
    threshold: float = model.INTAKE_THRESHOLD,
    limit: int = 5,
) -> list[Candidate]:
    """Registered persons the official may see who may be this one, most probable first.

    `official` None is the system's own view (bulk review), which sees everyone.
    """
    probe = probe_features(
        name_hangul, name_hanzi, name_latin, date_of_birth, sex, id_number, nationality
    )
    keys = blocking_keys(probe, without_birth_date=date_of_birth is None, probe=True)
    if not keys:
        return []
    weights = model.weights(_register_size())
    # The pool is read as (id, profile) only: building every pooled person (up to MAX_COMPARED)
    # as a model instance cost more than scoring them. Persons are read whole only for the
    # candidates returned, and for a profile written by an older version (recomputed).
    pool = list(_pool(official, keys, exclude or set()).values_list("pk", "match_profile"))
    stale = [pk for pk, profile in pool if profile.get("v") != PROFILE_VERSION]
    recomputed = (
        {pk: person_features(p) for pk, p in Person.objects.in_bulk(stale).items()} if stale else {}
    )
    found = []
    for pk, profile in pool:
        other = recomputed.get(pk) or from_profile(str(pk), profile)
        probability, agreements = model.score(probe, other, weights)
        if probability >= threshold:
            found.append((probability, pk, other, agreements))
    found.sort(key=lambda c: (-c[0], c[1]))
    found = found[:limit]
    persons = Person.objects.in_bulk([pk for _p, pk, _o, _a in found]) if found else {}
    return [
        Candidate(persons[pk], probability, agreements, explain(probe, other, agreements))
        for probability, pk, other, agreements in found
    ]
