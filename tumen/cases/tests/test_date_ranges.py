"""Every date a clerk types falls in its range, and the message names the field."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from tumen.cases import services
from tumen.lib import clock as the_clock

from .conftest import open_case, submit

TODAY = datetime.datetime(1963, 9, 10, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def in_1963(clock):
    clock.set(TODAY)


@pytest.mark.parametrize(
    ("born", "says"),
    [
        (datetime.date(1963, 9, 11), "is in the future"),
        (datetime.date(9999, 12, 31), "is in the future"),
        (datetime.date(1879, 12, 31), "is before 1880"),
    ],
)
def test_a_date_of_birth_out_of_range_is_refused_naming_the_field(register, born, says):
    with pytest.raises(ValidationError) as caught:
        register(date_of_birth=born)
    [message] = caught.value.message_dict["date_of_birth"]
    assert message.startswith("date of birth: ")
    assert says in message


def test_a_date_of_birth_today_is_accepted(register):
    assert register(date_of_birth=the_clock.today()).date_of_birth == datetime.date(1963, 9, 10)


def test_an_application_date_in_the_future_keeps_the_case_from_submission(yanji_clerk, household):
    case = open_case(
        yanji_clerk,
        "relocation",
        household,
        {"destination": "Hamhung", "application_date": "1963-09-11"},
    )
    with pytest.raises(ValidationError) as caught:
        submit(yanji_clerk, case)
    [message] = caught.value.message_dict["details.application_date"]
    assert "Date of application: " in message
    assert "is in the future" in message


def test_a_foreign_note_received_in_the_future_is_refused(officer):
    with pytest.raises(ValidationError) as caught:
        services.foreign_request_register(
            official=officer("jilin-foreign", "clearing_officer"),
            reference="朝外-1963-0999",
            received_on=datetime.date(1963, 9, 12),
            authority="朝鲜外务省",
            persons=[],
        )
    assert "is in the future" in caught.value.message_dict["received_on"][0]


def test_hangul_in_the_chinese_characters_field_is_refused(register):
    with pytest.raises(ValidationError) as caught:
        register(name_hanzi="김철수")
    assert "Hangul name field" in caught.value.message_dict["name_hanzi"][0]


def test_a_name_longer_than_the_field_is_refused_not_cut(register):
    with pytest.raises(ValidationError) as caught:
        register(name_latin="X" * 151)
    assert "name in Latin script: " in caught.value.message_dict["name_latin"][0]
