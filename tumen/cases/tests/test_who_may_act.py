"""Every move × role × own/other jurisdiction: the page offers exactly what the service accepts.

For each state a case can be acted on in, each official of the cast (each role, in the case's own
county, above it, and in another province) reads the case page as a browser would; each button it
shows is a move. Then each move is tried through its service, inside a transaction that is rolled
back, so that every official tries every move on the same case. The two sets must be equal: a
button the service refuses, or a move the service allows without a button, fails the test.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404

from tumen.cases import services
from tumen.cases.models import Clearance

from .conftest import RELOCATION_DETAILS, clearance, grant_all, open_case, submit
from .viewkit import Desk, text

KINDS = ("public_security", "foreign_affairs", "border_defence", "customs")
# (unit, roles): the county's own offices, offices above it, and another province's.
CAST = (
    ("yanji-office", "clerk"),
    ("yanji-office", "approver"),
    ("yanji-office", "analyst"),
    ("yanji-security", "clearing_officer"),
    ("yanji-border", "clearing_officer"),
    ("yanji-foreign", "clearing_officer"),
    ("yanji-customs", "clearing_officer"),
    ("jilin-security", "clearing_officer"),
    ("kuandian-office", "clerk"),
    ("kuandian-office", "approver"),
    ("liaoning-security", "clearing_officer"),
)


class _Accepted(Exception):
    pass


def _accepts(call) -> bool:
    try:
        with transaction.atomic():
            call()
            raise _Accepted
    except _Accepted:
        return True
    except (PermissionDenied, Http404, ValidationError, services.StaleVersion):
        return False


def _service_moves(official, case) -> set[str]:
    case.refresh_from_db()
    calls = {
        "action-continue": lambda: services.case_submit(
            official=official, case_id=case.pk, version=case.version
        ),
        "action-decide": lambda: services.case_decide(
            official=official, case_id=case.pk, version=case.version
        ),
        "action-withdraw": lambda: services.case_withdraw(
            official=official, case_id=case.pk, version=case.version, reason="Applicant asked."
        ),
    }
    for item in Clearance.objects.filter(case=case):
        pk, version = item.pk, item.version
        calls[f"clear-{item.unit_kind}"] = lambda pk=pk, v=version: services.clearance_grant(
            official=official, clearance_id=pk, version=v
        )
        calls[f"flag-{item.unit_kind}"] = lambda pk=pk, v=version: services.clearance_flag(
            official=official,
            clearance_id=pk,
            version=v,
            ground="identity_unverified",
            note="Seen.",
        )
        calls[f"resolve-{item.unit_kind}"] = lambda pk=pk, v=version: services.clearance_resolve(
            official=official, clearance_id=pk, version=v, note="Settled."
        )
    return {move for move, call in calls.items() if _accepts(call)}


def _page_moves(client, official, case) -> set[str]:
    response = Desk(client, official).get(f"/cases/{case.number}/")
    if response.status_code == 404:
        return set()
    assert response.status_code == 200
    page = text(response)
    shown = {"action-continue", "action-decide", "action-withdraw"}
    shown |= {f"{move}-{kind}" for move in ("clear", "flag", "resolve") for kind in KINDS}
    return {testid for testid in shown if f'data-testid="{testid}"' in page}


def _draft(clerk, household):
    return open_case(clerk, "relocation", household, RELOCATION_DETAILS)


def _in_clearance(clerk, household):
    return submit(clerk, _draft(clerk, household))


def _flagged(clerk, household, officer):
    case = _in_clearance(clerk, household)
    border = clearance(case, "border_defence")
    services.clearance_flag(
        official=officer("yanji-border"),
        clearance_id=border.pk,
        version=border.version,
        ground="identity_unverified",
        note="Photo does not match.",
    )
    return case


def _awaiting_decision(clerk, household, officer):
    case = _in_clearance(clerk, household)
    grant_all(case, officer)
    return case


STATES = {
    "draft": lambda clerk, household, officer: _draft(clerk, household),
    "in_clearance": lambda clerk, household, officer: _in_clearance(clerk, household),
    "flagged": _flagged,
    "awaiting_decision": _awaiting_decision,
}


@pytest.mark.slow
@pytest.mark.parametrize("state", STATES)
def test_the_page_offers_exactly_what_the_service_accepts(
    client, state, yanji_clerk, household, officer
):
    case = STATES[state](yanji_clerk, household, officer)
    offered_by_someone = set()
    for unit, role in CAST:
        official = officer(unit, role)
        on_page = _page_moves(client, official, case)
        accepted = _service_moves(official, case)
        assert on_page == accepted, (state, unit, role, on_page ^ accepted)
        offered_by_someone |= on_page
    # The walk is not vacuous: in every state somebody may do something, and the right thing.
    expected = {
        "draft": {"action-continue", "action-withdraw"},
        "in_clearance": {
            "action-withdraw",
            *(f"{m}-{k}" for m in ("clear", "flag") for k in KINDS),
        },
        "flagged": {"action-withdraw", "resolve-border_defence"},
        "awaiting_decision": {"action-decide", "action-withdraw"},
    }[state]
    assert expected <= offered_by_someone, expected - offered_by_someone
