"""Reading the person registry: the duplicate warning that intake shows before registering, and
a person's record for correcting it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Lower, Replace

from tumen.lib.identity import normal_prc_id
from tumen.org.access import get_for_user, scope
from tumen.org.models import Official
from tumen.people.matching import candidates, probe_features, scored
from tumen.people.models import CandidateStatus, DuplicateCandidate, Person, PersonMerge

# Two names of one script this alike (difflib ratio) are worth a second look when the date of
# birth is the same too: it catches one wrong character in a Hanzi or Hangul name and most
# romanisation variants ("Ri" / "Li", "Kim Chol" / "Kim Cheol").
SIMILAR_NAME_RATIO = 0.6
# Persons born on one day are few; this bounds the Python-side comparison on a 10-million registry.
SAME_BIRTH_DATE_CANDIDATES = 500
# How possible_duplicates found a person (`found_by`): an equal name in some script; a similar
# name and the same date of birth; the trained matcher, across scripts.
SAME_NAME, SIMILAR_NAME, MATCHER = "same_name", "similar_name_same_birth_date", "matcher"

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
    # A record merged into another is history: intake offers the one it was merged into.
    return scope(Person.objects.filter(merged_into=None).annotate(latin_key=LATIN_KEY), official)


def possible_duplicates(
    *,
    official: Official,
    name_hangul: str = "",
    name_hanzi: str = "",
    name_latin: str = "",
    date_of_birth: datetime.date | None = None,
    sex: str = "",
    nationality: str = "",
    personal_id_number: str = "",
    limit: int = 10,
) -> list[Person]:
    """Persons the official can see who may be the one about to be registered.

    A person with an equal name in any script comes first (oldest record first); then persons
    born on the same day whose name in some script is similar; then persons the trained matcher
    finds across scripts (金永哲 for 김영철), or by the same resident identity number. Intake shows
    these before it registers anyone, because the registry must never hold one human being twice.

    `sex` (a Person.Sex value; "unknown" counts as not given), `nationality` and
    `personal_id_number`, when the official has them, are evidence for the matcher: a different
    sex or nationality makes a match less probable, the same identity number far more.
    """
    probe = {"name_hangul": name_hangul, "name_hanzi": name_hanzi, "name_latin": name_latin}
    found = _same_script_duplicates(official, date_of_birth=date_of_birth, limit=limit, **probe)
    return _with_cross_script_matches(
        official,
        found,
        limit,
        date_of_birth=date_of_birth,
        **probe,
        **_evidence(sex, nationality, personal_id_number),
    )


def _evidence(sex: str, nationality: str, personal_id_number: str) -> dict:
    """The matcher's arguments for what else the official typed, the identity number written
    as the register writes it (people.services)."""
    number = normal_prc_id(personal_id_number or "")
    return {"sex": sex or "", "nationality": nationality or "", "id_number": number}


def _same_script_duplicates(
    official: Official,
    *,
    name_hangul: str,
    name_hanzi: str,
    name_latin: str,
    date_of_birth: datetime.date | None,
    limit: int,
) -> list[Person]:
    found: list[Person] = []
    equal = _equal_name(name_hangul, name_hanzi, name_latin)
    if equal is not None:
        found = list(_visible(official).filter(equal).order_by("pk")[:limit])
    for person in found:
        person.found_by = SAME_NAME
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
    for person in similar:
        person.found_by = SIMILAR_NAME
    return found + similar[: limit - len(found)]


def _with_cross_script_matches(official, found, limit, **probe) -> list[Person]:
    """`found` followed by persons the trained matcher finds across scripts (people.matching),
    each carrying `.match` (probability and reasons) for the page to explain."""
    seen = {person.pk for person in found}
    extra = candidates(official=official, exclude=seen, limit=limit, **probe)
    for candidate in extra:
        candidate.person.match = candidate
        candidate.person.found_by = MATCHER
    return (found + [c.person for c in extra])[:limit]


def person_record(official: Official, person_id: int) -> Person:
    """One person with their residence, if the official may see them; else the shared 404."""
    return get_for_user(official, Person.objects.select_related("residence"), pk=person_id)


def open_candidates(official: Official) -> QuerySet[DuplicateCandidate]:
    """The review queue: open pairs the official may see, neither merged since, most probable
    first (index candidate_queue)."""
    pairs = DuplicateCandidate.objects.filter(
        status=CandidateStatus.OPEN, first__merged_into=None, second__merged_into=None
    ).select_related("first__residence", "second__residence")
    return scope(pairs, official).order_by("-probability", "pk")


def recent_merges(official: Official, limit: int = 20) -> list[PersonMerge]:
    """Merges of persons the official may see, newest first, for undo."""
    visible = scope(Person.objects.all(), official).values("pk")
    merges = PersonMerge.objects.filter(survivor__in=visible).select_related(
        "survivor", "merged", "merged_by"
    )
    return list(merges.order_by("-merged_at", "-pk")[:limit])


def cross_script_name_matches(
    official: Official, name: str, *, exclude: set[int], limit: int = 20
) -> list[Person]:
    """Persons whose name, read in every script, shares a key with `name` (김영철 finds
    金永哲 and Kim Yong Chol), for the person search; each carries `.match` with its reasons."""
    found = candidates(
        official=official,
        name_hangul=name,
        name_hanzi=name,
        name_latin=name,
        exclude=exclude,
        threshold=0.0,
        limit=limit,
    )
    for candidate in found:
        candidate.person.match = candidate
        candidate.person.found_by = MATCHER
    return [c.person for c in found]


def persons_named(name: str) -> QuerySet[Person]:
    """Persons with `name` anywhere in their name in any script (明浩 finds 金明浩; Latin without
    case or spaces), or whose identity, household, residence-permit or passport number it is.

    Not scoped: callers narrow a scoped list with it (find_persons; the worklists' cases).
    """
    name = name.strip()
    condition = Q(name_hanzi__contains=name) | Q(name_hangul__contains=name)
    if latin_key(name):
        condition |= Q(latin_key__contains=latin_key(name))
    number = "".join(name.split()).upper()
    condition |= (
        Q(household_number=name)
        | Q(personal_id_number=number)
        | Q(residence_permit_number=name)
        | Q(passport_number=name)
    )
    return Person.objects.annotate(latin_key=LATIN_KEY).filter(condition)


@dataclass
class PersonsFound:
    # Persons with the name or number, in registration order (ids after the search's `after`).
    persons: list[Person]
    # Whether a next page of them may follow.
    more: bool
    # On the first page: the same name written in other scripts (people.matching), most probable
    # first, each carrying `.match` (probability and reasons).
    other_scripts: list[Person]


def find_persons(official: Official, name: str, *, after: int = 0, limit: int = 50) -> PersonsFound:
    """The person search of the pages and the API: persons the official may see by any part of a
    name in any script, or by any of their numbers; then, on the first page, the same name as
    the matcher reads it in the other scripts (김영철 finds 金永哲 and Kim Yong Chol)."""
    visible = scope(Person.objects.filter(merged_into=None), official)
    persons = list(
        visible.filter(pk__in=persons_named(name).values("pk"), pk__gt=after)
        .select_related("residence")
        .order_by("pk")[:limit]
    )
    other_scripts = []
    if not after:
        other_scripts = with_residences(
            cross_script_name_matches(official, name, exclude={p.pk for p in persons})
        )
    return PersonsFound(persons, len(persons) == limit, other_scripts)


@dataclass
class IdentityMatch:
    person: Person
    # How intake found them: an equal name, a similar name and the same birth date, or the
    # trained matcher across scripts.
    found_by: str
    probability: float
    reasons: list[str]


def identity_matches(
    official: Official,
    *,
    name_hangul: str = "",
    name_hanzi: str = "",
    name_latin: str = "",
    date_of_birth: datetime.date | None = None,
    sex: str = "",
    nationality: str = "",
    personal_id_number: str = "",
    limit: int = 10,
) -> list[IdentityMatch]:
    """The registered persons intake would show before registering this one, in intake's order
    (possible_duplicates), each scored by the trained model and explained, with the same
    evidence (sex, nationality, identity number) for every person shown."""
    probe = {"name_hangul": name_hangul, "name_hanzi": name_hanzi, "name_latin": name_latin}
    found = possible_duplicates(
        official=official,
        date_of_birth=date_of_birth,
        sex=sex,
        nationality=nationality,
        personal_id_number=personal_id_number,
        limit=limit,
        **probe,
    )
    features = probe_features(
        date_of_birth=date_of_birth,
        **probe,
        **_evidence(sex, nationality, personal_id_number),
    )
    matches = []
    for person in with_residences(found):
        match = person.match or scored(features, person)
        matches.append(IdentityMatch(person, person.found_by, match.probability, match.reasons))
    return matches


def with_residences(persons: list[Person]) -> list[Person]:
    """The same persons, with their residences, in one query, in the same order; each keeps
    the matcher's score and reasons (`match`) and how it was found (`found_by`)."""
    if not persons:
        return []
    loaded = Person.objects.select_related("residence").in_bulk([p.pk for p in persons])
    for person in persons:
        loaded[person.pk].match = getattr(person, "match", None)
        loaded[person.pk].found_by = getattr(person, "found_by", "")
    return [loaded[p.pk] for p in persons]


def person_events(official: Official, person_id: int) -> list:
    """The audit events about one person the official may see (registered, corrected, related),
    oldest first; else the shared 404. They carry field names and ids, never the values."""
    from tumen.audit.models import AuditEvent

    person = get_for_user(official, Person, pk=person_id)
    events = AuditEvent.objects.filter(object_type="people.person", object_id=str(person.pk))
    return list(events.order_by("seq"))
