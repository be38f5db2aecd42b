"""The navigation: each official's worklists with what awaits them, and the directives."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tumen.directives.tests.factories import make_directive


def page_of(client, official, url="/"):
    client.force_login(official)
    return client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_each_role_finds_its_worklists_in_the_navigation(client, yanji_clerk, jilin_security):
    clerk = page_of(client, yanji_clerk)
    assert 'data-testid="nav-intake"' in clerk
    assert 'data-testid="nav-new-case"' in clerk
    assert 'data-testid="nav-clearances"' not in clerk

    officer = page_of(client, jilin_security)
    assert 'Clearances for your unit <span class="count">0</span>' in officer
    assert 'data-testid="nav-new-case"' not in officer
    assert 'data-testid="nav-all"' in officer


def test_a_foreign_affairs_office_sees_its_unsplit_requests(client, make_official):
    officer = make_official("t.yanji.foreign", "yanji-foreign", "clearing_officer")
    assert 'Foreign requests <span class="count">0</span>' in page_of(client, officer)


def test_the_directives_page_lists_what_is_addressed_along_the_line(
    client, yanji_clerk, liaoning_security
):
    make_directive("jl-only", issued_by="jilin", addressed_to=["jilin"])

    page = page_of(client, yanji_clerk, "/directives/")
    assert 'href="/directives/cc-1963-08-08/"' in page
    assert 'href="/directives/jl-only/"' in page
    assert "jl-only" not in page_of(client, liaoning_security, "/directives/")


def test_error_pages_do_not_count_anything(client, yanji_clerk):
    client.force_login(yanji_clerk)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/cases/NO-SUCH-CASE/")
    assert response.status_code == 404
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert 'data-testid="nav-intake"' not in response.content.decode()


def test_an_official_without_a_unit_gets_no_worklists(client, db):
    from tumen.org.models import Official

    loose = Official.objects.create_user(username="t.loose", password="x" * 20)
    page = page_of(client, loose)
    assert "nav-intake" not in page
    assert "nav-directives" not in page
    assert "Your account is not attached to a work unit" in page_of(client, loose, "/cases/")


def test_the_navigation_marks_the_section_the_page_belongs_to(client, yanji_clerk):
    assert 'data-testid="nav-new-case" aria-current="page"' in page_of(
        client, yanji_clerk, "/cases/new/"
    )
    assert 'data-testid="nav-directives" aria-current="page"' in page_of(
        client, yanji_clerk, "/directives/"
    )
    assert 'data-testid="nav-intake" aria-current="page"' in page_of(client, yanji_clerk, "/cases/")
    assert 'aria-current="page"' not in page_of(client, yanji_clerk, "/").split("Main menu")[
        1
    ].split("</nav>")[0].replace('href="/" aria-current="page"', "")
