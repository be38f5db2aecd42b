"""The worklist: what awaits each official, filtered, searched and paged, in bounded queries."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tumen.cases.templatetags.tumen_cases import deadline_text

from .conftest import RELOCATION_DETAILS, grant_all, open_case, submit
from .viewkit import Desk, form, text

DAY = datetime.timedelta(days=1)


@pytest.fixture
def cases(yanji_clerk, register, relate):
    """A Yanji draft, a submitted relocation and a submitted (expedited) family travel."""
    draft = open_case(yanji_clerk, "relocation", [register(name_hanzi="崔明")])
    relocation = submit(
        yanji_clerk,
        open_case(yanji_clerk, "relocation", [register(name_hanzi="金顺姬")], RELOCATION_DETAILS),
    )
    person = register(name_hanzi="朴哲", name_latin="Pak Chol")
    relate(person, "officer_family", "Ri Chol")
    travel = submit(
        yanji_clerk,
        open_case(
            yanji_clerk,
            "family_travel",
            [person],
            {"officer_name": "Ri Chol", "request_reference": "N-1"},
        ),
    )
    return {"draft": draft, "relocation": relocation, "travel": travel}


def numbers_in(page: str, *cases) -> list[int]:
    return [page.index(case.number) for case in cases]


def test_a_clerk_sees_the_countys_open_cases_expedited_first(client, yanji_clerk, cases):
    page = text(Desk(client, yanji_clerk).get("/cases/"))

    assert '<h1 class="heading-l">Open cases</h1>' in page
    positions = numbers_in(page, cases["travel"], cases["relocation"], cases["draft"])
    assert positions == sorted(positions)
    assert "Expedited" in page
    assert "金顺姬" in page
    assert "3 cases." in page


def test_a_clearing_officer_sees_the_units_pending_clearances(client, officer, cases):
    page = text(Desk(client, officer("yanji-customs")).get("/cases/"))

    assert "Clearances for your unit" in page
    assert cases["relocation"].number in page
    assert cases["draft"].number not in page
    assert "2 clearances await your unit." in page


def test_an_approver_sees_what_awaits_a_decision(client, yanji_approver, officer, cases):
    grant_all(cases["relocation"], officer)
    page = text(Desk(client, yanji_approver).get("/cases/"))

    assert "Awaiting decision" in page
    assert cases["relocation"].number in page
    assert cases["travel"].number not in page


def test_an_analyst_sees_every_case_and_acts_on_none(client, make_official, cases):
    analyst = make_official("t.jilin.analyst", "jilin-committee", "analyst")
    desk = Desk(client, analyst)
    page = text(desk.get("/cases/"))

    assert "All cases" in page
    for case in cases.values():
        assert case.number in page
    detail = text(desk.get(f"/cases/{cases['relocation'].number}/"))
    assert 'data-testid="case-actions"' not in detail
    assert "/clearances/" not in detail


def test_the_navigation_counts_what_awaits_in_each_queue(client, make_official, cases):
    both = make_official("t.yanji.both", "yanji-office", "clerk", "approver")
    page = text(Desk(client, both).get("/"))

    assert 'data-testid="nav-intake"' in page
    assert 'Open cases <span class="count">3</span>' in page
    assert 'Awaiting decision <span class="count">0</span>' in page
    assert 'data-testid="nav-new-case"' in page
    assert 'data-testid="nav-directives"' in page


def test_filters_narrow_the_list(client, make_official, yanji_clerk, cases):
    desk = Desk(client, yanji_clerk)

    by_type = text(desk.get("/cases/", {"case_type": "family_travel"}))
    assert cases["travel"].number in by_type
    assert cases["relocation"].number not in by_type
    by_status = text(desk.get("/cases/", {"status": "draft"}))
    assert cases["draft"].number in by_status
    assert cases["travel"].number not in by_status
    by_number = text(desk.get("/cases/", {"number": cases["relocation"].number[-6:]}))
    assert cases["relocation"].number in by_number
    assert cases["draft"].number not in by_number
    # A filter value that is not offered is ignored rather than an error.
    assert desk.get("/cases/", {"status": "nonsense"}).status_code == 200
    assert "3 cases." in text(desk.get("/cases/", {"county": "tumen"}))
    province = Desk(client, make_official("t.jilin.analyst", "jilin-committee", "analyst"))
    assert "0 cases." in text(province.get("/cases/", {"county": "tumen"}))
    assert "3 cases." in text(province.get("/cases/", {"county": "yanji"}))


def test_overdue_cases_come_first_and_say_by_how_much(client, yanji_clerk, cases):
    relocation = cases["relocation"]
    relocation.decision_due = timezone.now() - 3 * DAY
    relocation.save(update_fields=["decision_due"])
    desk = Desk(client, yanji_clerk)

    page = text(desk.get("/cases/", {"overdue": "on"}))

    assert relocation.number in page
    assert cases["draft"].number not in page
    assert "3 days overdue" in page


def test_deadlines_are_told_in_days():
    now = timezone.now()
    assert deadline_text(now + 3 * DAY, now) == "3 days left"
    assert deadline_text(now + DAY, now) == "1 day left"
    assert deadline_text(now, now) == "Due today"
    assert deadline_text(now - 2 * DAY, now) == "2 days overdue"
    assert deadline_text(None, now) == ""


def test_a_name_search_is_posted_and_the_name_never_appears_in_an_address(
    client, yanji_clerk, cases
):
    """
    GIVEN cases of 金顺姬 and others in Yanji
    WHEN the clerk searches the worklist for 金顺
    THEN the search is a POST, every address it leads to is free of the name, and the list shows
         only her case
    """
    desk = Desk(client, yanji_clerk)
    page = desk.get("/cases/")
    search = form(page, "name-search")
    assert search.attrs["method"] == "post"

    response = desk.submit(page, "name-search", name="金顺")

    assert response.wsgi_request.method == "POST"
    assert response.status_code == 302
    assert "金顺" not in response.url
    assert "%E9%87%91" not in response.url
    shown = desk.get(response.url)
    assert "金顺" not in shown.wsgi_request.get_full_path()
    body = text(shown)
    assert cases["relocation"].number in body
    assert cases["draft"].number not in body
    assert "whose name starts with “金顺”" in body

    cleared = desk.submit(shown, "name-search-active", clear="1")
    assert "金顺" not in cleared.url
    assert cases["draft"].number in text(desk.get(cleared.url))


@pytest.mark.parametrize("name", ["Pak", "pak chol", "朴"])
def test_names_are_found_in_any_script(client, yanji_clerk, cases, name):
    desk = Desk(client, yanji_clerk)
    response = desk.post("/cases/", {"name": name, "queue": "intake"}, follow=True)
    body = text(response)
    assert cases["travel"].number in body
    assert cases["relocation"].number not in body


def test_an_empty_name_search_is_an_error_beside_the_field(client, yanji_clerk, cases):
    response = Desk(client, yanji_clerk).post("/cases/", {"name": " ", "queue": "intake"})
    assert response.status_code == 200
    assert '<a href="#id_name">Enter a name to search for</a>' in text(response)


def test_another_province_sees_none_of_the_cases(client, liaoning_security, cases):
    page = text(Desk(client, liaoning_security).get("/cases/", {"queue": "all"}))
    for case in cases.values():
        assert case.number not in page


def test_the_worklist_pages_by_25_and_keeps_its_filters(client, yanji_clerk, register):
    for _ in range(27):
        open_case(yanji_clerk, "relocation", [register()])
    desk = Desk(client, yanji_clerk)

    first = text(desk.get("/cases/", {"status": "draft"}))
    assert "Page 1 of 2" in first
    assert 'href="?status=draft&amp;page=2"' in first
    second = text(desk.get("/cases/", {"status": "draft", "page": 2}))
    assert second.count('data-testid="worklist-row"') == 2


def test_the_worklist_takes_a_bounded_number_of_queries(
    client, yanji_clerk, officer, register, django_assert_max_num_queries
):
    for index in range(50):
        case = open_case(yanji_clerk, "relocation", [register()], RELOCATION_DETAILS)
        if index % 2:
            submit(yanji_clerk, case)
    for desk_official, queue in [
        (yanji_clerk, "intake"),
        (officer("yanji-security"), "clearances"),
    ]:
        desk = Desk(client, desk_official)
        desk.get("/cases/")  # warm the policy pack cache, as any running server has
        # 10: the page's ids and then its rows are two queries, so that only sort keys are
        # sorted (views.page_by_ids); the count stays independent of the number of cases.
        with django_assert_max_num_queries(10):
            response = desk.get("/cases/", {"queue": queue})
        assert text(response).count('data-testid="worklist-row"') == 25


def test_a_page_of_ids_keeps_the_worklist_order(client, yanji_clerk, register):
    """Rows come back in the queue's order although they are loaded by id."""
    from tumen.cases.models import Case
    from tumen.cases.selectors.cases import cases_for

    for _ in range(30):
        open_case(yanji_clerk, "relocation", [register()], RELOCATION_DETAILS)
    desk = Desk(client, yanji_clerk)
    shown = text(desk.get("/cases/", {"queue": "all"}))
    expected = list(cases_for(yanji_clerk).values_list("number", flat=True)[:25])
    positions = [shown.index(number) for number in expected]
    assert positions == sorted(positions)
    assert Case.objects.count() >= 30
