"""The page that corrects a person's record: /people/<id>/edit/?next=<a local address>."""

from __future__ import annotations

import datetime

import pytest

from tumen.cases.services import case_open
from tumen.cases.tests.viewkit import Desk, form, text
from tumen.people.models import Person
from tumen.people.services import person_register, person_update

BACK = "/cases/YANJI-1963-000001/review/"


@pytest.fixture
def ri(yanji_clerk):
    return person_register(
        official=yanji_clerk,
        name_hanzi="李英子",
        name_hangul="리영자",
        name_latin="Ri Yong Ja",
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
    return f"/people/{person.pk}/edit/" + (f"?next={next_url}" if next_url else "")


def test_the_form_shows_the_record_as_it_is(desk, ri):
    page = desk.get(edit_url(ri))

    assert page.status_code == 200
    fields = form(page, "person-edit").fields
    assert fields["name_hanzi"] == "李英子"
    assert fields["name_latin"] == "Ri Yong Ja"
    assert fields["date_of_birth"] == "1931-05-04"
    assert fields["sex"] == "female"
    assert fields["residence_code"] == "yanji"
    assert fields["household_number"] == ""
    assert fields["version"] == "1"
    assert fields["next"] == BACK
    assert f"Record P{ri.pk}" in text(page)


def test_the_clerk_saves_the_correction_and_returns_where_they_came_from(desk, ri):
    page = desk.get(edit_url(ri))

    saved = desk.submit(page, "person-edit", household_number="YJ-0001")

    assert saved.status_code == 302
    assert saved.url == BACK
    ri.refresh_from_db()
    assert (ri.household_number, ri.version) == ("YJ-0001", 2)
    again = desk.get(edit_url(ri, next_url=""))
    assert "The record of 李英子 / 리영자 / Ri Yong Ja is saved." in text(again)


def test_problems_are_listed_in_the_error_summary_and_beside_each_field(desk, ri, register_other):
    other = register_other(personal_id_number="222401193105040020")
    page = desk.get(edit_url(ri))

    refused = desk.submit(
        page, "person-edit", name_hanzi="", name_hangul="", name_latin="", date_of_birth="1931-13"
    )

    body = text(refused)
    assert refused.status_code == 200
    assert 'data-testid="error-summary"' in body
    assert (
        '<a href="#id_name_hangul">Enter the person&#x27;s name in at least one script</a>' in body
    )
    assert '<a href="#id_date_of_birth">Enter a real date, for example 1931-04-15</a>' in body
    duplicate = desk.submit(
        refused,
        "person-edit",
        name_hanzi="李英子",
        date_of_birth="1931-05-04",
        personal_id_number="222401193105040020",
    )
    body = text(duplicate)
    message = f"Already registered as person P{other.pk}; use that record."
    assert f'<a href="#id_personal_id_number">{message}</a>' in body
    assert 'id="id_personal_id_number-error"' in body
    assert Person.objects.get(pk=ri.pk).version == 1


def test_a_stale_form_is_refused_with_the_record_as_it_now_reads(desk, ri, jilin_security):
    page = desk.get(edit_url(ri))
    # Meanwhile the province's public security records the household number.
    person_update(official=jilin_security, person_id=ri.pk, version=1, household_number="YJ-1")

    refused = desk.submit(page, "person-edit", passport_number="G-1", passport_state="CHN")

    assert refused.status_code == 409
    body = text(refused)
    assert "Someone else changed this person's record while you were looking at it" in body
    assert "household registration YJ-1" in body
    resent = form(refused, "person-edit")
    assert (resent.fields["version"], resent.fields["passport_number"]) == ("2", "G-1")
    ri.refresh_from_db()
    assert (ri.passport_number, ri.version) == ("", 2)
    assert desk.submit(refused, "person-edit").url == BACK
    ri.refresh_from_db()
    assert (ri.household_number, ri.passport_number, ri.version) == ("", "G-1", 3)


@pytest.mark.parametrize(
    "elsewhere", ["https://evil.example/cases/", "//evil.example/", "javascript:alert(1)"]
)
def test_a_next_address_off_the_site_is_ignored(desk, ri, elsewhere):
    page = desk.get(f"/people/{ri.pk}/edit/", {"next": elsewhere})
    assert "next" not in form(page, "person-edit").fields
    assert f'href="{elsewhere}"' not in text(page)
    assert "Go back without saving" not in text(page)

    saved = desk.post(
        f"/people/{ri.pk}/edit/", {**form(page, "person-edit").data(), "next": elsewhere}
    )

    assert saved.status_code == 302
    assert saved.url == f"/people/{ri.pk}/edit/"


def test_a_person_outside_the_jurisdiction_is_not_found_and_approvers_may_not_edit(
    client, ri, liaoning_security, yanji_approver
):
    Desk(client, liaoning_security)
    assert client.get(f"/people/{ri.pk}/edit/").status_code == 404
    assert client.get(f"/people/{ri.pk + 1000}/edit/").status_code == 404
    Desk(client, yanji_approver)
    assert client.get(f"/people/{ri.pk}/edit/").status_code == 403
    assert client.post(f"/people/{ri.pk}/edit/", {"version": "1"}).status_code == 403


def test_the_page_takes_a_fixed_number_of_queries(desk, ri, django_assert_max_num_queries):
    desk.get(edit_url(ri))  # the session and language settle on the first request
    with django_assert_max_num_queries(7):  # 7th: the person's relations, with their relatives
        assert desk.get(edit_url(ri)).status_code == 200


def test_a_residence_beyond_the_jurisdiction_stays_chosen(desk, yanji_clerk, jilin_security, ri):
    case_open(official=yanji_clerk, case_type="relocation", principal_id=ri.pk)
    person_update(official=jilin_security, person_id=ri.pk, version=1, residence_code="tumen")
    page = desk.get(edit_url(ri))

    assert form(page, "person-edit").fields["residence_code"] == "tumen"
    saved = desk.submit(page, "person-edit", household_number="YJ-0001")
    assert saved.status_code == 302
    ri.refresh_from_db()
    assert (ri.residence.code, ri.household_number) == ("tumen", "YJ-0001")


@pytest.fixture
def register_other(yanji_clerk):
    def make(**fields):
        return person_register(
            official=yanji_clerk,
            name_hanzi="李哲",
            sex="male",
            date_of_birth=None,
            nationality="prc",
            residence_code="yanji",
            **fields,
        )

    return make
