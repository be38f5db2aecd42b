"""Travel-authorization figures and the steps the system passes through, from a known history
walked through the services on a fixed clock (docs/reports.md, "Travel authorizations")."""

from __future__ import annotations

import pytest

from tumen.authorizations import services as documents
from tumen.authorizations.models import Authorization
from tumen.authorizations.tests import conftest as authorizations
from tumen.cases.tests import conftest as cases
from tumen.org.models import Jurisdiction
from tumen.reports import selectors
from tumen.reports.figures import derive, subtree_ids, tally_for
from tumen.reports.tests.conftest import DIRECTIVE
from tumen.reports.tests.histories import at as at_1963
from tumen.reports.tests.test_tally import assert_triggers_agree_with_rebuild

pytestmark = pytest.mark.django_db

household, officer, register, relate = cases.household, cases.officer, cases.register, cases.relate
kim, approve, checkpoint_officer = (
    authorizations.kim,
    authorizations.approve,
    authorizations.checkpoint_officer,
)


def at(month: int, day: int, hour: int = 9, minute: int = 0):
    # 1964: after the application date the case tests' details carry.
    return at_1963(month, day, hour, minute, year=1964)


def figures(code: str, period: str, as_of):
    ids = subtree_ids(Jurisdiction.objects.get(code=code))
    return derive(tally_for(ids, period, as_of=as_of))


@pytest.fixture
def history(clock, approve, household, kim, register, relate, yanji_approver, checkpoint_officer):
    """1964. June: Kim's case and Lee's are approved (one document each, valid 90 days, to 1 and 2
    September); Lee's is revoked. September: a household of three is approved on the 2nd, one of
    its documents is lost and re-issued on the 5th, and all three cross on the 10th."""
    lee = register()
    relate(lee, "social_relation_korea")
    clock.set(at(6, 3, 9))
    kim_case = approve([kim])
    clock.set(at(6, 4, 9))
    lee_case = approve([lee])
    clock.set(at(6, 10, 9))
    documents.authorization_revoke(
        official=yanji_approver,
        number=Authorization.objects.get(case=lee_case).number,
        reason="left the county",
    )
    clock.set(at(9, 2, 9))
    family = approve(household)
    clock.set(at(9, 5, 9))
    lost = Authorization.objects.filter(case=family).order_by("number").first()
    documents.authorization_reissue(official=yanji_approver, number=lost.number, reason="lost")

    def cross():
        clock.set(at(9, 10, 12))
        for document in Authorization.objects.filter(case=family, status="valid"):
            verdict = documents.crossing_record(
                official=checkpoint_officer, point_code="tumen-namyang", text=document.payload
            )
            assert verdict.recorded

    return {"kim": kim_case, "lee": lee_case, "family": family, "cross": cross}


def test_issued_used_expired_unused_and_departures_in_the_month(history):
    history["cross"]()
    september = figures("yanbian", "1964-09", at(10, 5, 12))
    # Three documents for the household and the re-issued one.
    assert september["authorizations_issued"] == 4
    # The household's three current documents crossed; the superseded one never will.
    assert september["authorizations_used"] == 3
    assert september["departures"] == 1
    # Kim's ran out on 1 September unused; Lee's was revoked, so it is not "expired unused".
    assert september["authorizations_expired_unused"] == 1
    june = figures("jilin", "1964-06", at(10, 5, 12))
    assert (june["authorizations_issued"], june["authorizations_used"]) == (2, 0)
    assert (june["authorizations_expired_unused"], june["departures"]) == (0, 0)
    # Another province's figures hold none of it.
    assert figures("liaoning", "1964-09", at(10, 5, 12))["authorizations_issued"] == 0
    assert_triggers_agree_with_rebuild()


def test_a_document_counts_as_expired_unused_from_the_day_after_its_last_valid_day(history):
    assert figures("yanji", "1964-09", at(9, 1, 23))["authorizations_expired_unused"] == 0
    assert figures("yanji", "1964-09", at(9, 2, 0, 30))["authorizations_expired_unused"] == 1
    # Lee's document expired on 2 September too, but it had been revoked.
    assert figures("yanji", "1964-09", at(9, 3, 12))["authorizations_expired_unused"] == 1


def test_steps_the_system_passes_through_are_not_counted_and_decided_statuses(history):
    history["cross"]()
    september = figures("yanji", "1964-09", at(10, 5, 12))
    steps = september["step_days_by_status"]
    # Approval issued the documents and the last crossing closed the case in the same call:
    # "approved", "departed" and "submitted" were passed through, not waited in.
    assert "approved" not in steps
    assert "departed" not in steps
    assert "submitted" not in steps
    # Issued on 2 September at 09:00, every holder across on the 10th at noon: 8 whole days.
    assert steps["authorized"] == {"count": 1, "median": 8, "p90": 8}
    # The decision took no time on the fixed clock, and it is still counted once.
    assert september["processing_days_by_type"] == {
        "relocation": {"count": 1, "median": 0, "p90": 0}
    }
    assert september["cases_opened_by_status"] == {"closed": 1}
    assert (september["cases_opened_decided"], september["cases_opened_departed"]) == (1, 1)
    june = figures("yanji", "1964-06", at(10, 5, 12))
    assert june["cases_opened_by_status"] == {"authorized": 2}
    assert (june["cases_opened_decided"], june["cases_opened_departed"]) == (2, 0)


def test_a_submitted_report_keeps_its_authorization_figures(history, analysts, clock):
    from tumen.reports import services

    clock.set(at(9, 8, 12))
    report = services.report_draft(
        official=analysts["yanji"], directive_code=DIRECTIVE, period="1964-09"
    )
    report = services.report_submit(
        official=analysts["yanji"], report_id=report.pk, version=report.version
    )
    frozen = selectors.report_figures(report)
    assert (frozen["authorizations_issued"], frozen["authorizations_used"]) == (4, 0)
    assert (frozen["authorizations_expired_unused"], frozen["departures"]) == (1, 0)
    history["cross"]()
    report.refresh_from_db()
    assert selectors.report_figures(report) == frozen
    live = figures("yanji", "1964-09", at(10, 5, 12))
    assert (live["authorizations_used"], live["departures"]) == (3, 1)


def test_page_exports_command_and_pdf_carry_the_same_authorization_figures(
    history, analysts, clock, client
):
    import csv
    import io
    import json

    from django.core.management import call_command
    from django.urls import reverse
    from python_calamine import CalamineWorkbook

    from tumen.reports import services
    from tumen.reports.tests.test_pdf import text_of

    history["cross"]()
    clock.set(at(10, 5, 12))
    report = services.report_draft(
        official=analysts["yanji"], directive_code=DIRECTIVE, period="1964-09"
    )
    client.force_login(analysts["yanji"])
    page = client.get(
        reverse("report_detail", kwargs={"report_id": report.pk}), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    for name, value in (
        ("authorizations_issued", 4),
        ("authorizations_used", 3),
        ("authorizations_expired_unused", 1),
        ("departures", 1),
    ):
        assert f'data-testid="figure-{name}">{value}<' in page
    export = reverse("report_export", kwargs={"report_id": report.pk, "fmt": "csv"})
    rows = list(csv.reader(io.StringIO(client.get(export).content.decode())))
    assert ["authorizations_used", "", "", "3"] in rows
    xlsx = reverse("report_export", kwargs={"report_id": report.pk, "fmt": "xlsx"})
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(client.get(xlsx).content))
    rows = sheet.get_sheet_by_index(0).to_python()
    assert ["authorizations_expired_unused", "", "", 1] in rows
    out = io.StringIO()
    call_command("report", "yanji", "--period", "1964-09", stdout=out, stderr=io.StringIO())
    document = json.loads(out.getvalue())["figures"]
    assert (document["authorizations_issued"], document["departures"]) == (4, 1)
    out = io.StringIO()
    call_command("report", "yanji", "--period", "1964-09", "--format", "csv", stdout=out)
    assert "authorizations_expired_unused,,,1" in out.getvalue().splitlines()
    pdf = client.get(
        reverse("report_pdf", kwargs={"report_id": report.pk}), HTTP_ACCEPT_LANGUAGE="en"
    )
    text = text_of(pdf.content)
    assert "Travel authorizations used to cross" in text
