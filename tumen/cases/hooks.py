"""Work that apps above `cases` do inside a case's own transactions, registered by them.

Cases imports none of those apps: the travel-authorization app registers `on_approved` (and a
link on the case page) from its AppConfig.ready(), and `case_decide` runs every registered
function in its transaction, after the decision is recorded, so that an approval and its
documents commit or fail together.
"""

from __future__ import annotations

from collections.abc import Callable

from tumen.cases.models import Case
from tumen.org.models import Official

ApprovedHook = Callable[..., None]
_ON_APPROVED: list[ApprovedHook] = []


def on_approved(function: ApprovedHook) -> ApprovedHook:
    """Register `function(official=…, case=…)`; registering the same function twice is a no-op."""
    if function not in _ON_APPROVED:
        _ON_APPROVED.append(function)
    return function


def run_approved(*, official: Official, case: Case) -> None:
    """Called by case_decide with the case locked, once members have been approved."""
    for function in _ON_APPROVED:
        function(official=official, case=case)


# Links other apps add to the case page: function(official, case) -> [(label, url, testid)].
CaseLinks = Callable[..., list[tuple[str, str, str]]]
_CASE_LINKS: list[CaseLinks] = []


def case_link(function: CaseLinks) -> CaseLinks:
    if function not in _CASE_LINKS:
        _CASE_LINKS.append(function)
    return function


def case_links(official: Official, case: Case) -> list[tuple[str, str, str]]:
    return [link for function in _CASE_LINKS for link in function(official=official, case=case)]
