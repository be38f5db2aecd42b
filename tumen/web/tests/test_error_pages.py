"""Error pages: in the base style, with no personal data and no echo of the request."""

from __future__ import annotations

from django.test import RequestFactory
from django.views.defaults import server_error


def assert_discreet(page: str, official) -> None:
    assert official.username not in page
    assert official.unit.name_zh not in page
    assert 'action="/logout/"' not in page
    assert "csrfmiddlewaretoken" not in page


def test_the_404_page_names_nobody_and_does_not_echo_the_address(client, yanji_clerk):
    client.force_login(yanji_clerk)

    response = client.get("/directives/probe-a7f3/")

    assert response.status_code == 404
    page = response.content.decode()
    assert_discreet(page, yanji_clerk)
    assert "probe-a7f3" not in page
    assert 'href="/static/web/tumen.css"' in page


def test_the_403_page_names_nobody(client, make_official):
    analyst = make_official("t.yanji.analyst", "yanji-office", "analyst")
    client.force_login(analyst)

    response = client.post("/directives/cc-1963-08-08/acknowledge/")

    assert response.status_code == 403
    assert_discreet(response.content.decode(), analyst)


def test_the_500_page_renders_without_a_request_context(yanji_clerk):
    request = RequestFactory().get("/anything-a7f3/")
    request.user = yanji_clerk

    response = server_error(request)

    assert response.status_code == 500
    page = response.content.decode()
    assert_discreet(page, yanji_clerk)
    assert "anything-a7f3" not in page
    assert 'href="/static/web/tumen.css"' in page


def test_an_expired_form_gets_a_plain_explanation(yanji_clerk):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(yanji_clerk)

    response = client.post("/directives/cc-1963-08-08/acknowledge/")

    assert response.status_code == 403
    assert_discreet(response.content.decode(), yanji_clerk)
    assert 'class="heading-l"' in response.content.decode()
