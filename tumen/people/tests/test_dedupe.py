"""The review queue: bulk finding of duplicates, merge (cases and relations re-pointed, audited),
undo, and "different persons" never asked again; through the services and the pages."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from tumen.audit.models import AuditEvent
from tumen.lib.errors import StaleVersion
from tumen.people.dedupe import (
    candidate_mark_distinct,
    duplicates_find,
    merge_undo,
    person_merge,
)
from tumen.people.matching import candidates
from tumen.people.models import CandidateStatus, DuplicateCandidate, Person, Relation
from tumen.people.services import person_register, relation_add

BORN = datetime.date(1952, 7, 9)


def register(official, **fields):
    values = {
        "sex": "female",
        "date_of_birth": BORN,
        "nationality": "prc",
        "ethnicity": "korean",
        "residence_code": "yanji",
    }
    values.update(fields)
    return person_register(official=official, **values)


@pytest.fixture
def pair(yanji_clerk):
    """One woman registered twice: in Chinese characters, and in Hangul with a Latin name."""
    a = register(yanji_clerk, name_hanzi="朴順姬")
    b = register(yanji_clerk, name_hangul="박순희", name_latin="Pak Sun Hui")
    other = register(yanji_clerk, name_hangul="최영수", date_of_birth=datetime.date(1960, 1, 2))
    assert duplicates_find() == 1
    candidate = DuplicateCandidate.objects.get()
    return a, b, other, candidate


def test_bulk_finding_queues_the_pair_once(pair):
    a, b, _other, candidate = pair
    assert (candidate.first_id, candidate.second_id) == (a.pk, b.pk)
    assert candidate.probability > 0.9
    assert any(
        e["comparison"] == "birth_date" and e["level"] == "same day" for e in candidate.explanation
    )
    assert duplicates_find() == 0
    assert AuditEvent.objects.filter(action="person.duplicates_found").count() == 2


def test_merge_moves_relations_hides_the_record_and_undo_restores_it(pair, yanji_clerk):
    a, b, other, candidate = pair
    relation = relation_add(
        official=yanji_clerk, person_id=b.pk, kind="sibling", relative_id=other.pk
    )
    merge = person_merge(
        official=yanji_clerk, candidate_id=candidate.pk, version=candidate.version, survivor_id=a.pk
    )
    relation.refresh_from_db()
    b.refresh_from_db()
    assert relation.person_id == a.pk
    assert b.merged_into_id == a.pk
    assert merge.moved["relations"] == [relation.pk]
    # Matching no longer offers the merged record, only the one kept.
    found = candidates(official=yanji_clerk, name_hangul="박순희", date_of_birth=BORN)
    assert [c.person.pk for c in found] == [a.pk]
    event = AuditEvent.objects.get(action="person.merged")
    assert event.payload["merged"] == b.pk
    assert "박" not in str(event.payload)

    merge_undo(official=yanji_clerk, merge_id=merge.pk)
    relation.refresh_from_db()
    b.refresh_from_db()
    candidate.refresh_from_db()
    assert relation.person_id == b.pk
    assert b.merged_into_id is None
    assert candidate.status == CandidateStatus.OPEN
    assert AuditEvent.objects.filter(action="person.merge_undone").count() == 1
    with pytest.raises(ValidationError):
        merge_undo(official=yanji_clerk, merge_id=merge.pk)


def test_merge_repoints_case_memberships(pair, yanji_clerk):
    from tumen.cases.models import CaseMember

    a, b, _other, candidate = pair
    members = list(CaseMember.objects.filter(person=b).values_list("pk", flat=True))
    merge = person_merge(
        official=yanji_clerk, candidate_id=candidate.pk, version=candidate.version, survivor_id=a.pk
    )
    assert sorted(merge.moved["case_members"]) == sorted(members)
    assert not CaseMember.objects.filter(person=b).exists()


def test_a_pair_marked_distinct_is_never_asked_again(pair, yanji_clerk):
    _a, _b, _other, candidate = pair
    candidate_mark_distinct(
        official=yanji_clerk, candidate_id=candidate.pk, version=candidate.version
    )
    assert duplicates_find() == 0
    assert DuplicateCandidate.objects.get().status == CandidateStatus.DISTINCT


def test_a_stale_or_decided_pair_is_refused(pair, yanji_clerk):
    a, _b, _other, candidate = pair
    with pytest.raises(StaleVersion):
        person_merge(official=yanji_clerk, candidate_id=candidate.pk, version=99, survivor_id=a.pk)
    candidate_mark_distinct(
        official=yanji_clerk, candidate_id=candidate.pk, version=candidate.version
    )
    with pytest.raises(ValidationError):
        person_merge(
            official=yanji_clerk,
            candidate_id=candidate.pk,
            version=candidate.version + 1,
            survivor_id=a.pk,
        )
    assert Person.objects.filter(merged_into__isnull=False).count() == 0


def test_the_survivor_must_be_one_of_the_pair(pair, yanji_clerk):
    _a, _b, other, candidate = pair
    with pytest.raises(ValidationError, match="Keep one of the two"):
        person_merge(
            official=yanji_clerk,
            candidate_id=candidate.pk,
            version=candidate.version,
            survivor_id=other.pk,
        )


def test_an_official_of_another_province_cannot_see_or_merge_the_pair(pair, make_official):
    from django.http import Http404

    a, _b, _other, candidate = pair
    outsider = make_official("t.kuandian.clerk", "liaoning-security", "clearing_officer")
    with pytest.raises(Http404):
        person_merge(
            official=outsider,
            candidate_id=candidate.pk,
            version=candidate.version,
            survivor_id=a.pk,
        )
    assert Relation.objects.count() == 0


def test_the_queue_page_merges_and_undoes(pair, client, yanji_clerk):
    a, b, _other, candidate = pair
    client.force_login(yanji_clerk)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get("/people/duplicates/").content.decode()
    assert 'data-testid="duplicate-pair"' in page
    assert "Same date of birth" in page
    response = client.post(
        f"/people/duplicates/{candidate.pk}/decide/",
        {"version": candidate.version, "action": "merge", "survivor": a.pk},
        follow=True,
    )
    page = response.content.decode()
    assert f"Record P{b.pk} is merged into P{a.pk}" in page
    assert 'data-testid="no-duplicates"' in page
    merge_id = candidate.merges.get().pk
    response = client.post(f"/people/merges/{merge_id}/undo/", follow=True)
    assert "The merge is undone" in response.content.decode()
    b.refresh_from_db()
    assert b.merged_into_id is None


def test_the_queue_page_refuses_a_bad_form_without_a_change(pair, client, yanji_clerk):
    _a, _b, _other, candidate = pair
    client.force_login(yanji_clerk)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post(
        f"/people/duplicates/{candidate.pk}/decide/",
        {"version": "x", "action": "merge"},
        follow=True,
    )
    assert "The form was incomplete" in response.content.decode()
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.OPEN
