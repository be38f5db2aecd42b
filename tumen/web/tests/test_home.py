"""The home page: the official's place in the organisation and the directives along their line."""

from __future__ import annotations

from django.utils.html import escape

from tumen.directives.services import directive_acknowledge
from tumen.directives.tests.factories import make_directive
from tumen.org.models import Jurisdiction, Official

CODE_1963 = "cc-1963-08-08"


def english_home(client, official):
    client.force_login(official)
    return client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_home_shows_the_unit_its_kind_the_chain_of_jurisdictions_and_the_roles(client, yanji_clerk):
    page = english_home(client, yanji_clerk)

    assert escape(yanji_clerk.unit.name_en) in page
    assert "County or district office" in page
    chain = Jurisdiction.objects.filter(
        path__in=yanji_clerk.unit.jurisdiction.ancestor_paths
    ).order_by("path")
    positions = [page.index(f"<li>{escape(j.name_en)}</li>") for j in chain]
    assert positions == sorted(positions)
    assert len(positions) == 5
    assert "<li>Clerk</li>" in page


def test_home_lists_the_1963_directive_with_its_clauses_and_acknowledgement(client, yanji_clerk):
    page = english_home(client, yanji_clerk)

    assert f'href="/directives/{CODE_1963}/"' in page
    assert "cc1963.1" in page
    assert "cc1963.8" in page
    assert "Not yet acknowledged by your unit" in page

    directive_acknowledge(official=yanji_clerk, directive_code=CODE_1963)
    page = english_home(client, yanji_clerk)

    assert "Acknowledged by your unit" in page
    assert "Not yet acknowledged" not in page


def test_home_shows_no_directive_addressed_to_another_province(client, liaoning_security):
    make_directive("jl-only", issued_by="jilin", addressed_to=["jilin"])

    page = english_home(client, liaoning_security)

    assert CODE_1963 in page
    assert "jl-only" not in page


def test_an_official_without_a_unit_is_told_so_plainly(client, db):
    loose = Official.objects.create_user(username="t.no.unit", password="x" * 20)

    page = english_home(client, loose)

    assert "Your account is not attached to a work unit" in page
    assert CODE_1963 not in page


def test_home_takes_a_fixed_number_of_queries_however_many_directives(
    client, yanji_clerk, django_assert_max_num_queries
):
    client.force_login(yanji_clerk)
    # 8: one of them reads the persons referred to the jurisdiction (tumen.web.referrals).
    with django_assert_max_num_queries(8):
        assert client.get("/").status_code == 200

    for n in range(5):
        make_directive(f"jl-{n}", issued_by="jilin", addressed_to=["jilin"], clauses=4)
    with django_assert_max_num_queries(8):
        page = client.get("/").content.decode()
    assert "jl-4.4" in page
