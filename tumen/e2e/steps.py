"""What officials do on the pages, step by step, for the browser stories.

Every step clicks and types as an official would: it finds controls by their label's `for` id or
by the `data-testid` the templates give them, never by translated text, so that one story runs in
every language. What a step reads back (a status, a clause) is compared with what Django's own
translation gives for the page's language.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.utils import translation

from tumen.e2e.browser import Desk


@dataclass(frozen=True)
class NewPerson:
    """A person the clerk registers through the person finder."""

    name_hanzi: str
    name_hangul: str
    name_latin: str
    sex: str
    date_of_birth: str
    household_number: str
    nationality: str = "prc"
    ethnicity: str = "korean"
    residence_code: str = "yanji"
    personal_id_number: str = ""
    residence_permit_number: str = ""

    def name_in(self, language: str) -> str:
        return self.name_hangul if language == "ko" else self.name_hanzi


# The units that clear a Yanji case (the 1963 scenario routes every check to Yanji's own).
YANJI_CLEARING = {
    "public_security": "yanji-security",
    "foreign_affairs": "yanji-foreign",
    "border_defence": "yanji-border",
    "customs": "yanji-customs",
}


def clearing_officers(make_official, units: dict[str, str] = YANJI_CLEARING) -> dict:
    """One clearing officer per unit, by the kind of check the unit makes."""
    role = "clearing_officer"
    return {kind: make_official(f"t.{code}", code, role) for kind, code in units.items()}


def translated(language: str, text) -> str:
    """A lazy label (a model choice, a message) as the page shows it in `language`."""
    with translation.override(language):
        return str(text)


def click_and_wait(desk: Desk, selector: str) -> None:
    """Click something that loads a new page, and wait for it."""
    with desk.page.expect_navigation():
        desk.page.locator(selector).click()


def tagged(name: str) -> str:
    return f'[data-testid="{name}"]'


# Intake ----------------------------------------------------------------------------------------


def choose_case_type(desk: Desk, code: str, *, shot: str = "") -> None:
    desk.page.locator(tagged(f"case-type-{code}")).check()
    if shot:
        desk.shot(shot)
    click_and_wait(desk, tagged("continue"))


def start_application(desk: Desk, *, shot: str = "") -> None:
    """The principal chosen, the clerk commits: only now is the draft case opened."""
    assert desk.path() == "/cases/new/start/"
    if shot:
        desk.shot(shot)
    click_and_wait(desk, tagged("start-application"))


def search_register(desk: Desk, name: str, *, shot: str = "") -> None:
    """The finder's first stage: search the register by name."""
    form = desk.page.locator(tagged("person-search"))
    form.locator("#id_name").fill(name)
    if shot:
        desk.shot(shot)
    click_and_wait(desk, tagged("person-search-submit"))


def choose_found_person(
    desk: Desk, person_pk: int, *, relationship: str = "", shot: str = ""
) -> None:
    """The finder's second stage: the person found is the one meant."""
    form = desk.page.locator(tagged("person-pick"))
    form.locator(f'input[name="person"][value="{person_pk}"]').check()
    if relationship:
        form.locator("#id_relationship").select_option(relationship)
    if shot:
        desk.shot(shot)
    click_and_wait(desk, tagged("person-pick-submit"))


def register_new_person(
    desk: Desk, person: NewPerson, language: str, *, relationship: str = "", shot: str = ""
) -> None:
    """Search first (as the page insists), find no one, and register the person."""
    search_register(desk, person.name_in(language))
    pick = desk.page.locator(tagged("person-pick"))
    pick.locator(tagged("person-new")).check()
    if relationship:
        pick.locator("#id_relationship").select_option(relationship)
    click_and_wait(desk, tagged("person-pick-submit"))
    fill_registration(desk, person, shot=shot)


def fill_registration(desk: Desk, person: NewPerson, *, shot: str = "") -> None:
    """The finder's last stage: register the person no search found."""
    form = desk.page.locator(tagged("person-register"))
    form.locator("#id_name_hanzi").fill(person.name_hanzi)
    form.locator("#id_name_hangul").fill(person.name_hangul)
    form.locator("#id_name_latin").fill(person.name_latin)
    form.locator(f'input[name="sex"][value="{person.sex}"]').check()
    form.locator("#id_date_of_birth").fill(person.date_of_birth)
    form.locator(f'input[name="nationality"][value="{person.nationality}"]').check()
    form.locator(f'input[name="ethnicity"][value="{person.ethnicity}"]').check()
    form.locator("#id_residence_code").select_option(person.residence_code)
    form.locator("#id_household_number").fill(person.household_number)
    if person.personal_id_number:
        form.locator("#id_personal_id_number").fill(person.personal_id_number)
    if person.residence_permit_number:
        form.locator("#id_residence_permit_number").fill(person.residence_permit_number)
    if shot:
        desk.shot(shot)
    click_and_wait(desk, tagged("person-register-submit"))


def record_relation(desk: Desk, name: str, place: str, *, shot: str = "") -> None:
    """On the eligibility step: record the (only) relation the policy asks for."""
    form = desk.page.locator(tagged("relation-form"))
    form.locator("input[id$='-relative_name']").fill(name)
    form.locator("input[id$='-relative_place']").fill(place)
    if shot:
        desk.shot(shot)
    click_and_wait(desk, tagged("relation-submit"))


def fill_details(desk: Desk, values: dict[str, str], *, shot: str = "") -> None:
    form = desk.page.locator(tagged("details-form"))
    for name, value in values.items():
        form.locator(f"#id_{name}").fill(value)
    if shot:
        desk.shot(shot)
    click_and_wait(desk, tagged("details-continue"))


# The case page and its forms -------------------------------------------------------------------


def open_case_from_worklist(desk: Desk, number: str, queue: str = "") -> None:
    """From the official's worklist, follow the row of case `number` to its page."""
    desk.go("/cases/" + (f"?queue={queue}" if queue else ""))
    row = desk.page.locator(tagged("worklist-row")).filter(has_text=number)
    with desk.page.expect_navigation():
        row.get_by_role("link", name=number).click()


def case_status(desk: Desk) -> str:
    return desk.page.locator(tagged("case-status")).inner_text().strip()


def clearance_status(desk: Desk, kind: str) -> str:
    card = desk.page.locator(tagged(f"clearance-{kind}"))
    return card.locator(".task-list__status").inner_text().strip()


def clear(desk: Desk, kind: str, note: str = "", *, shot: str = "") -> None:
    """On the case page: clear this unit's check, with an optional note."""
    click_and_wait(desk, tagged(f"clear-{kind}"))
    form = desk.page.locator(tagged("clearance-form"))
    if note:
        form.locator("#id_note").fill(note)
    if shot:
        desk.shot(shot)
    click_and_wait(desk, tagged("submit-clear"))


def flag(desk: Desk, kind: str, ground: str, note: str, *, shot: str = "") -> None:
    """On the case page: flag this unit's check on one of the grounds the policy lists."""
    click_and_wait(desk, tagged(f"flag-{kind}"))
    form = desk.page.locator(tagged("clearance-form"))
    form.locator(tagged(f"ground-{ground}")).check()
    form.locator("#id_note").fill(note)
    if shot:
        desk.shot(shot)
    click_and_wait(desk, tagged("submit-flag"))


def resolve(desk: Desk, kind: str, note: str) -> None:
    click_and_wait(desk, tagged(f"resolve-{kind}"))
    desk.page.locator(tagged("clearance-form")).locator("#id_note").fill(note)
    click_and_wait(desk, tagged("submit-resolve"))


def decide_as_proposed(desk: Desk, note: str = "", *, shot: str = "") -> str:
    """On the case page: open the decision form, accept the proposal; returns what it proposed."""
    click_and_wait(desk, tagged("action-decide"))
    proposal = desk.page.locator(tagged("proposal")).inner_text()
    if note:
        desk.page.locator(tagged("decision-form")).locator("#id_note").fill(note)
    if shot:
        desk.shot(shot)
    click_and_wait(desk, tagged("submit-decision"))
    return proposal


# Foreign requests ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NamedPerson:
    """A person a foreign note names, with the household the note puts them in."""

    person: NewPerson
    household: str
    is_principal: bool = False
    officer_name: str = ""


def add_named_person(desk: Desk, named: NamedPerson, language: str, *, shot: str = "") -> None:
    """On the new request's page: add a person the note names, registering them on the way."""
    click_and_wait(desk, tagged("add-person"))
    person = named.person
    search_register(desk, person.name_in(language))
    pick = desk.page.locator(tagged("person-pick"))
    pick.locator(tagged("person-new")).check()
    pick.locator("#id_household").fill(named.household)
    if named.is_principal:
        pick.locator("#id_is_principal").check()
    if named.officer_name:
        pick.locator("#id_officer_name").fill(named.officer_name)
    if shot:
        desk.shot(shot)
    click_and_wait(desk, tagged("person-pick-submit"))
    fill_registration(desk, person)


# Travel authorizations and the crossing --------------------------------------------------------


def print_documents(desk: Desk, folder, *, paper: str = "a4", shot: str = "") -> Path:
    """From the case page: open the documents, print the household's PDF; returns the file."""
    click_and_wait(desk, tagged("action-documents"))
    desk.page.locator(tagged("print-form")).locator(f'input[value="{paper}"]').check()
    if shot:
        desk.shot(shot)
    with desk.page.expect_download() as download:
        desk.page.locator(tagged("print")).click()
    path = folder / f"documents-{paper}.pdf"
    download.value.save_as(path)
    return path


def photograph_pages(pdf, folder) -> list:
    """What a holder's paper looks like to the checkpoint's camera: one PNG per page."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed; the printed pages cannot be read")
    subprocess.run(  # noqa: S603  (a fixed command on a file the story printed)
        [shutil.which("pdftoppm"), "-r", "150", "-png", str(pdf), str(folder / "page")],
        check=True,
    )
    return sorted(folder.glob("page-*.png"))


def check_photo(desk: Desk, photo, *, shot: str = "") -> str:
    """At the checkpoint: upload the photo, check it; returns the verdict's title."""
    desk.page.locator("#id_image").set_input_files(str(photo))
    click_and_wait(desk, tagged("check"))
    if shot:
        desk.shot(shot)
    return desk.page.locator(tagged("verdict-title")).inner_text().strip()


def record_crossing(desk: Desk) -> None:
    click_and_wait(desk, tagged("record-crossing"))
