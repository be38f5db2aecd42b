"""The person finder's stages, as a page embeds them (tumen.people.views.PersonFinder)."""

from __future__ import annotations

import pytest

from tumen.people.forms import script_field
from tumen.people.models import Person


@pytest.mark.parametrize(
    ("name", "field"),
    [("김순희", "name_hangul"), ("金顺姬", "name_hanzi"), ("Kim Sun Hui", "name_latin")],
)
def test_a_name_typed_in_one_box_goes_to_the_field_of_its_script(name, field):
    assert script_field(name) == field


@pytest.fixture
def at_principal_step(client, yanji_clerk):
    client.force_login(yanji_clerk)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.post("/cases/new/", {"case_type": "relocation"})
    return client


def test_choosing_a_new_person_starts_the_form_from_what_was_searched(at_principal_step):
    response = at_principal_step.post(
        "/cases/new/principal/",
        {"step": "pick", "person": "new", "name": "김순희", "date_of_birth": "1931-04-15"},
    )
    page = response.content.decode()
    assert 'data-testid="person-register"' in page
    assert 'name="name_hangul" value="김순희"' in page
    assert 'value="1931-04-15"' in page
    assert '<option value="yanji" selected>' in page


def test_the_choice_of_person_is_required(at_principal_step):
    response = at_principal_step.post("/cases/new/principal/", {"step": "pick", "name": "김순희"})
    page = response.content.decode()
    assert '<a href="#id_person_0">Choose a person, or choose to register a new one</a>' in page


def test_a_person_the_official_may_not_see_cannot_be_chosen(at_principal_step, make_official):
    from tumen.people.services import person_register

    elsewhere = person_register(
        official=make_official("t.kuandian.clerk", "liaoning-security", "clearing_officer"),
        name_hanzi="李",
        sex="male",
        date_of_birth=None,
        nationality="prc",
        residence_code="kuandian",
    )
    response = at_principal_step.post(
        "/cases/new/principal/", {"step": "pick", "person": str(elsewhere.pk), "name": "李"}
    )
    assert response.status_code == 404
    assert not Person.objects.filter(case_memberships__isnull=False).exists()


def test_a_search_finds_only_persons_within_the_jurisdiction(at_principal_step, make_official):
    from tumen.people.services import person_register

    person_register(
        official=make_official("t.kuandian.clerk", "liaoning-security", "clearing_officer"),
        name_hanzi="李英子",
        sex="female",
        date_of_birth=None,
        nationality="prc",
        residence_code="kuandian",
    )
    response = at_principal_step.post("/cases/new/principal/", {"step": "search", "name": "李英子"})
    page = response.content.decode()
    assert "No one in the register matches." in page
    assert "李英子</span>" not in page
