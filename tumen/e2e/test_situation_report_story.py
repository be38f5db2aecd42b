"""A month's situation report goes up the line, through the pages alone.

Yanji submits; Yanbian returns it with a comment; Yanji corrects and resubmits; Yanbian accepts
it and consolidates it into its own report, which it submits; Jilin accepts that, consolidates
and submits to the Northeast Bureau, which sees that Liaoning has not reported.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from tumen.e2e.steps import click_and_wait, tagged
from tumen.reports.figures import previous_period

pytestmark = pytest.mark.e2e


@pytest.fixture
def line(make_official):
    units = {
        "yanji": "yanji-office",
        "yanbian": "yanbian-committee",
        "jilin": "jilin-committee",
        "ne": "ne-committee",
    }
    return {
        name: make_official(f"t.{name}.analyst", unit, "analyst") for name, unit in units.items()
    }


def start_report(desk, period: str, shot: str) -> None:
    """From the home page to the reports page, and start the month's report."""
    desk.go("/")
    click_and_wait(desk, tagged("reports-link"))
    desk.shot(shot)
    click_and_wait(desk, tagged(f"start-{period}"))


def open_review(desk) -> None:
    desk.go("/reports/")
    click_and_wait(desk, f"{tagged('reports-to-review')} a")


def child_row(desk, code: str):
    return desk.page.locator(tagged(f"child-{code}"))


def test_a_report_goes_up_from_yanji_to_the_northeast_bureau(desks, line):
    period = previous_period(timezone.localdate())

    yanji = desks("ko")
    yanji.sign_in(line["yanji"].username)
    start_report(yanji, period, "50-yanji-reports")
    yanji.page.locator("#id_issues_text").fill("변방에서 신분 확인 한 건을 표시하였다.")
    click_and_wait(yanji, tagged("save"))
    click_and_wait(yanji, tagged("submit"))
    yanji.shot("51-yanji-submitted")
    assert yanji.page.locator(tagged("submit")).count() == 0

    yanbian = desks("zh-hans")
    yanbian.sign_in(line["yanbian"].username)
    open_review(yanbian)
    yanbian.page.locator("#id_comment").fill("请写明被标记的案件编号。")
    click_and_wait(yanbian, tagged("return"))
    yanbian.shot("52-yanbian-returned")

    yanji.go("/")
    click_and_wait(yanji, f"{tagged('reports-owed')} a")
    assert "请写明被标记的案件编号" in yanji.page.locator(tagged("return-comment")).inner_text()
    yanji.page.locator("#id_issues_text").fill(
        "변방에서 신분 확인 한 건을 표시하였다. 사건 번호는 없다."
    )
    click_and_wait(yanji, tagged("save"))
    click_and_wait(yanji, tagged("submit"))

    open_review(yanbian)
    click_and_wait(yanbian, tagged("accept"))
    start_report(yanbian, period, "53-yanbian-reports")
    assert child_row(yanbian, "yanji").locator(tagged("consolidated")).count() == 1
    assert child_row(yanbian, "tumen").locator(tagged("not-reported")).count() == 1
    yanbian.shot("54-yanbian-consolidated")
    click_and_wait(yanbian, tagged("submit"))

    jilin = desks("en")
    jilin.sign_in(line["jilin"].username)
    open_review(jilin)
    click_and_wait(jilin, tagged("accept"))
    start_report(jilin, period, "55-jilin-reports")
    assert child_row(jilin, "yanbian").locator(tagged("consolidated")).count() == 1
    click_and_wait(jilin, tagged("submit"))
    jilin.shot("56-jilin-submitted")

    bureau = desks("zh-hans")
    bureau.sign_in(line["ne"].username)
    open_review(bureau)
    assert bureau.page.locator(tagged("children")).count() == 1
    click_and_wait(bureau, tagged("accept"))
    start_report(bureau, period, "57-bureau-reports")
    assert child_row(bureau, "jilin").locator(tagged("consolidated")).count() == 1
    assert child_row(bureau, "liaoning").locator(tagged("not-reported")).count() == 1
    assert child_row(bureau, "heilongjiang").locator(tagged("not-reported")).count() == 1
    bureau.shot("58-bureau-sees-liaoning-missing")
