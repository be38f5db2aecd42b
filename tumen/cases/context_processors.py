"""The navigation: the official's worklists with how many items await them in each."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from tumen.cases.selectors.worklists import (
    handles_foreign_requests,
    navigation_counts,
    queues_for,
)
from tumen.cases.workflow import allowed
from tumen.org.access import may_use_system


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url: str
    count: int | None = None


@dataclass(frozen=True)
class Navigation:
    queues: list[NavItem]
    may_open_cases: bool
    requests: NavItem | None


def _navigation(request: HttpRequest) -> Navigation:
    user = request.user
    if not may_use_system(user):
        return Navigation([], False, None)
    # A page that counted already (the home page's "Your work") leaves its counts on the request.
    counts = getattr(request, "navigation_counts", None)
    if counts is None:
        counts = navigation_counts(user)
    worklist = reverse("case_list")
    queues = [
        NavItem(queue.key, str(queue.label), f"{worklist}?queue={queue.key}", counts.get(queue.key))
        for queue in queues_for(user)
    ]
    requests = None
    if handles_foreign_requests(user):
        requests = NavItem(
            "requests", _("Foreign requests"), reverse("foreign_request_list"), counts["requests"]
        )
    may_open = allowed(user, "open")
    return Navigation(queues, may_open, requests)


def navigation(request: HttpRequest) -> dict:
    """`nav`, computed only if a template uses it (error pages do not), in one query."""
    return {"nav": SimpleLazyObject(lambda: _navigation(request))}
