"""Existing issues link cases and flags of the report's own jurisdiction; submission freezes
the links as they stood (docs/reports.md, "Existing issues")."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from tumen.audit.models import AuditEvent
from tumen.cases.models import Case, ExistingIssue
from tumen.reports import services
from tumen.reports.labels import key_label
from tumen.reports.links import report_links
from tumen.reports.selectors import flag_choices
from tumen.reports.tests.conftest import DIRECTIVE
from tumen.reports.tests.histories import at, make_case, september_1963

pytestmark = pytest.mark.django_db


@pytest.fixture
def flags(make_official):
    cases = september_1963(make_official("t.yanji.approver", "yanji-office", "approver"))
    liaoning = make_case("kuandian", "relocation", at(9, 7), [])

    def raise_flag(case, day):
        return ExistingIssue.objects.create(
            case=case,
            jurisdiction=case.jurisdiction,
            kind="flag",
            ground="identity_unverified",
            clause_id="cc1963.4",
            note="no household register entry",
            raised_at=at(9, day, 14),
        )

    return {
        "cases": cases,
        "yanji": raise_flag(cases["10"], 22),
        "tumen": raise_flag(cases["11"], 7),
        "liaoning": raise_flag(liaoning, 8),
    }


def edit(client, report, **data):
    return client.post(
        reverse("report_act", kwargs={"report_id": report.pk, "action": "edit"}),
        {"version": report.version, "issues_text": "Identity checks lag.", **data},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_the_draft_form_offers_only_the_units_own_flags_and_links_them(client, analysts, flags):
    yanji = analysts["yanji"]
    report = services.report_draft(official=yanji, directive_code=DIRECTIVE, period="1963-09")
    offered = [pk for pk, _label in flag_choices(official=yanji, report=report)]
    assert offered == [flags["yanji"].pk]
    client.force_login(yanji)
    page = client.get(reverse("report_detail", kwargs={"report_id": report.pk})).content.decode()
    assert 'data-testid="flag-choices"' in page
    # A sibling county's flag is not a choice on the page.
    response = edit(client, report, flags=[flags["tumen"].pk])
    assert response.status_code == 400
    response = edit(client, report, flags=[flags["yanji"].pk], cases=flags["cases"]["10"].number)
    assert response.status_code == 302
    report.refresh_from_db()
    assert list(report.linked_flags.all()) == [flags["yanji"]]
    event = AuditEvent.objects.filter(action="report.updated").get()
    assert event.payload["flags"] == [flags["yanji"].pk]
    page = client.get(reverse("report_detail", kwargs={"report_id": report.pk})).content.decode()
    assert 'data-testid="linked-flags"' in page
    # The ground reads as the pack's label in the reader's language (Chinese here), not its code.
    with translation.override("zh-hans"):
        ground = key_label("identity_unverified")
    assert ground != "identity_unverified"
    assert f"{flags['cases']['10'].number} · {ground} · 1963-09-22" in page


@pytest.mark.parametrize("whose", ["tumen", "liaoning"])
def test_the_service_refuses_a_flag_outside_the_jurisdiction_like_a_missing_one(
    analysts, flags, whose
):
    yanji = analysts["yanji"]
    report = services.report_draft(official=yanji, directive_code=DIRECTIVE, period="1963-09")
    messages = []
    for pk in (flags[whose].pk, 2_000_000_000):
        with pytest.raises(ValidationError) as error:
            services.report_update(
                official=yanji,
                report_id=report.pk,
                version=report.version,
                issues_text="x",
                flag_ids=[pk],
            )
        messages.append(error.value.message_dict["flags"][0].replace(str(pk), "N"))
    assert messages[0] == messages[1] == "flags: there is no flag N in this jurisdiction."
    assert not report.linked_flags.exists()


def test_submission_freezes_the_links_and_the_pdf_shows_them(client, analysts, flags):
    from tumen.reports.tests.test_pdf import text_of

    yanji = analysts["yanji"]
    report = services.report_draft(official=yanji, directive_code=DIRECTIVE, period="1963-09")
    case = flags["cases"]["10"]
    report = services.report_update(
        official=yanji,
        report_id=report.pk,
        version=report.version,
        issues_text="Identity checks lag.",
        case_numbers=[case.number],
        flag_ids=[flags["yanji"].pk],
    )
    report = services.report_submit(official=yanji, report_id=report.pk, version=report.version)
    frozen = report_links(report)
    assert frozen == [
        {
            "kind": "case",
            "number": case.number,
            "case_type": "relocation",
            "status": "in_clearance",
        },
        {
            "kind": "flag",
            "id": flags["yanji"].pk,
            "case": case.number,
            "ground": "identity_unverified",
            "clause_id": "cc1963.4",
            "raised_on": "1963-09-22",
        },
    ]
    Case.objects.filter(pk=case.pk).update(status="withdrawn")
    ExistingIssue.objects.filter(pk=flags["yanji"].pk).update(ground="not_a_national")
    report.refresh_from_db()
    assert report_links(report) == frozen
    client.force_login(yanji)
    pdf = client.get(
        reverse("report_pdf", kwargs={"report_id": report.pk}), HTTP_ACCEPT_LANGUAGE="en"
    )
    text = text_of(pdf.content)
    assert f"{case.number} · In clearance" in text
    with translation.override("en"):
        assert f"{key_label('identity_unverified')} · 1963-09-22" in text
    assert "identity_unverified" not in text
