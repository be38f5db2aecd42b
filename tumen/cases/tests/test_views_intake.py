"""Intake through the pages: kind of case, principal, household, details, check and submit."""

from __future__ import annotations

import pytest

from tumen.cases.models import Case, CaseMember, Status
from tumen.people.models import Person

from .conftest import RELOCATION_DETAILS, open_case
from .viewkit import Desk, form, forms, start_application, text

CONTINUE = {"continue": "1"}


@pytest.fixture
def clerk_desk(client, yanji_clerk):
    return Desk(client, yanji_clerk)


def register_new(desk, url, name, **fields):
    """Search for `name`, choose 'a new person', register them; returns the last response."""
    found = desk.post(url, {"step": "search", "name": name})
    assert found.status_code == 200
    chosen = desk.submit(found, "person-pick", person="new", **fields.pop("extra", {}))
    values = {
        "sex": "female",
        "date_of_birth": "1931-04-15",
        "nationality": "prc",
        "ethnicity": "korean",
        "residence_code": "yanji",
        **fields,
    }
    return desk.submit(chosen, "person-register", **values)


def test_the_yanji_clerk_opens_a_relocation_case_for_a_household_and_submits_it(
    clerk_desk, register, relate
):
    """
    GIVEN a Yanji clerk, and a registered ethnic Korean with social relations in Korea
    WHEN the clerk goes through intake: chooses relocation, registers a new principal, adds the
         registered person and a newly registered child, enters the details and submits
    THEN the case is in clearance with both members and the details, and the case page says so
    """
    known = register(name_hanzi="朴英子", name_hangul="박영자", name_latin="Pak Yong Ja")
    start = clerk_desk.get("/cases/new/")
    assert start.status_code == 200
    assert "Relocation" in text(start)
    chosen = clerk_desk.submit(start, "case-type-form", case_type="relocation")
    assert chosen.url == "/cases/new/principal/"

    response = register_new(
        clerk_desk,
        "/cases/new/principal/",
        "金顺姬",
        name_hangul="김순희",
        household_number="YJ-1963-0501",
    )
    # The principal is chosen, but nothing is opened until the clerk starts the application.
    assert response.status_code == 302
    assert response.url == "/cases/new/start/"
    assert not Case.objects.exists()
    response = clerk_desk.submit(clerk_desk.get(response.url), "intake-start-form")
    case = Case.objects.get()
    assert response.url == f"/cases/{case.number}/members/"
    principal = Person.objects.get(household_number="YJ-1963-0501")
    relate(principal, "social_relation_korea")

    members_page = clerk_desk.get(response.url)
    assert "金顺姬" in text(members_page)
    found = clerk_desk.submit(members_page, "person-search", name="박영자")
    assert "朴英子" in text(found)
    added = clerk_desk.submit(found, "person-pick", person=str(known.pk), relationship="spouse")
    assert added.status_code == 302
    added = register_new(
        clerk_desk,
        f"/cases/{case.number}/members/",
        "Kim Chol Su",
        sex="male",
        date_of_birth="1955-02-01",
        household_number="YJ-1963-0502",
        extra={"relationship": "child"},
    )
    assert added.status_code == 302, text(added)
    assert CaseMember.objects.filter(case=case).count() == 3

    details = clerk_desk.get(f"/cases/{case.number}/details/")
    assert "Destination" in text(details)
    reviewed = clerk_desk.submit(details, "details-form", **CONTINUE, **RELOCATION_DETAILS)
    assert reviewed.url == f"/cases/{case.number}/review/"

    review = clerk_desk.get(reviewed.url)
    assert "Pyongyang" in text(review)
    assert 'data-testid="missing"' not in text(review)
    submitted = clerk_desk.submit(review, "submit-form")
    assert submitted.url == f"/cases/{case.number}/"

    case.refresh_from_db()
    assert case.status == Status.IN_CLEARANCE
    assert case.details == RELOCATION_DETAILS
    assert case.clearances.count() == 4
    page = clerk_desk.get(submitted.url)
    assert f"Case {case.number} is submitted" in text(page)
    assert "In clearance" in text(page)


def test_a_person_who_may_already_be_registered_is_shown_before_anyone_is_registered(
    clerk_desk, register
):
    """
    GIVEN a registered person 李英子 born 1931-05-04
    WHEN the clerk registers a new principal named 李英子 without searching for her first
    THEN the page lists the existing record, asks to confirm that this is a different person,
         and registers no one until the clerk confirms
    """
    existing = register(name_hanzi="李英子", name_hangul="리영자", name_latin="Ri Yong Ja")
    clerk_desk.post("/cases/new/", {"case_type": "relocation"})
    before = Person.objects.count()

    response = clerk_desk.post(
        "/cases/new/principal/",
        {
            "step": "register",
            "name_hanzi": "李英子",
            "sex": "female",
            "date_of_birth": "1931-05-04",
            "nationality": "prc",
            "residence_code": "yanji",
            "household_number": "YJ-1963-0001",
        },
    )

    page = text(response)
    assert 'data-testid="possible-duplicates"' in page
    assert f"Record P{existing.pk}" in page
    assert "confirm that this is a different person" in page
    assert 'href="#id_different_person"' in page
    assert Person.objects.count() == before

    confirmed = clerk_desk.submit(response, "person-register", different_person="on")
    assert confirmed.status_code == 302
    assert Person.objects.count() == before + 1
    start_application(clerk_desk)
    assert Case.objects.get().members.get().person.pk != existing.pk


def test_the_clerk_can_use_the_existing_record_from_the_duplicate_warning(clerk_desk, register):
    existing = register(name_hanzi="李英子")
    clerk_desk.post("/cases/new/", {"case_type": "relocation"})
    warned = clerk_desk.post(
        "/cases/new/principal/",
        {
            "step": "register",
            "name_hanzi": "李英子",
            "sex": "female",
            "date_of_birth": "1931-05-04",
            "nationality": "prc",
            "household_number": "YJ-1963-0002",
        },
    )
    use_it = next(f for f in forms(warned) if f.fields.get("step") == "pick")

    response = clerk_desk.post("/cases/new/principal/", use_it.data())

    assert response.status_code == 302
    start_application(clerk_desk)
    assert Case.objects.get().members.get().person == existing


def test_the_register_form_says_what_is_missing_beside_each_field(clerk_desk):
    clerk_desk.post("/cases/new/", {"case_type": "relocation"})

    response = clerk_desk.post(
        "/cases/new/principal/", {"step": "register", "date_of_birth": "1931-13-45"}
    )

    page = text(response)
    assert 'class="error-summary"' in page
    assert (
        '<a href="#id_name_hangul">Enter the person&#x27;s name in at least one script</a>' in page
    )
    assert 'href="#id_sex_0"' in page
    assert 'href="#id_nationality_0"' in page
    assert "Enter a real date, for example 1931-04-15" in page
    assert not Person.objects.exists()


def test_a_document_number_already_registered_is_refused_beside_its_field(clerk_desk, register):
    existing = register(personal_id_number="222401193105040020")
    clerk_desk.post("/cases/new/", {"case_type": "relocation"})

    response = clerk_desk.post(
        "/cases/new/principal/",
        {
            "step": "register",
            "name_latin": "Someone Else",
            "sex": "male",
            "date_of_birth": "1931-05-04",
            "nationality": "prc",
            "residence_code": "yanji",
            "household_number": "YJ-77",
            "personal_id_number": "222401193105040020",
        },
    )

    assert f"Already registered as person P{existing.pk}; use that record." in text(response)
    assert 'href="#id_personal_id_number"' in text(response)
    assert not Case.objects.exists()


def test_the_details_page_gives_the_packs_message_beside_each_field(
    clerk_desk, yanji_clerk, register
):
    case = open_case(yanji_clerk, "relocation", [register()])
    page = clerk_desk.get(f"/cases/{case.number}/details/")

    response = clerk_desk.submit(page, "details-form", application_date="2 September")

    body = text(response)
    assert response.status_code == 200
    assert "Destination is required for a Relocation case (cc1963.3)." in body
    assert "is not a date; write it as YYYY-MM-DD" in body
    assert 'href="#id_destination"' in body
    case.refresh_from_db()
    assert case.details == {}


def test_save_as_draft_keeps_an_incomplete_draft_and_the_review_lists_what_is_missing(
    clerk_desk, yanji_clerk, register
):
    case = open_case(yanji_clerk, "relocation", [register()])
    page = clerk_desk.get(f"/cases/{case.number}/details/")

    saved = clerk_desk.submit(page, "details-form", save="1", destination="Sinuiju")

    assert saved.url == f"/cases/{case.number}/"
    case.refresh_from_db()
    assert case.details["destination"] == "Sinuiju"
    review = clerk_desk.get(f"/cases/{case.number}/review/")
    assert "Date of application is required" in text(review)
    refused = clerk_desk.submit(review, "submit-form")
    assert 'class="error-summary"' in text(refused)
    assert f'href="/cases/{case.number}/details/#id_application_date"' in text(refused)
    case.refresh_from_db()
    assert case.status == Status.DRAFT


def test_a_member_is_taken_off_the_draft_once_the_clerk_confirms(clerk_desk, yanji_clerk, register):
    principal, child = register(), register()
    case = open_case(yanji_clerk, "relocation", [principal, child])
    page = clerk_desk.get(f"/cases/{case.number}/members/")
    remove = next(f for f in forms(page) if f.fields.get("person_id") == str(child.pk))

    asked = clerk_desk.post(page.wsgi_request.path, remove.data())

    assert asked.status_code == 200
    assert child.name_hanzi in text(asked).split('data-testid="confirm-remove"')[1]
    assert case.members.count() == 2
    confirm = next(f for f in forms(asked) if f.fields.get("confirm") == "1")
    response = clerk_desk.post(page.wsgi_request.path, confirm.data())

    assert response.status_code == 302
    assert list(case.members.values_list("person_id", flat=True)) == [principal.pk]
    timeline = text(clerk_desk.get(f"/cases/{case.number}/"))
    assert "Household member removed" in timeline
    assert child.display_name in timeline


def test_a_stale_details_form_is_refused_with_what_changed_and_changes_nothing(
    client, clerk_desk, yanji_clerk, register
):
    case = open_case(yanji_clerk, "relocation", [register()])
    page = clerk_desk.get(f"/cases/{case.number}/details/")
    # Meanwhile a colleague adds a member.
    from tumen.cases import services

    services.case_add_member(
        official=yanji_clerk, case_id=case.pk, version=case.version, person_id=register().pk
    )

    response = clerk_desk.submit(page, "details-form", **CONTINUE, **RELOCATION_DETAILS)

    assert response.status_code == 409
    body = text(response)
    assert "Someone else changed this case while you were looking at it" in body
    assert "Household member added" in body
    case.refresh_from_db()
    assert case.details == {}
    assert form(response, "details-form").fields["version"] == str(case.version)
    assert form(response, "details-form").fields["destination"] == "Pyongyang"
    retried = clerk_desk.submit(response, "details-form", **CONTINUE)
    assert retried.status_code == 302
    case.refresh_from_db()
    assert case.details == RELOCATION_DETAILS


def test_only_a_county_clerk_opens_cases(client, jilin_security, yanji_approver):
    for official in (jilin_security, yanji_approver):
        Desk(client, official)
        assert client.get("/cases/new/").status_code == 403
        assert (
            client.post("/cases/new/principal/", {"step": "search", "name": "x"}).status_code == 403
        )


def test_the_principal_page_without_a_chosen_type_goes_back_to_the_first_step(clerk_desk):
    assert clerk_desk.get("/cases/new/principal/").url == "/cases/new/"


def test_a_case_that_is_no_longer_a_draft_is_not_edited(clerk_desk, submitted_relocation):
    for step in ("members", "details", "review"):
        response = clerk_desk.get(f"/cases/{submitted_relocation.number}/{step}/")
        assert response.url == f"/cases/{submitted_relocation.number}/"


def test_a_member_whose_record_lacks_a_field_is_corrected_from_the_review_and_submitted(
    clerk_desk, yanji_clerk, register, relate
):
    """
    GIVEN a relocation draft whose child has no household registration number on record
    WHEN the clerk opens the review, follows "Correct this person's record" beside the problem,
         enters the number and saves
    THEN the clerk is back on the review, nothing is missing any more, and the case submits
    """
    principal = register()
    relate(principal, "social_relation_korea")
    child = register(household_number="")
    case = open_case(yanji_clerk, "relocation", [principal, child], RELOCATION_DETAILS)
    review_url = f"/cases/{case.number}/review/"

    review = clerk_desk.get(review_url)

    body = text(review)
    assert (
        "A Relocation case needs the household registration number of member 2 (cc1963.3)" in body
    )
    correct = f"/people/{child.pk}/edit/?next=%2Fcases%2F{case.number}%2Freview%2F"
    link = f'<a href="{correct}#id_household_number" data-testid="correct-person">'
    assert link + "Correct this person's record" in body

    edit = clerk_desk.get(correct)
    assert edit.status_code == 200
    saved = clerk_desk.submit(edit, "person-edit", household_number="YJ-1963-0777")
    assert saved.url == review_url

    review = clerk_desk.get(review_url)
    assert 'data-testid="missing"' not in text(review)
    submitted = clerk_desk.submit(review, "submit-form")
    assert submitted.url == f"/cases/{case.number}/"
    case.refresh_from_db()
    assert case.status == Status.IN_CLEARANCE


def test_a_refused_submission_links_a_members_problem_to_their_record(
    clerk_desk, yanji_clerk, register, relate
):
    principal = register(date_of_birth=None)
    relate(principal, "social_relation_korea")
    case = open_case(yanji_clerk, "relocation", [principal], RELOCATION_DETAILS)
    review = clerk_desk.get(f"/cases/{case.number}/review/")

    refused = clerk_desk.submit(review, "submit-form")

    body = text(refused)
    assert 'data-testid="error-summary"' in body
    correct = f"/people/{principal.pk}/edit/?next=%2Fcases%2F{case.number}%2Freview%2F"
    assert f'<a href="{correct}#id_date_of_birth">' in body
    case.refresh_from_db()
    assert case.status == Status.DRAFT
