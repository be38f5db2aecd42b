"""Reading the person registry: the duplicate warning that intake shows before registering, and
a person's record for correcting it."""

from __future__ import annotations

import datetime
from difflib import SequenceMatcher

from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Lower, Replace

from tumen.org.access import get_for_user, scope
from tumen.org.models import Official
from tumen.people.models import Person

# Two names of one script this alike (difflib ratio) are worth a second look when the date of
# birth is the same too: it catches one wrong character in a Hanzi or Hangul name and most
# romanisation variants ("Ri" / "Li", "Kim Chol" / "Kim Cheol").
SIMILAR_NAME_RATIO = 0.6
# Persons born on one day are few; this bounds the Python-side comparison on a 10-million registry.
SAME_BIRTH_DATE_CANDIDATES = 500

# The same expression serves the filter and the person_by_latin_key index, so the database can
# use the index: lower case, spaces removed ("Kim Il Sung" = "kim ilsung").
LATIN_KEY = Lower(Replace(F("name_latin"), Value(" "), Value("")))


def latin_key(name: str) -> str:
    return name.replace(" ", "").lower()


def _equal_name(name_hangul: str, name_hanzi: str, name_latin: str) -> Q | None:
    condition = Q()
    if name_hangul.strip():
        condition |= Q(name_hangul=name_hangul.strip())
    if name_hanzi.strip():
        condition |= Q(name_hanzi=name_hanzi.strip())
    if latin_key(name_latin):
        condition |= Q(latin_key=latin_key(name_latin))
    return condition or None


def _similar(a: str, b: str) -> bool:
    return bool(a and b) and SequenceMatcher(None, a, b).ratio() >= SIMILAR_NAME_RATIO


def _has_similar_name(person: Person, hangul: str, hanzi: str, latin: str) -> bool:
    return (
        _similar(person.name_hangul, hangul.strip())
        or _similar(person.name_hanzi, hanzi.strip())
        or _similar(latin_key(person.name_latin), latin_key(latin))
    )


def _visible(official: Official) -> QuerySet[Person]:
    return scope(Person.objects.annotate(latin_key=LATIN_KEY), official)


def possible_duplicates(
    *,
    official: Official,
    name_hangul: str = "",
    name_hanzi: str = "",
    name_latin: str = "",
    date_of_birth: datetime.date | None = None,
    limit: int = 10,
) -> list[Person]:
    """Persons the official can see who may be the one about to be registered.

    A person with an equal name in any script comes first (oldest record first); then persons
    born on the same day whose name in some script is similar. Intake shows these before it
    registers anyone, because the registry must never hold one human being twice.
    """
    found: list[Person] = []
    equal = _equal_name(name_hangul, name_hanzi, name_latin)
    if equal is not None:
        found = list(_visible(official).filter(equal).order_by("pk")[:limit])
    if date_of_birth is None or len(found) >= limit:
        return found
    seen = {person.pk for person in found}
    born_same_day = (
        _visible(official)
        .filter(date_of_birth=date_of_birth)
        .exclude(pk__in=seen)
        .order_by("pk")[:SAME_BIRTH_DATE_CANDIDATES]
    )
    similar = [
        p for p in born_same_day if _has_similar_name(p, name_hangul, name_hanzi, name_latin)
    ]
    return found + similar[: limit - len(found)]


def person_record(official: Official, person_id: int) -> Person:
    """One person with their residence, if the official may see them; else the shared 404."""
    return get_for_user(official, Person.objects.select_related("residence"), pk=person_id)


def persons_search(
    *, official: Official, name: str, after: int = 0, limit: int = 50
) -> list[Person]:
    """Persons the official can see whose name in any script starts with `name` (Latin without
    case or spaces), in registration order after the person id `after`."""
    name = name.strip()
    condition = Q(name_hanzi__startswith=name) | Q(name_hangul__startswith=name)
    if latin_key(name):
        condition |= Q(latin_key__startswith=latin_key(name))
    found = _visible(official).filter(condition, pk__gt=after).select_related("residence")
    return list(found.order_by("pk")[:limit])


def person_events(official: Official, person_id: int) -> list:
    """The audit events about one person the official may see (registered, corrected, related),
    oldest first; else the shared 404. They carry field names and ids, never the values."""
    from tumen.audit.models import AuditEvent

    person = get_for_user(official, Person, pk=person_id)
    events = AuditEvent.objects.filter(object_type="people.person", object_id=str(person.pk))
    return list(events.order_by("seq"))
