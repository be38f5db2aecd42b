"""The directive page and its acknowledgement button."""

from __future__ import annotations

from django.utils.html import escape

from tumen.audit.models import AuditEvent
from tumen.directives.models import Acknowledgement, Directive
from tumen.directives.services import directive_acknowledge
from tumen.directives.tests.factories import make_directive

CODE_1963 = "cc-1963-08-08"
URL_1963 = f"/directives/{CODE_1963}/"


def english_page(client, official, url=URL_1963):
    client.force_login(official)
    return client.get(url, HTTP_ACCEPT_LANGUAGE="en")


def test_the_page_shows_the_directive_its_addressees_clauses_and_report_back(client, yanji_clerk):
    response = english_page(client, yanji_clerk)

    assert response.status_code == 200
    page = response.content.decode()
    directive = Directive.objects.get(code=CODE_1963)
    assert escape(directive.title_en) in page
    assert escape(directive.issued_by.name_en) in page
    for addressee in directive.addressees.select_related("jurisdiction", "unit"):
        assert escape((addressee.unit or addressee.jurisdiction).name_en) in page
    for clause in directive.clauses.all():
        assert clause.clause_id in page
        assert escape(clause.text_en) in page
    if directive.report_back_clause:
        assert f"Required: see clause {directive.report_back_clause.clause_id}." in page
    assert "Acknowledge receipt</button>" in page


def test_an_official_off_the_line_gets_the_same_404_as_for_a_code_that_does_not_exist(
    client, liaoning_security
):
    make_directive("jl-only", issued_by="jilin", addressed_to=["jilin"])
    client.force_login(liaoning_security)

    not_yours = client.get("/directives/jl-only/")
    missing = client.get("/directives/no-such-directive/")

    assert not_yours.status_code == missing.status_code == 404
    assert not_yours.content == missing.content
    # Both are audited alike, so neither the log's growth nor the time taken tells them apart:
    # the burst's first denial is written and the second only counted (test_denial_bursts).
    assert AuditEvent.objects.filter(action="access.denied").count() == 1


def test_acknowledging_works_once_per_unit_and_is_audited(client, yanji_clerk, make_official):
    client.force_login(yanji_clerk)

    response = client.post(f"{URL_1963}acknowledge/", follow=True, HTTP_ACCEPT_LANGUAGE="en")

    assert response.redirect_chain == [(URL_1963, 302)]
    page = response.content.decode()
    assert "Receipt acknowledged for your unit." in page
    assert "Acknowledge receipt</button>" not in page
    assert escape(yanji_clerk.unit.name_en) in page
    ack = Acknowledgement.objects.get(directive__code=CODE_1963)
    assert ack.unit == yanji_clerk.unit
    assert AuditEvent.objects.filter(action="directive.acknowledged").count() == 1

    colleague = make_official("t.yanji.clerk2", "yanji-office", "clerk")
    client.force_login(colleague)
    response = client.post(f"{URL_1963}acknowledge/", follow=True, HTTP_ACCEPT_LANGUAGE="en")

    assert (
        "Your unit had already acknowledged receipt. Nothing changed." in response.content.decode()
    )
    assert Acknowledgement.objects.filter(directive__code=CODE_1963).count() == 1
    assert AuditEvent.objects.filter(action="directive.acknowledged").count() == 1


def test_acknowledging_takes_a_post(client, yanji_clerk):
    client.force_login(yanji_clerk)

    assert client.get(f"{URL_1963}acknowledge/").status_code == 405
    assert not Acknowledgement.objects.exists()


def test_an_official_off_the_line_cannot_acknowledge(client, liaoning_security):
    make_directive("jl-only", issued_by="jilin", addressed_to=["jilin"])
    client.force_login(liaoning_security)

    assert client.post("/directives/jl-only/acknowledge/").status_code == 404
    assert not Acknowledgement.objects.exists()


def test_a_role_that_does_not_answer_for_the_unit_sees_no_button_and_is_refused(
    client, make_official
):
    analyst = make_official("t.yanji.analyst", "yanji-office", "analyst")

    page = english_page(client, analyst).content.decode()
    refused = client.post(f"{URL_1963}acknowledge/")

    assert "Acknowledge receipt</button>" not in page
    assert "Not yet acknowledged by your unit" in page
    assert refused.status_code == 403
    assert not Acknowledgement.objects.exists()


def test_acknowledgements_of_another_province_are_not_shown(client, yanji_clerk, liaoning_security):
    directive_acknowledge(official=liaoning_security, directive_code=CODE_1963)

    page = english_page(client, yanji_clerk).content.decode()

    assert escape(liaoning_security.unit.name_en) not in page
    assert escape(liaoning_security.unit.name_zh) not in page


def test_the_page_takes_a_fixed_number_of_queries(
    client, yanji_clerk, jilin_security, django_assert_max_num_queries
):
    client.force_login(jilin_security)
    directive_acknowledge(official=yanji_clerk, directive_code=CODE_1963)
    directive_acknowledge(official=jilin_security, directive_code=CODE_1963)

    with django_assert_max_num_queries(8):
        assert client.get(URL_1963).status_code == 200
