"""The report's workflow: drafted, frozen on submission, returned, accepted, consolidated."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tumen.audit.models import AuditEvent
from tumen.cases.models import Case
from tumen.reports import selectors, services
from tumen.reports.figures import derive, tally_for
from tumen.reports.models import ReportStatus
from tumen.reports.tests.conftest import DIRECTIVE
from tumen.reports.tests.histories import at, make_case, september_1963

pytestmark = pytest.mark.django_db


def draft(official, period="1963-09"):
    return services.report_draft(official=official, directive_code=DIRECTIVE, period=period)


def submit(official, report):
    report.refresh_from_db()
    return services.report_submit(official=official, report_id=report.pk, version=report.version)


def accept(official, report):
    report.refresh_from_db()
    return services.report_accept(official=official, report_id=report.pk, version=report.version)


@pytest.fixture
def history(make_official):
    return september_1963(make_official("t.yanji.approver", "yanji-office", "approver"))


def test_a_submitted_report_keeps_its_figures_when_cases_change_afterwards(analysts, history):
    report = submit(analysts["yanji"], draft(analysts["yanji"]))
    before = selectors.report_figures(report)
    assert before["cases_opened"] == 5
    make_case("yanji", "relocation", at(9, 15), [])
    Case.objects.filter(number=history["10"].number).update(status="withdrawn")
    report.refresh_from_db()
    assert selectors.report_figures(report) == before
    live = derive(tally_for([report.jurisdiction_id], "1963-09"))
    assert live["cases_opened"] == 6
    assert AuditEvent.objects.filter(action="report.submitted").count() == 1


def test_return_with_a_comment_then_resubmit_then_accept(analysts, history):
    yanji, yanbian = analysts["yanji"], analysts["yanbian"]
    report = submit(yanji, draft(yanji))
    with pytest.raises(ValidationError) as error:
        services.report_return(
            official=yanbian, report_id=report.pk, version=report.version, comment=" "
        )
    assert "comment" in error.value.message_dict
    report = services.report_return(
        official=yanbian,
        report_id=report.pk,
        version=report.version,
        comment="Name the flagged case.",
    )
    assert report.status == ReportStatus.RETURNED
    report = services.report_update(
        official=yanji,
        report_id=report.pk,
        version=report.version,
        issues_text="Border defence flagged one identity.",
        case_numbers=[history["10"].number],
    )
    assert list(report.linked_cases.all()) == [history["10"]]
    report = accept(yanbian, submit(yanji, report))
    assert report.status == ReportStatus.ACCEPTED
    assert report.return_comment == ""


def test_only_the_level_above_reviews_and_a_sibling_never_sees_a_draft(analysts, history):
    report = draft(analysts["yanji"])
    with pytest.raises(Http404):
        selectors.report_for_official(official=analysts["tumen"], report_id=report.pk)
    with pytest.raises(Http404):
        selectors.report_for_official(official=analysts["yanbian"], report_id=report.pk)
    report = submit(analysts["yanji"], report)
    assert selectors.report_for_official(official=analysts["yanbian"], report_id=report.pk)
    with pytest.raises(PermissionDenied):
        accept(analysts["yanji"], report)
    with pytest.raises(PermissionDenied):
        accept(analysts["jilin"], report)
    with pytest.raises(Http404):
        accept(analysts["liaoning"], report)
    assert report.status == ReportStatus.SUBMITTED


def test_a_stale_version_and_an_unknown_case_are_refused_and_change_nothing(analysts, history):
    report = draft(analysts["yanji"])
    with pytest.raises(ValidationError) as error:
        services.report_update(
            official=analysts["yanji"],
            report_id=report.pk,
            version=report.version,
            issues_text="x",
            case_numbers=["NO-SUCH-1", history["3"].number],
        )
    # Case 3 is Tumen's: not in Yanji's report either.
    assert error.value.message_dict["cases"] == [
        "cases: line 1: there is no case NO-SUCH-1 in this jurisdiction.",
        f"cases: line 2: there is no case {history['3'].number} in this jurisdiction.",
    ]
    with pytest.raises(ValidationError, match="version"):
        services.report_submit(official=analysts["yanji"], report_id=report.pk, version=99)
    report.refresh_from_db()
    assert (report.status, report.version, report.issues_text) == ("draft", 1, "")


def test_each_level_adds_its_childrens_accepted_figures_and_names_who_has_not_reported(
    analysts, history
):
    yanji_report = accept(analysts["yanbian"], submit(analysts["yanji"], draft(analysts["yanji"])))
    yanbian = draft(analysts["yanbian"])
    states = {c.jurisdiction.code: c.accepted for c in selectors.children(yanbian)}
    assert states["yanji"] is True
    assert states["tumen"] is False
    # Tumen has not reported: its three September cases are not in Yanbian's figures yet.
    assert selectors.report_figures(yanbian)["cases_opened"] == 5
    yanbian = accept(analysts["jilin"], submit(analysts["yanbian"], yanbian))
    jilin = submit(analysts["jilin"], draft(analysts["jilin"]))
    assert selectors.report_figures(jilin)["processing_days_by_type"]["relocation"] == {
        "count": 3,
        "median": 10,
        "p90": 30,
    }
    assert jilin.consolidated == [yanbian.pk]
    ne = draft(analysts["ne"])
    missing = [c.jurisdiction.code for c in selectors.children(ne) if not c.accepted]
    assert missing == ["heilongjiang", "jilin", "liaoning"]
    assert yanji_report.status == ReportStatus.ACCEPTED


def test_the_worklists_show_what_is_owed_to_review_and_overdue_below(analysts):
    import datetime

    today = datetime.date(1963, 10, 20)
    yanji = selectors.worklist(official=analysts["yanji"], today=today)
    assert [(o.period, o.overdue) for o in yanji.owed] == [("1963-09", True)]
    yanbian = selectors.worklist(official=analysts["yanbian"], today=today)
    late = {o.jurisdiction.code for o in yanbian.overdue_below}
    assert {"yanji", "tumen"} <= late
    report = submit(analysts["yanji"], draft(analysts["yanji"], "1963-09"))
    yanbian = selectors.worklist(official=analysts["yanbian"], today=today)
    assert yanbian.to_review == [report]
    assert "yanji" not in {o.jurisdiction.code for o in yanbian.overdue_below}
    assert selectors.worklist(official=analysts["yanji"], today=today).owed == []


def test_a_refusal_reads_in_the_readers_language_with_the_fields_label(analysts, history):
    """The refusal carries a code and its parameters; the words come when it is read."""
    from django.utils import translation

    from tumen.lib.errors import described

    report = draft(analysts["yanji"])
    with pytest.raises(ValidationError) as error:
        services.report_update(
            official=analysts["yanji"],
            report_id=report.pk,
            version=report.version,
            issues_text="x" * (services.MAX_ISSUES_TEXT + 1),
        )
    (found,) = error.value.error_dict["issues_text"]
    assert (found.code, found.params["limit"]) == ("report_text_too_long", services.MAX_ISSUES_TEXT)
    with translation.override("en"):
        assert described("issues_text", found).startswith("existing issues: At most")
    with translation.override("zh-hans"):
        chinese = described("issues_text", found)
    with translation.override("ko"):
        korean = described("issues_text", found)
    assert chinese.startswith("存在的问题")
    assert "issues_text" not in chinese
    assert korean.startswith("존재하는 문제")
    assert "issues_text" not in korean
