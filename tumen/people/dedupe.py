"""The register's duplicates: finding them in bulk, and an official's merge, undo or "distinct".

`duplicates_find` runs the Splink model over the whole register and queues the pairs worth a look;
`person_merge` re-points the merged record's case memberships, request listings, relations,
authorizations (the documents issued to the person) and referrals to the record kept, and moves
its identity numbers (resident identity, residence permit, passport) to the record kept where that
one has none, keeping the merged record (hidden) so that `merge_undo` can put everything back;
`candidate_mark_distinct` closes a pair for good: the same pair is never queued again.
"""

from __future__ import annotations

from django.db import transaction

from tumen.audit.services import audit_record
from tumen.authorizations.models import Authorization
from tumen.cases.models import Case, CaseMember, ForeignRequestPerson
from tumen.lib import clock
from tumen.lib.errors import ensure_version, invalid
from tumen.org.access import get_for_update, require
from tumen.org.models import Official
from tumen.people.linkage import bulk, model
from tumen.people.matching import person_features, refresh_keys
from tumen.people.models import (
    CandidateStatus,
    DuplicateCandidate,
    Person,
    PersonMerge,
    Relation,
)
from tumen.web.models import Referral

BATCH = 5000


def registry_pairs(threshold: float = model.REVIEW_THRESHOLD) -> list[tuple[int, int, float]]:
    """Every pair of unmerged persons the model scores at least `threshold`, lower id first."""
    persons = Person.objects.filter(merged_into=None).order_by("pk").iterator(chunk_size=BATCH)
    table = bulk.table(person_features(p) for p in persons)
    if table.num_rows < 2:
        return []
    result, _linker = bulk.dedupe(table)
    rows = result.blocked_pairs.filter(f"match_probability >= {float(threshold)}").fetchall()
    cols = result.blocked_pairs.columns
    il, ir, ip = (
        cols.index("unique_id_l"),
        cols.index("unique_id_r"),
        cols.index("match_probability"),
    )
    pairs = {}
    for row in rows:
        a, b = sorted((int(row[il]), int(row[ir])))
        pairs[(a, b)] = max(pairs.get((a, b), 0.0), float(row[ip]))
    return [(a, b, p) for (a, b), p in sorted(pairs.items())]


def _explanation(first: Person, second: Person) -> list[dict]:
    _p, agreements = model.score(person_features(first), person_features(second))
    return [
        {"comparison": a.comparison, "level": a.label, "weight": round(a.weight, 2)}
        for a in agreements
    ]


@transaction.atomic
def duplicates_find(*, official: Official | None = None) -> int:
    """Queue every new pair of possible duplicates in the register; the number queued.

    Pairs already queued, merged or marked distinct are left as they are: a pair is asked once.
    Run by `tumen dedupe` (the system, `official` None) or by an official with a registering role.
    """
    if official is not None:
        require(official, "person.merge")
    for person in Person.objects.filter(merged_into=None, match_keys=None).iterator(
        chunk_size=BATCH
    ):
        refresh_keys(person)
    pairs = registry_pairs()
    known = set(DuplicateCandidate.objects.values_list("first_id", "second_id"))
    new = [(a, b, p) for a, b, p in pairs if (a, b) not in known]
    persons = Person.objects.in_bulk({pk for a, b, _p in new for pk in (a, b)})
    DuplicateCandidate.objects.bulk_create(
        DuplicateCandidate(
            first_id=a,
            second_id=b,
            probability=p,
            explanation=_explanation(persons[a], persons[b]),
        )
        for a, b, p in new
    )
    audit_record(
        actor=official,
        action="person.duplicates_found",
        payload={"pairs_scored": len(pairs), "queued": len(new)},
    )
    return len(new)


def _open_candidate(official: Official, candidate_id: int, version: int) -> DuplicateCandidate:
    candidate = get_for_update(official, DuplicateCandidate, action="person.merge", pk=candidate_id)
    ensure_version(candidate, version, what="possible duplicate")
    if candidate.status != CandidateStatus.OPEN:
        raise invalid("candidate", "pair_decided", status=CandidateStatus(candidate.status))
    return candidate


def _decide(candidate: DuplicateCandidate, official: Official, status: str) -> None:
    candidate.status = status
    candidate.decided_by = official
    candidate.decided_at = clock.now() if status != CandidateStatus.OPEN else None
    if status == CandidateStatus.OPEN:
        candidate.decided_by = None
    candidate.version += 1
    candidate.save(update_fields=["status", "decided_by", "decided_at", "version"])


@transaction.atomic
def candidate_mark_distinct(
    *, official: Official, candidate_id: int, version: int
) -> DuplicateCandidate:
    """Record that the two persons are different people; the pair is never queued again."""
    candidate = _open_candidate(official, candidate_id, version)
    _decide(candidate, official, CandidateStatus.DISTINCT)
    audit_record(
        actor=official,
        action="person.marked_distinct",
        target=candidate.first,
        payload={"candidate": candidate.pk, "persons": [candidate.first_id, candidate.second_id]},
    )
    return candidate


def _refuse_overlap(survivor: Person, merged: Person) -> None:
    shared = sorted(
        set(CaseMember.objects.filter(person=survivor).values_list("case_id", flat=True))
        & set(CaseMember.objects.filter(person=merged).values_list("case_id", flat=True))
    )
    if shared:
        numbers = Case.objects.filter(pk__in=shared).order_by("number")
        raise invalid(
            "survivor_id", "merge_shared_case", cases=list(numbers.values_list("number", flat=True))
        )
    if (
        Relation.objects.filter(person=survivor, relative=merged).exists()
        or Relation.objects.filter(person=merged, relative=survivor).exists()
    ):
        raise invalid("survivor_id", "merge_relatives")


# A person's identity numbers, each a group of fields that identify one document together.
NUMBERS = (
    ("personal_id_number",),
    ("residence_permit_number",),
    ("passport_number", "passport_state"),
)


def _numbers_to_move(survivor: Person, merged: Person) -> list[str]:
    """The merged record's numbers the record kept takes over (it has none of that kind).

    Two different numbers of one kind are refused: one person holds one resident identity
    number, and two passports or permits on one person are for an official to sort out first.
    """
    moving = []
    for group in NUMBERS:
        mine = tuple(getattr(survivor, f) for f in group)
        theirs = tuple(getattr(merged, f) for f in group)
        if not theirs[0]:
            continue
        if mine[0] and mine != theirs:
            raise invalid("survivor_id", "merge_numbers_differ", field=group[0])
        moving.extend(group)
    return moving


def _swap_numbers(source: Person, target: Person, fields: list[str]) -> None:
    """Give `source`'s numbers in `fields` to `target`, clearing them on `source` first (each
    number is unique in the register)."""
    values = {f: getattr(source, f) for f in fields}
    if not values:
        return
    Person.objects.filter(pk=source.pk).update(**dict.fromkeys(fields, ""))
    Person.objects.filter(pk=target.pk).update(**values)
    for f, value in values.items():
        setattr(source, f, "")
        setattr(target, f, value)


def _move(survivor: Person, merged: Person) -> dict[str, list]:
    """Re-point every row naming `merged` to `survivor`; the ids moved, per kind of row, and the
    names of the number fields moved (not the numbers)."""
    moved = {
        "case_members": list(CaseMember.objects.filter(person=merged).values_list("pk", flat=True)),
        "request_persons": list(
            ForeignRequestPerson.objects.filter(person=merged).values_list("pk", flat=True)
        ),
        "relations": list(Relation.objects.filter(person=merged).values_list("pk", flat=True)),
        "relatives": list(Relation.objects.filter(relative=merged).values_list("pk", flat=True)),
        "authorizations": list(
            Authorization.objects.filter(person=merged).values_list("pk", flat=True)
        ),
        "referrals": list(Referral.objects.filter(person=merged).values_list("pk", flat=True)),
        "numbers": _numbers_to_move(survivor, merged),
    }
    CaseMember.objects.filter(pk__in=moved["case_members"]).update(person=survivor)
    Authorization.objects.filter(pk__in=moved["authorizations"]).update(person=survivor)
    Referral.objects.filter(pk__in=moved["referrals"]).update(person=survivor)
    _swap_numbers(merged, survivor, moved["numbers"])
    ForeignRequestPerson.objects.filter(pk__in=moved["request_persons"]).update(person=survivor)
    Relation.objects.filter(pk__in=moved["relations"]).update(person=survivor)
    Relation.objects.filter(pk__in=moved["relatives"]).update(relative=survivor)
    return moved


def _bump(person: Person, **fields) -> None:
    for name, value in fields.items():
        setattr(person, name, value)
    person.version += 1
    person.save(update_fields=[*fields, "version"])


@transaction.atomic
def person_merge(
    *, official: Official, candidate_id: int, version: int, survivor_id: int
) -> PersonMerge:
    """Merge the pair's other record into `survivor_id`, which must be one of the two.

    Cases, request listings and relations move to the record kept; the merged record stays,
    hidden from search and matching, so that `merge_undo` can restore it exactly.
    """
    candidate = _open_candidate(official, candidate_id, version)
    if survivor_id not in (candidate.first_id, candidate.second_id):
        raise invalid("survivor_id", "survivor_not_in_pair")
    merged_id = candidate.second_id if survivor_id == candidate.first_id else candidate.first_id
    first, second = sorted((survivor_id, merged_id))
    locked = {
        pk: get_for_update(official, Person, action="person.merge", pk=pk) for pk in (first, second)
    }
    survivor, merged = locked[survivor_id], locked[merged_id]
    if survivor.merged_into_id or merged.merged_into_id:
        raise invalid("survivor_id", "already_merged")
    _refuse_overlap(survivor, merged)
    moved = _move(survivor, merged)
    _bump(merged, merged_into=survivor)
    _bump(survivor)
    refresh_keys(merged)
    refresh_keys(survivor)
    _decide(candidate, official, CandidateStatus.MERGED)
    merge = PersonMerge.objects.create(
        candidate=candidate, survivor=survivor, merged=merged, moved=moved, merged_by=official
    )
    audit_record(
        actor=official,
        action="person.merged",
        target=survivor,
        payload={
            "merge": merge.pk,
            "survivor": survivor.pk,
            "merged": merged.pk,
            "moved": {kind: len(ids) for kind, ids in moved.items()},
        },
    )
    return merge


@transaction.atomic
def merge_undo(*, official: Official, merge_id: int) -> PersonMerge:
    """Undo a merge: the rows it moved go back and the merged record returns to the register.

    The pair goes back to the review queue, open; the history of both steps stays in the audit.
    """
    merge = PersonMerge.objects.select_for_update().filter(pk=merge_id).first()
    if merge is None:
        raise invalid("merge", "merge_unknown")
    first, second = sorted((merge.survivor_id, merge.merged_id))
    locked = {
        pk: get_for_update(official, Person, action="person.merge", pk=pk) for pk in (first, second)
    }
    survivor, merged = locked[merge.survivor_id], locked[merge.merged_id]
    if merge.undone_at is not None:
        raise invalid("merge", "merge_undone")
    moved = merge.moved
    CaseMember.objects.filter(pk__in=moved["case_members"], person=survivor).update(person=merged)
    ForeignRequestPerson.objects.filter(pk__in=moved["request_persons"], person=survivor).update(
        person=merged
    )
    Relation.objects.filter(pk__in=moved["relations"], person=survivor).update(person=merged)
    Relation.objects.filter(pk__in=moved["relatives"], relative=survivor).update(relative=merged)
    Authorization.objects.filter(pk__in=moved.get("authorizations", []), person=survivor).update(
        person=merged
    )
    Referral.objects.filter(pk__in=moved.get("referrals", []), person=survivor).update(
        person=merged
    )
    # The record kept gives back the numbers it took over, as they are now (a correction made
    # to one since the merge goes back with it).
    _swap_numbers(survivor, merged, moved.get("numbers", []))
    _bump(merged, merged_into=None)
    _bump(survivor)
    refresh_keys(merged)
    refresh_keys(survivor)
    if merge.candidate_id:
        candidate = DuplicateCandidate.objects.select_for_update().get(pk=merge.candidate_id)
        _decide(candidate, official, CandidateStatus.OPEN)
    merge.undone_by = official
    merge.undone_at = clock.now()
    merge.save(update_fields=["undone_by", "undone_at"])
    audit_record(
        actor=official,
        action="person.merge_undone",
        target=merged,
        payload={"merge": merge.pk, "survivor": survivor.pk, "merged": merged.pk},
    )
    return merge
