"""Intake asks what the policy decides on, and the review predicts the outcome per member."""

from __future__ import annotations

import pytest

from tumen.people.models import Relation

from .conftest import RELOCATION_DETAILS, open_case
from .viewkit import Desk, form, text


@pytest.fixture
def clerk_desk(client, yanji_clerk):
    return Desk(client, yanji_clerk)


def test_the_relation_relocation_reads_is_asked_of_the_principal_and_changes_the_prediction(
    clerk_desk, yanji_clerk, register
):
    """
    GIVEN a relocation draft whose applicant and spouse have every field the form asks for, but
          no social relation in Korea on record
    WHEN the clerk looks at the review, then records the relation on the eligibility step
    THEN the review first predicts a refusal under cc1963.3 and says to record the relation;
         afterwards it predicts approval for both members under cc1963.3
    """
    principal, spouse = register(), register()
    case = open_case(yanji_clerk, "relocation", [principal, spouse], RELOCATION_DETAILS)

    review = text(clerk_desk.get(f"/cases/{case.number}/review/"))
    assert review.count('data-testid="predicted-outcome">Refused<') == 2
    assert "Social relation in Korea" in review
    assert "Not an ethnic Korean applicant with social relations in Korea" in review

    page = clerk_desk.get(f"/cases/{case.number}/eligibility/")
    assert f'data-testid="qualifying-{principal.pk}"' in text(page)
    # The household qualifies through its principal: only she is asked.
    assert f'data-testid="qualifying-{spouse.pk}"' not in text(page)
    done = clerk_desk.submit(
        page,
        "relation-form",
        **{
            f"p{principal.pk}-relative_name": "Pak Song Chol",
            f"p{principal.pk}-relative_place": "Hamhung",
        },
    )
    assert done.status_code == 302
    after = text(clerk_desk.get(done.url))
    assert 'data-testid="qualifies"' in after
    assert "Pak Song Chol (Hamhung)" in after
    relation = Relation.objects.get(person=principal)
    assert (relation.kind, relation.relative_place) == ("social_relation_korea", "Hamhung")

    review = text(clerk_desk.get(f"/cases/{case.number}/review/"))
    assert review.count('data-testid="predicted-outcome">Approved<') == 2
    assert "Refused" not in review


def test_a_relation_without_the_relatives_name_is_refused_beside_the_field(
    clerk_desk, yanji_clerk, register
):
    principal = register()
    case = open_case(yanji_clerk, "relocation", [principal], RELOCATION_DETAILS)
    page = clerk_desk.get(f"/cases/{case.number}/eligibility/")

    refused = clerk_desk.submit(page, "relation-form")

    assert refused.status_code == 200
    assert "Enter the relative&#x27;s name" in text(refused)
    assert not Relation.objects.exists()


def test_a_person_who_is_not_a_qualifying_member_cannot_be_given_a_relation_here(
    clerk_desk, yanji_clerk, register
):
    principal, child = register(), register()
    case = open_case(yanji_clerk, "relocation", [principal, child], RELOCATION_DETAILS)
    page = clerk_desk.get(f"/cases/{case.number}/eligibility/")
    data = form(page, "relation-form").data(
        **{f"p{principal.pk}-person_id": str(child.pk), f"p{principal.pk}-relative_name": "X"}
    )

    refused = clerk_desk.post(f"/cases/{case.number}/eligibility/", data)

    assert "not one whose record the policy reads" in text(refused)
    assert not Relation.objects.exists()


def test_a_repatriation_applicant_on_record_as_a_korean_national_qualifies(
    clerk_desk, yanji_clerk, register
):
    principal = register(nationality="dprk", residence_permit_number="RP-77")
    case = open_case(yanji_clerk, "repatriation", [principal], {"destination": "Sinuiju"})
    page = clerk_desk.get(f"/cases/{case.number}/eligibility/")
    # Repatriation reads the applicant's nationality, which the register already holds.
    assert 'data-testid="qualifies"' in text(page)
