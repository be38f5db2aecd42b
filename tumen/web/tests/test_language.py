"""The language switch: saved for officials and audited, session-only before signing in."""

from __future__ import annotations

import pytest

from tumen.audit.models import AuditEvent
from tumen.org.models import Official


def switch(client, language, next_url="/"):
    return client.post("/language/", {"language": language, "next": next_url})


def test_an_official_switches_language_and_it_is_saved_and_audited(client, yanji_clerk):
    client.force_login(yanji_clerk)

    response = switch(client, "ko")

    assert response.status_code == 302
    assert response.url == "/"
    assert client.session["tumen_language"] == "ko"
    assert Official.objects.get(pk=yanji_clerk.pk).language == "ko"
    event = AuditEvent.objects.get(action="official.language_set")
    assert event.actor_id == yanji_clerk.pk
    assert event.payload == {"language": "ko"}


def test_the_saved_language_follows_the_official_to_their_next_session(client, yanji_clerk):
    client.force_login(yanji_clerk)
    switch(client, "en")
    client.post("/logout/")

    client.force_login(Official.objects.get(pk=yanji_clerk.pk))

    assert client.session["tumen_language"] == "en"


def test_a_visitor_on_the_login_page_switches_for_the_session_only(client, db):
    response = switch(client, "en", next_url="/login/")

    assert response.url == "/login/"
    assert client.session["tumen_language"] == "en"
    assert "Sign in" in client.get("/login/").content.decode()
    assert not AuditEvent.objects.filter(action="official.language_set").exists()


@pytest.mark.parametrize(
    "next_url", ["https://elsewhere.example/", "//elsewhere.example/", "javascript:alert(1)", ""]
)
def test_the_switch_returns_only_to_a_local_page(client, yanji_clerk, next_url):
    client.force_login(yanji_clerk)

    response = switch(client, "en", next_url=next_url)

    assert response.url == "/"


def test_a_language_that_is_not_offered_is_a_bad_request(client, yanji_clerk):
    client.force_login(yanji_clerk)

    response = switch(client, "fr")

    assert response.status_code == 400
    assert Official.objects.get(pk=yanji_clerk.pk).language == ""


def test_the_switch_takes_a_post(client, db):
    assert client.get("/language/").status_code == 405


@pytest.mark.parametrize(
    ("language", "heading", "sign_out"),
    [("zh-hans", "指示", "退出"), ("ko", "지시", "로그아웃"), ("en", "Directives", "Sign out")],
)
def test_home_renders_in_each_working_language(client, yanji_clerk, language, heading, sign_out):
    client.force_login(yanji_clerk)
    switch(client, language)

    page = client.get("/").content.decode()

    assert f'<html lang="{language}">' in page
    assert f">{heading}</h2>" in page
    assert sign_out in page
