"""Signing in and out through the login page, with django-axes throttling in front."""

from __future__ import annotations

from django.conf import settings
from django.utils.html import escape

from tumen.conftest import TEST_PASSWORD
from tumen.directives.models import Directive

CODE_1963 = "cc-1963-08-08"


def sign_in(client, username, password=TEST_PASSWORD, **extra):
    return client.post("/login/", {"username": username, "password": password}, **extra)


def test_a_clerk_signs_in_and_lands_on_home_with_their_unit_and_the_1963_directive(
    client, yanji_clerk
):
    response = sign_in(client, yanji_clerk.username, follow=True)

    assert response.redirect_chain == [("/", 302)]
    page = response.content.decode()
    assert escape(yanji_clerk.unit.name_zh) in page
    assert escape(Directive.objects.get(code=CODE_1963).title_zh) in page


def test_signing_in_puts_the_officials_saved_language_into_the_session(client, yanji_clerk):
    yanji_clerk.language = "ko"
    yanji_clerk.save(update_fields=["language"])

    response = sign_in(client, yanji_clerk.username, follow=True)

    assert client.session["tumen_language"] == "ko"
    assert response.headers["Content-Language"] == "ko"
    assert yanji_clerk.unit.name_ko in response.content.decode()


def test_a_wrong_password_shows_the_error_summary_linked_to_the_form(client, yanji_clerk):
    response = sign_in(client, yanji_clerk.username, password="not the password at all")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="error-summary"' in page
    assert 'href="#id_username"' in page
    assert "not the password at all" not in page
    assert "<title>错误：" in page or "<title>Error:" in page


def test_an_empty_form_asks_for_each_field(client, db):
    response = client.post("/login/", {"username": "", "password": ""}, HTTP_ACCEPT_LANGUAGE="en")

    page = response.content.decode()
    assert '<a href="#id_username">Enter your username</a>' in page
    assert '<a href="#id_password">Enter your password</a>' in page


def test_an_address_spraying_many_usernames_is_paused_even_with_the_right_password(
    client, yanji_clerk
):
    # A few tries on each of many usernames, as a sprayer does: each username stays under its
    # own limit, the address does not.
    for n in range(settings.AXES_FAILURE_LIMIT):
        last = sign_in(client, f"someone.{n // 4}", password="wrong password 1963")

    assert last.status_code == 429
    response = sign_in(client, yanji_clerk.username, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    page = response.content.decode()
    assert "Signing in is paused" in page
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    assert f"You can try again {minutes} minutes after your last failed attempt." in page
    assert yanji_clerk.username not in page


def test_signing_out_takes_a_post(client, yanji_clerk):
    client.force_login(yanji_clerk)

    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")

    assert response.status_code == 302
    assert response.url == "/login/"
    assert "_auth_user_id" not in client.session


def test_a_visitor_who_is_not_signed_in_is_sent_to_the_login_page(client, db):
    response = client.get("/")

    assert response.status_code == 302
    assert response.url.startswith("/login/")
