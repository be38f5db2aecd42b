"""Work that apps above `cases` do inside a case's own transactions, registered by them.

Cases imports none of those apps: the travel-authorization app registers `on_approved` (and a
link on the case page) from its AppConfig.ready(), and `case_decide` runs every registered
function in its transaction, after the decision is recorded and before the case is saved, so
that an approval and its documents commit or fail together and the case is written once.
"""

from __future__ import annotations

from collections.abc import Callable

from tumen.cases.models import Case
from tumen.org.models import Official

ApprovedHook = Callable[..., None]
_ON_APPROVED: list[ApprovedHook] = []


def on_approved(function: ApprovedHook) -> ApprovedHook:
    """Register `function(official=…, case=…, members=…)`; registering twice is a no-op.

    `members` are the members this decision approved, with their persons. The function may move
    the case on in memory (workflow.transition) and returns the audit events (action, target,
    payload) to append after the decision's own, once the case is saved."""
    if function not in _ON_APPROVED:
        _ON_APPROVED.append(function)
    return function


# Columns other apps need on the case that case_decide locks: name -> an SQL expression over the
# locked case `t`, read in the lock's own statement (access.lock_in_subtree `extra`).
_DECIDE_COLUMNS: dict[str, str] = {}


def decide_column(name: str, sql: str) -> None:
    _DECIDE_COLUMNS[name] = sql


def decide_columns() -> dict[str, str]:
    return dict(_DECIDE_COLUMNS)


def run_approved(*, official: Official, case: Case, members) -> list[tuple]:
    """Called by case_decide with the case locked and not yet saved, once members have been
    approved; returns every hook's audit events, in order."""
    events: list[tuple] = []
    for function in _ON_APPROVED:
        events += function(official=official, case=case, members=members)
    return events


# Links other apps add to the case page: function(official, case) -> [(label, url, testid)].
CaseLinks = Callable[..., list[tuple[str, str, str]]]
_CASE_LINKS: list[CaseLinks] = []


def case_link(function: CaseLinks) -> CaseLinks:
    if function not in _CASE_LINKS:
        _CASE_LINKS.append(function)
    return function


def case_links(official: Official, case: Case) -> list[tuple[str, str, str]]:
    return [link for function in _CASE_LINKS for link in function(official=official, case=case)]
