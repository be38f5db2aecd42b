"""Foreign requests through the pages: register a note with its persons, then split it."""

from __future__ import annotations

from tumen.cases import services
from tumen.cases.models import Case, ForeignRequest, Status

from .conftest import db_state
from .viewkit import Desk, form, text


def add_person(desk, name, household, *, principal=False, officer="", **fields):
    """From the request form: add a person, registering them as new."""
    found = desk.post("/foreign-requests/new/person/", {"step": "search", "name": name})
    extra = {"household": household, "officer_name": officer}
    if principal:
        extra["is_principal"] = "on"
    chosen = desk.submit(found, "person-pick", person="new", **extra)
    values = {
        "sex": "female",
        "date_of_birth": "1935-03-01",
        "nationality": "prc",
        "ethnicity": "korean",
        "residence_code": "yanji",
        **fields,
    }
    return desk.submit(chosen, "person-register", **values)


def test_a_foreign_affairs_officer_registers_a_request_and_splits_it_into_household_cases(
    client, officer
):
    """
    GIVEN the Yanji foreign affairs office
    WHEN an officer enters a note naming two households, registers it, and splits it
    THEN there is one family-travel case per household in Yanji, expedited and in clearance,
         and the request's page links to them
    """
    desk = Desk(client, officer("yanji-foreign"))
    listing = desk.get("/foreign-requests/")
    assert 'data-testid="new-foreign-request"' in text(listing)
    new = desk.get("/foreign-requests/new/")
    adding = desk.submit(
        new,
        "foreign-request-form",
        action="add",
        reference="DPRK-MFA-1963-182",
        received_on="1963-09-01",
        authority="DPRK Ministry of Foreign Affairs",
    )
    assert adding.url == "/foreign-requests/new/person/"
    # Each born on another day: two of one surname, sex and nationality born on the same day would
    # rightly be shown as possible duplicates of each other before the second is registered.
    for name, household, principal, born in [
        ("박순희", "A", True, "1935-03-01"),
        ("박영남", "A", False, "1933-11-20"),
        ("리정숙", "B", True, "1941-06-05"),
    ]:
        added = add_person(
            desk, name, household, principal=principal, officer="Pak Chol", date_of_birth=born
        )
        assert added.url == "/foreign-requests/new/", text(added)

    new = desk.get("/foreign-requests/new/")
    assert form(new, "foreign-request-form").fields["reference"] == "DPRK-MFA-1963-182"
    assert text(new).count("Heads the household") == 2
    registered = desk.submit(new, "foreign-request-form", action="register")

    foreign_request = ForeignRequest.objects.get()
    assert registered.url == f"/foreign-requests/{foreign_request.pk}/"
    assert foreign_request.persons.count() == 3
    detail = desk.get(registered.url)
    assert "Split into household cases" in text(detail)

    split = desk.submit(detail, "split-form", url=f"/foreign-requests/{foreign_request.pk}/split/")

    assert split.url == f"/foreign-requests/{foreign_request.pk}/"
    cases = list(Case.objects.filter(foreign_request=foreign_request).order_by("number"))
    assert len(cases) == 2
    assert {case.status for case in cases} == {Status.IN_CLEARANCE}
    assert {case.case_type for case in cases} == {"family_travel"}
    page = text(desk.get(split.url))
    assert "The request is split into 2 cases" in page
    for case in cases:
        assert f'href="/cases/{case.number}/"' in page
    assert 'data-testid="split-form"' not in page


def test_the_request_needs_its_note_and_one_head_per_household(client, officer, register):
    desk = Desk(client, officer("yanji-foreign"))
    person = register()
    empty = desk.post("/foreign-requests/new/", {"action": "register"})
    assert "Enter the note&#x27;s reference" in text(empty)
    assert "Add the persons the note names." in text(empty)

    found = desk.post(
        "/foreign-requests/new/person/", {"step": "search", "name": person.name_hanzi}
    )
    desk.submit(found, "person-pick", person=str(person.pk), household="A")
    response = desk.post(
        "/foreign-requests/new/",
        {
            "action": "register",
            "reference": "N-2",
            "received_on": "1963-09-02",
            "authority": "DPRK MFA",
        },
    )

    assert "Household “A” has 0 principals" in text(response)
    assert not ForeignRequest.objects.exists()


def test_a_person_is_named_once_per_request(client, officer, register):
    desk = Desk(client, officer("yanji-foreign"))
    person = register()
    for _attempt in range(2):
        found = desk.post(
            "/foreign-requests/new/person/", {"step": "search", "name": person.name_hanzi}
        )
        response = desk.submit(found, "person-pick", person=str(person.pk), household="A")
    assert response.status_code == 200
    assert "This person is already on the request." in text(response)


def test_a_stale_split_shows_the_request_as_it_now_is_and_splits_nothing_twice(
    client, officer, register
):
    foreign = officer("yanji-foreign")
    person = register()
    request = services.foreign_request_register(
        official=foreign,
        reference="N-3",
        received_on="1963-09-03",
        authority="DPRK MFA",
        persons=[{"person_id": person.pk, "household": "A", "is_principal": True}],
    )
    desk = Desk(client, foreign)
    detail = desk.get(f"/foreign-requests/{request.pk}/")
    services.foreign_request_split(official=foreign, request_id=request.pk, version=1)
    before = db_state()

    response = desk.submit(detail, "split-form", url=f"/foreign-requests/{request.pk}/split/")

    assert response.status_code == 409
    assert "Someone else changed this request while you were looking at it" in text(response)
    assert "The request is now: split into cases." in text(response)
    assert db_state() == before


def test_only_a_foreign_affairs_office_registers_requests(client, yanji_clerk, officer):
    for official in (yanji_clerk, officer("yanji-security")):
        desk = Desk(client, official)
        assert desk.get("/foreign-requests/new/").status_code == 403
        assert 'data-testid="new-foreign-request"' not in text(desk.get("/foreign-requests/"))


def test_another_province_gets_the_404_on_a_jilin_request(
    client, officer, liaoning_security, register
):
    request = services.foreign_request_register(
        official=officer("yanji-foreign"),
        reference="N-4",
        received_on="1963-09-04",
        authority="DPRK MFA",
        persons=[{"person_id": register().pk, "household": "A", "is_principal": True}],
    )
    desk = Desk(client, liaoning_security)
    missing = desk.get("/foreign-requests/999999/")

    for response in (
        desk.get(f"/foreign-requests/{request.pk}/"),
        desk.post(f"/foreign-requests/{request.pk}/split/", {"version": 1}),
    ):
        assert response.status_code == 404
        assert response.content == missing.content
    assert "N-4" not in text(desk.get("/foreign-requests/"))


def test_a_case_links_to_its_request_only_for_those_who_may_see_it(
    client, officer, yanji_clerk, register
):
    """A Jilin note split into a Yanji case: Yanji's clerk sees the note's reference on the
    case page, but no link that would be a 404 for her; Jilin's officer gets the link."""
    jilin = officer("jilin-foreign")
    request = services.foreign_request_register(
        official=jilin,
        reference="N-5",
        received_on="1963-09-04",
        authority="DPRK MFA",
        persons=[{"person_id": register().pk, "household": "A", "is_principal": True}],
    )
    [case] = services.foreign_request_split(official=jilin, request_id=request.pk, version=1)
    link = f'href="/foreign-requests/{request.pk}/"'

    yanji_page = text(Desk(client, yanji_clerk).get(f"/cases/{case.number}/"))
    assert "N-5" in yanji_page
    assert link not in yanji_page
    assert Desk(client, yanji_clerk).get(f"/foreign-requests/{request.pk}/").status_code == 404
    assert link in text(Desk(client, jilin).get(f"/cases/{case.number}/"))
