"""An official of another province reaches nothing of a Jilin case, even by typing its address."""

from __future__ import annotations

import datetime

import pytest

from tumen.cases import services
from tumen.e2e.steps import tagged
from tumen.people.services import person_register

pytestmark = pytest.mark.e2e

NAMES = ("崔光日", "최광일", "Choe Kwang Il")
HOUSEHOLD_NUMBER = "HH-YANJI-63-0301"


@pytest.fixture
def jilin_case(yanji_clerk):
    """A Yanji relocation draft, opened through the services (the story here is the refusal)."""
    hanzi, hangul, latin = NAMES
    person = person_register(
        official=yanji_clerk,
        name_hanzi=hanzi,
        name_hangul=hangul,
        name_latin=latin,
        sex="male",
        date_of_birth=datetime.date(1929, 5, 1),
        nationality="prc",
        ethnicity="korean",
        residence_code="yanji",
        household_number=HOUSEHOLD_NUMBER,
    )
    return services.case_open(
        official=yanji_clerk,
        case_type="relocation",
        principal_id=person.pk,
        details={"destination": "Chongjin", "application_date": "1963-09-03"},
    )


def test_a_liaoning_official_gets_the_plain_404_for_a_jilin_case_and_sees_no_personal_data(
    desks, jilin_security, liaoning_security, jilin_case
):
    number = jilin_case.number
    # The Jilin officer sees the case: the address is right, and the page names the applicant.
    jilin = desks("zh-hans")
    jilin.sign_in(jilin_security.username)
    assert jilin.go(f"/cases/{number}/").status == 200
    assert NAMES[0] in jilin.main_text()

    desk = desks("zh-hans")
    desk.sign_in(liaoning_security.username)
    response = desk.go(f"/cases/{number}/")

    assert response.status == 404
    desk.shot("16-not-found")
    page = desk.page.content()
    for secret in (*NAMES, HOUSEHOLD_NUMBER, number, "Chongjin"):
        assert secret not in page
    # Nor the official's own account: error pages show nothing of anyone.
    assert liaoning_security.username not in page
    assert desk.page.locator("form.header__signout").count() == 0
    desk.go(f"/cases/{number}/?queue=all")
    assert desk.page.locator(tagged("worklist-row")).count() == 0


@pytest.mark.parametrize(
    "action", ["", "clearances/public_security/clear/", "decide/", "members/", "review/"]
)
def test_every_address_of_a_jilin_case_answers_a_liaoning_official_as_if_it_did_not_exist(
    desks, liaoning_security, jilin_case, action
):
    """Whatever the refusal (404, or 403 where the role alone rules the page out), the answer
    for the Jilin case is the answer for a number that was never issued, byte for byte."""
    desk = desks("zh-hans")
    desk.sign_in(liaoning_security.username)

    real = desk.go(f"/cases/{jilin_case.number}/{action}")
    real_page = desk.page.content()
    missing = desk.go(f"/cases/YANJI-1963-999999/{action}")

    assert real.status in (403, 404)
    assert (real.status, real_page) == (missing.status, desk.page.content())
    assert NAMES[0] not in real_page
