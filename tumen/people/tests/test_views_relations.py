"""Recording a person's relations from their page: /people/<id>/relations/add/?next=<local>."""

from __future__ import annotations

import datetime
from urllib.parse import quote

import pytest

from tumen.audit.models import AuditEvent
from tumen.cases.proposal import decision_proposal
from tumen.cases.services import case_open
from tumen.cases.tests.viewkit import Desk, form, text
from tumen.people.models import Relation
from tumen.people.services import person_register

BACK = "/cases/YANJI-1963-000001/review/"


@pytest.fixture
def ri(yanji_clerk):
    return person_register(
        official=yanji_clerk,
        name_hanzi="李英子",
        name_hangul="리영자",
        sex="female",
        date_of_birth=datetime.date(1931, 5, 4),
        nationality="prc",
        ethnicity="korean",
        residence_code="yanji",
    )


@pytest.fixture
def desk(client, yanji_clerk):
    return Desk(client, yanji_clerk)


def edit_url(person, next_url=BACK):
    return f"/people/{person.pk}/edit/" + (f"?next={quote(next_url, safe='/')}" if next_url else "")


def test_a_recorded_relation_is_listed_audited_and_makes_the_principal_eligible(
    desk, yanji_clerk, ri
):
    case = case_open(official=yanji_clerk, case_type="relocation", principal_id=ri.pk)
    assert decision_proposal(case).ground == "outside_scope"
    page = desk.get(edit_url(ri))
    assert form(page, "relation-add").attrs["action"] == (
        f"/people/{ri.pk}/relations/add/?next={quote(BACK, safe='')}"
    )

    added = desk.submit(
        page,
        "relation-add",
        kind="social_relation_korea",
        relative_name="김철수",
        relative_place="Chongjin",
    )

    assert added.status_code == 302
    assert added.url == f"/people/{ri.pk}/edit/?next={quote(BACK, safe='')}#relations"
    relation = Relation.objects.get(person=ri)
    assert (relation.kind, relation.relative_name, relation.relative_place) == (
        "social_relation_korea",
        "김철수",
        "Chongjin",
    )
    event = AuditEvent.objects.filter(action="person.relation_added").get()
    assert event.payload["relation"] == relation.pk
    listed = text(desk.get(added.url))
    assert "The relation of 李英子 / 리영자 is recorded." in listed
    assert "Social relation in Korea" in listed
    assert "김철수" in listed
    assert "Chongjin" in listed
    proposal = decision_proposal(case)
    assert (proposal.outcome, proposal.ground) == ("approved", None)


def test_a_missing_relative_name_is_named_in_the_error_summary(desk, ri):
    page = desk.get(edit_url(ri))

    refused = desk.submit(page, "relation-add", kind="officer_family", relative_name="")

    body = text(refused)
    assert refused.status_code == 200
    assert 'data-testid="error-summary"' in body
    assert '<a href="#id_relative_name">Enter the relative&#x27;s name</a>' in body
    assert form(refused, "relation-add").fields["kind"] == "officer_family"
    assert form(refused, "relation-add").fields["next"] == BACK
    assert not Relation.objects.exists()


def test_the_same_relation_twice_is_refused_beside_the_kind(desk, ri):
    page = desk.get(edit_url(ri))
    values = {"kind": "spouse", "relative_name": "김철수"}
    assert desk.submit(page, "relation-add", **values).status_code == 302

    again = desk.submit(page, "relation-add", **values)

    assert again.status_code == 200
    assert "already has this relation (Spouse" in text(again)
    assert Relation.objects.count() == 1


def test_an_official_of_another_province_gets_not_found(client, ri, liaoning_security):
    Desk(client, liaoning_security)
    url = f"/people/{ri.pk}/relations/add/"

    refused = client.post(url, {"kind": "spouse", "relative_name": "김철수"})

    assert refused.status_code == 404
    assert not Relation.objects.exists()


def test_approvers_may_not_add_and_the_address_takes_posts_only(client, ri, yanji_approver):
    Desk(client, yanji_approver)
    url = f"/people/{ri.pk}/relations/add/"
    assert client.post(url, {"kind": "spouse", "relative_name": "김"}).status_code == 403
    assert client.get(url).status_code in (403, 405)


@pytest.mark.parametrize(
    "elsewhere", ["https://evil.example/cases/", "//evil.example/", "javascript:alert(1)"]
)
def test_a_next_address_off_the_site_is_ignored(desk, ri, elsewhere):
    url = f"/people/{ri.pk}/relations/add/?next={quote(elsewhere, safe='')}"

    added = desk.post(url, {"kind": "spouse", "relative_name": "김철수", "next": elsewhere})

    assert added.status_code == 302
    assert added.url == f"/people/{ri.pk}/edit/#relations"
    refused = desk.post(url, {"kind": "spouse", "next": elsewhere})
    assert refused.status_code == 200
    assert "evil" not in form(refused, "relation-add").attrs["action"]
    assert "next" not in form(refused, "relation-add").fields
