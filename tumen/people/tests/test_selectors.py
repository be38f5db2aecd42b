"""The duplicate-person warning at intake."""

from __future__ import annotations

import datetime

import pytest

from tumen.people.selectors import possible_duplicates
from tumen.people.services import person_register

BORN = datetime.date(1931, 5, 4)


@pytest.fixture
def ri(yanji_clerk):
    return person_register(
        official=yanji_clerk,
        name_hanzi="李英子",
        name_hangul="리영자",
        name_latin="Ri Yong Ja",
        sex="female",
        date_of_birth=BORN,
        nationality="prc",
        ethnicity="korean",
        residence_code="yanji",
    )


@pytest.mark.parametrize(
    "names",
    [
        {"name_hanzi": "李英子"},
        {"name_hangul": "리영자"},
        {"name_latin": "ri yongja"},
        {"name_latin": "RI YONG JA"},
    ],
)
def test_an_equal_name_in_any_script_is_a_possible_duplicate(yanji_clerk, ri, names):
    assert possible_duplicates(official=yanji_clerk, **names) == [ri]


def test_same_birth_date_and_a_similar_name_is_a_possible_duplicate(yanji_clerk, ri):
    found = possible_duplicates(official=yanji_clerk, name_latin="Li Yong Ja", date_of_birth=BORN)
    assert found == [ri]


def test_a_different_person_is_not_suggested(yanji_clerk, ri):
    assert possible_duplicates(official=yanji_clerk, name_latin="Pak Sung") == []
    other_day = datetime.date(1940, 1, 1)
    found = possible_duplicates(
        official=yanji_clerk, name_latin="Li Yongja", date_of_birth=other_day
    )
    assert found == []
    assert possible_duplicates(official=yanji_clerk, date_of_birth=BORN, name_hanzi="朴成") == []


def test_persons_outside_the_jurisdiction_are_never_suggested(ri, liaoning_security):
    assert possible_duplicates(official=liaoning_security, name_hanzi="李英子") == []


def test_the_warning_takes_a_bounded_number_of_queries(
    yanji_clerk, ri, django_assert_max_num_queries
):
    # Two for the same-script warning, one for the cross-script candidates (people.matching),
    # and one for the register's size, read at most once a minute.
    with django_assert_max_num_queries(4):
        possible_duplicates(official=yanji_clerk, name_latin="Ri Yong Ja", date_of_birth=BORN)
