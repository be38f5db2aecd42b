"""Signed out, hand-made requests to the sign-in and language pages get ordinary answers."""

from __future__ import annotations

import pytest

from tumen.lib.parse import parse_id, parse_int, parse_next, parse_text


@pytest.mark.parametrize("next_value", ["-1", "home", "login", "a", "//evil.example/"])
def test_the_language_switch_ignores_a_next_that_is_not_a_local_path(client, db, next_value):
    response = client.post("/language/", {"language": "en", "next": next_value})
    assert response.status_code == 302
    assert response.url == "/login/"


def test_the_language_switch_refuses_a_nul_in_next_as_a_bad_request(client, db):
    assert client.post("/language/", {"language": "en", "next": "/\x00"}).status_code == 400


def test_the_language_switch_returns_to_a_local_path(client, db):
    response = client.post("/language/", {"language": "en", "next": "/directives/"})
    assert response.url == "/directives/"


@pytest.mark.parametrize("username", ["x" * 10_000, "x" * 151, "t.yanji\x00clerk"])
def test_an_over_long_or_nul_username_is_an_ordinary_refusal(client, db, username):
    response = client.post(
        "/login/", {"username": username, "password": "whatever it is"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("42", 42),
        (" 7 ", 7),
        (7, 7),
        ("0", None),
        ("²", None),
        ("١٢", None),
        ("-3", None),
        ("9" * 19, None),
        (str(2**63 - 1), 2**63 - 1),
        (str(2**63), None),
        ("", None),
        (None, None),
        (True, None),
        ("1e3", None),
    ],
)
def test_an_id_is_a_bounded_run_of_ascii_digits(value, expected):
    assert parse_id(value) == expected


def test_parse_int_keeps_to_its_bounds():
    assert parse_int("0") == 0
    assert parse_int("5", maximum=4) is None
    assert parse_int("9" * 5000) is None


def test_text_is_refused_with_a_nul_or_beyond_its_length():
    assert parse_text("Kim", max_length=3) == "Kim"
    assert parse_text("Kim!", max_length=3) is None
    assert parse_text("K\x00", max_length=3) is None
    assert parse_text(3, max_length=3) is None


def test_next_must_be_a_path_on_this_site(rf):
    request = rf.get("/")
    assert parse_next(request, "/cases/") == "/cases/"
    for value in ("-1", "cases/", "//evil.example/x", "https://evil.example/", None, "/a\x00"):
        assert parse_next(request, value) == ""
