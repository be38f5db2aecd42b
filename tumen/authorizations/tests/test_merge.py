"""Merging two records of one person hands the merged record's documents to the record kept:
its authorizations, the referrals naming it and its identity numbers; undo gives them back."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tumen.audit.models import AuditEvent
from tumen.authorizations.models import Authorization
from tumen.lib import clock
from tumen.org.models import Jurisdiction
from tumen.people.dedupe import merge_undo, person_merge
from tumen.people.matching import candidates
from tumen.people.models import DuplicateCandidate, Person
from tumen.web.models import Referral


def _pair(a: Person, b: Person) -> DuplicateCandidate:
    first, second = sorted((a.pk, b.pk))
    return DuplicateCandidate.objects.create(first_id=first, second_id=second, probability=0.9)


@pytest.fixture
def holder_and_copy(approve, household, register, yanji_clerk):
    """A household member holding an authorization and a referral, and a second record of her
    without any numbers (typed again in Hangul only)."""
    approve(household)
    holder = household[1]
    Person.objects.filter(pk=holder.pk).update(passport_number="E1234567", passport_state="CHN")
    holder.refresh_from_db()
    Referral.objects.create(
        person=holder,
        to_jurisdiction=Jurisdiction.objects.get(code="yanji"),
        number_field="personal_id_number",
        referred_by=yanji_clerk,
        from_unit=yanji_clerk.unit,
        created_at=clock.now(),
    )
    copy = register(
        name_hanzi="",
        name_latin="",
        name_hangul=holder.name_hangul,
        sex="male",
        date_of_birth=holder.date_of_birth,
        personal_id_number="",
    )
    return holder, copy


def test_merge_hands_documents_and_numbers_to_the_record_kept_and_undo_returns_them(
    holder_and_copy, yanji_clerk
):
    holder, copy = holder_and_copy
    documents = set(Authorization.objects.filter(person=holder).values_list("pk", flat=True))
    assert documents
    id_number = holder.personal_id_number
    candidate = _pair(holder, copy)

    merge = person_merge(
        official=yanji_clerk, candidate_id=candidate.pk, version=1, survivor_id=copy.pk
    )
    holder.refresh_from_db()
    copy.refresh_from_db()
    assert set(Authorization.objects.filter(person=copy).values_list("pk", flat=True)) == documents
    assert Referral.objects.filter(person=copy).count() == 1
    assert (copy.personal_id_number, copy.passport_number, copy.passport_state) == (
        id_number,
        "E1234567",
        "CHN",
    )
    assert (holder.personal_id_number, holder.passport_number) == ("", "")
    # The numbers stay out of the merge record and the audit event; only field names are kept.
    assert id_number not in str(merge.moved)
    event = AuditEvent.objects.get(action="person.merged")
    assert event.payload["moved"]["authorizations"] == len(documents)
    assert id_number not in str(event.payload)
    # The record kept is found by the number it took over.
    found = candidates(official=yanji_clerk, name_hangul=copy.name_hangul, id_number=id_number)
    assert found
    assert found[0].person.pk == copy.pk

    merge_undo(official=yanji_clerk, merge_id=merge.pk)
    holder.refresh_from_db()
    copy.refresh_from_db()
    assert set(Authorization.objects.filter(person=holder).values_list("pk", flat=True)) == (
        documents
    )
    assert Referral.objects.filter(person=holder).count() == 1
    assert (holder.personal_id_number, holder.passport_number, holder.passport_state) == (
        id_number,
        "E1234567",
        "CHN",
    )
    assert (copy.personal_id_number, copy.passport_number, copy.passport_state) == ("", "", "")


def test_two_different_numbers_of_one_kind_refuse_the_merge(holder_and_copy, yanji_clerk):
    holder, copy = holder_and_copy
    Person.objects.filter(pk=copy.pk).update(passport_number="G7654321", passport_state="CHN")
    candidate = _pair(holder, copy)
    with pytest.raises(ValidationError, match="different numbers of one kind"):
        person_merge(
            official=yanji_clerk, candidate_id=candidate.pk, version=1, survivor_id=copy.pk
        )
    assert Authorization.objects.filter(person=holder).exists()
    assert Person.objects.get(pk=holder.pk).merged_into_id is None
