"""Service refusals read in the reader's language: every message a page can show, rendered in
Chinese and Korean, is translated, names fields, case types and grounds by their labels (no raw
code such as `household_number` or `identity_unverified`), and never lists nothing.

Each refusal is produced by calling the service as a page would; the message is what the page
shows beside its field (the leading key, e.g. `details.destination:`, is dropped there).
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tumen.cases import services
from tumen.people.services import person_register
from tumen.web.forms import problem_texts

from .conftest import RELOCATION_DETAILS, fresh, grant_all, members, open_case, submit
from .viewkit import Desk, text

# A code as services and packs spell them: lower-case words joined by underscores.
RAW_CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
# A list with nothing in it: "grounds: ." / "理由：。".
EMPTY_LIST = re.compile(r"[:：]\s*[。.;；]")
# Codes without an underscore: case types, and fields and grounds of one word.
KNOWN_CODES = re.compile(r"\b(relocation|repatriation|destination|residence|ground|note)\b")
# What the reader typed, echoed back in quotes, is theirs, not a code of ours.
ECHOED = re.compile(r"'[^']*'|“[^”]*”|‘[^’]*’")


def _awaiting(yanji_clerk, officer, household):
    case = submit(yanji_clerk, open_case(yanji_clerk, "relocation", household, RELOCATION_DETAILS))
    grant_all(case, officer)
    return fresh(case)


def _refuse_on_hold_ground(yanji_clerk, officer, household, yanji_approver):
    case = _awaiting(yanji_clerk, officer, household)
    son = members(case)[1]
    services.case_decide(
        official=yanji_approver,
        case_id=case.pk,
        version=case.version,
        member_outcomes={son.pk: ("refused", "documents_incomplete")},
        note="x",
    )


def _hold_without_ground(yanji_clerk, officer, household, yanji_approver):
    case = _awaiting(yanji_clerk, officer, household)
    son = members(case)[1]
    services.case_decide(
        official=yanji_approver,
        case_id=case.pk,
        version=case.version,
        member_outcomes={son.pk: ("on_hold", None)},
    )


def _retype_on_refusal_ground(yanji_clerk, officer, household, yanji_approver):
    case = _awaiting(yanji_clerk, officer, household)
    services.case_retype(
        official=yanji_approver, case_id=case.pk, version=case.version, ground="outside_scope"
    )


def _submit_incomplete(yanji_clerk, officer, household, yanji_approver):
    person = person_register(
        official=yanji_clerk,
        name_hanzi="李英",
        sex="female",
        date_of_birth=None,
        nationality="dprk",
        residence_code="yanji",
    )
    submit(yanji_clerk, open_case(yanji_clerk, "repatriation", [person], {}))


def _submit_relocation_without_household(yanji_clerk, officer, household, yanji_approver):
    person = person_register(
        official=yanji_clerk,
        name_hanzi="李英",
        sex="female",
        date_of_birth=datetime.date(1931, 1, 1),
        nationality="prc",
        residence_code="yanji",
    )
    details = {"destination": "Hamhung", "application_date": "2999-01-01"}
    submit(yanji_clerk, open_case(yanji_clerk, "relocation", [person], details))


def _register_badly(yanji_clerk, officer, household, yanji_approver):
    person_register(
        official=yanji_clerk,
        name_hanzi="김철수",
        sex="male",
        date_of_birth=datetime.date(9999, 12, 31),
        nationality="prc",
        residence_code="yanji",
        personal_id_number="222401193101010026",
        passport_number="G-1",
    )


def _register_duplicate(yanji_clerk, officer, household, yanji_approver):
    number = household[0].personal_id_number
    person_register(
        official=yanji_clerk,
        name_hanzi="李英",
        sex="male",
        date_of_birth=datetime.date(1879, 1, 1),
        nationality="prc",
        residence_code="yanji",
        personal_id_number=number,
    )


def _note_from_the_future(yanji_clerk, officer, household, yanji_approver):
    services.foreign_request_register(
        official=officer("jilin-foreign", "clearing_officer"),
        reference="朝外-2999",
        received_on=datetime.date(2999, 1, 1),
        authority="朝鲜外务省",
        persons=[],
    )


REFUSALS = [
    _refuse_on_hold_ground,
    _hold_without_ground,
    _retype_on_refusal_ground,
    _submit_incomplete,
    _submit_relocation_without_household,
    _register_badly,
    _register_duplicate,
    _note_from_the_future,
]


def _messages(call, language, cast) -> list[str]:
    # Messages are rendered when read, so both the call and the reading are in the language.
    with translation.override(language):
        with pytest.raises(ValidationError) as caught:
            call(*cast)
        return [beside for _key, beside, _away in problem_texts(caught.value)]


@pytest.mark.parametrize("language", ["zh-hans", "ko"])
@pytest.mark.parametrize("call", REFUSALS, ids=lambda call: call.__name__.strip("_"))
def test_a_refusal_reads_in_the_readers_language_with_labels_not_codes(
    call, language, yanji_clerk, officer, household, yanji_approver
):
    cast = (yanji_clerk, officer, household, yanji_approver)
    shown = _messages(call, language, cast)
    english = _messages(call, "en", cast)

    assert shown
    for message, original in zip(shown, english, strict=True):
        assert message != original, f"not translated into {language}: {original}"
        text = ECHOED.sub("", message)
        assert not RAW_CODE.search(text), f"raw code in {language}: {message}"
        assert not KNOWN_CODES.search(text), f"raw code in {language}: {message}"
        assert not EMPTY_LIST.search(text), f"empty list in {language}: {message}"


def _shown_problems(html: str) -> str:
    """The error summary and the review's list of what is missing, as the page shows them."""
    parts = []
    for testid in ("error-summary", "missing"):
        marker = f'data-testid="{testid}"'
        if marker in html:
            start = html.index(marker)
            parts.append(re.sub(r"<[^>]+>", " ", html[start : html.index("</div>", start)]))
    return " ".join(parts)


@pytest.mark.parametrize("language", ["zh-hans", "ko"])
def test_a_refusal_on_a_page_reads_in_the_readers_language_with_labels_not_codes(
    client, language, yanji_clerk, officer, household, yanji_approver, register
):
    """The decision page refusing a refusal without a ground, and the review of a draft whose
    members lack what the pack asks, in Chinese and Korean: labels, titles, never a code."""
    case = _awaiting(yanji_clerk, officer, household)
    approver = Desk(client, yanji_approver, language=language)
    shown = approver.get(f"/cases/{case.number}/decide/")
    son = members(case)[1]
    refused = approver.submit(shown, "decision-form", **{f"outcome_{son.pk}": "refused"})
    incomplete = register(household_number="", date_of_birth=None)
    draft = open_case(yanji_clerk, "relocation", [incomplete], {})
    review = Desk(client, yanji_clerk, language=language).get(f"/cases/{draft.number}/review/")

    for page in (refused, review):
        problems = _shown_problems(text(page))
        assert problems.strip(), "the page shows no problem"
        bare = ECHOED.sub("", problems)
        assert not RAW_CODE.search(bare), f"raw code in {language}: {problems}"
        assert not KNOWN_CODES.search(bare), f"raw code in {language}: {problems}"
        assert not EMPTY_LIST.search(bare), f"empty list in {language}: {problems}"
        assert not re.search(r"members\[|details\.", bare), f"raw key in {language}: {problems}"
