"""A countdown is shown only where a deadline runs: never on a closed case."""

from __future__ import annotations

from tumen.cases import services

from .conftest import fresh
from .viewkit import Desk, text


def test_an_open_case_counts_down_and_a_withdrawn_one_does_not(
    client, yanji_clerk, submitted_relocation
):
    desk = Desk(client, yanji_clerk)
    page = text(desk.get(f"/cases/{submitted_relocation.number}/"))
    assert "days left" in page

    case = fresh(submitted_relocation)
    services.case_withdraw(
        official=yanji_clerk, case_id=case.pk, version=case.version, reason="They stay."
    )

    page = text(desk.get(f"/cases/{case.number}/"))
    assert "days left" not in page
    assert "overdue" not in page
    assert "Cancelled" in page


def test_a_case_date_detail_is_shown_in_the_pages_language_not_as_iso_text(
    client, yanji_clerk, submitted_relocation
):
    client.cookies["django_language"] = "zh-hans"
    page = text(Desk(client, yanji_clerk).get(f"/cases/{submitted_relocation.number}/"))
    assert "1963年9月2日" in page
    assert "1963-09-02" not in page
