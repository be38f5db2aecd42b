"""Template helpers for the case pages: deadlines in words, pack labels, status tags."""

from __future__ import annotations

import datetime

from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from tumen.cases.forms import RELATIONSHIPS
from tumen.cases.models import OPEN_STATUSES, Case, ClearanceStatus, Decision, Status
from tumen.cases.validation import label
from tumen.lib import clock
from tumen.policy.selectors import case_type_of

register = template.Library()

# Tag colours by status: what is settled well is green, what waits on someone is yellow or blue,
# what went against the applicant or left the process is red or grey.
STATUS_TAGS = {
    Status.DRAFT: "grey",
    Status.SUBMITTED: "blue",
    Status.IN_CLEARANCE: "blue",
    Status.AWAITING_DECISION: "yellow",
    Status.ON_HOLD: "orange",
    Status.APPROVED: "green",
    Status.AUTHORIZED: "green",
    Status.DEPARTED: "green",
    Status.CLOSED: "grey",
    Status.REFUSED: "red",
    Status.WITHDRAWN: "grey",
    Status.RETYPED: "grey",
    ClearanceStatus.PENDING: "yellow",
    ClearanceStatus.CLEARED: "green",
    ClearanceStatus.FLAGGED: "red",
    ClearanceStatus.CANCELLED: "grey",
    "partly_approved": "orange",
    "on_hold": "orange",
    "refused": "red",
    "approved": "green",
}


def deadline_text(due: datetime.datetime | None, now: datetime.datetime | None = None) -> str:
    """'3 days left', 'Due today' or '2 days overdue', counted in calendar days where you are."""
    if due is None:
        return ""
    today = timezone.localdate(now or clock.now())
    days = (timezone.localdate(due) - today).days
    if days > 0:
        return ngettext("%(days)d day left", "%(days)d days left", days) % {"days": days}
    if days == 0:
        return _("Due today")
    return ngettext("%(days)d day overdue", "%(days)d days overdue", -days) % {"days": -days}


@register.filter
def deadline(due: datetime.datetime | None) -> str:
    return deadline_text(due)


@register.filter
def detail_value(value: str, rule) -> str:
    """A case detail as the page's language writes it: a date field's ISO text as a date."""
    if value and getattr(rule, "kind", "") == "date":
        try:
            return formats.date_format(datetime.date.fromisoformat(value))
        except ValueError:
            return value
    return value or "–"


@register.filter
def counts_down(case: Case) -> bool:
    """Whether a deadline runs for the case: not for a draft, nor once it is closed."""
    return case.status in OPEN_STATUSES and case.status != Status.DRAFT


@register.filter
def is_past(due: datetime.datetime | None) -> bool:
    return due is not None and due < clock.now()


@register.filter
def pack_label(text: dict | None) -> str:
    """A label of the policy pack ({zh, ko, en}) in the active language."""
    return label(text) if text else ""


@register.filter
def case_type_title(case: Case) -> str:
    """The case type's title as the pack version the case is bound to names it."""
    try:
        return label(case_type_of(case.policy_pack, case.case_type).title)
    except KeyError:
        return case.case_type


@register.filter
def tag_colour(status: str) -> str:
    return STATUS_TAGS.get(status, "grey")


@register.filter
def lookup(mapping: dict, key):
    """mapping[key], or None: for dictionaries keyed by ids in the page's context."""
    return mapping.get(key) if mapping else None


@register.filter
def relationship(code: str) -> str:
    """A household member's relationship to the principal, in words."""
    return str(RELATIONSHIPS.get(code, code))


PROPOSED = {
    "withdraw": _lazy("Withdraw the case"),
    "retype": _lazy("Re-type the case"),
}


@register.filter
def outcome_label(outcome: str) -> str:
    """An outcome a decision or a proposal names, in words."""
    if outcome in Decision.Outcome.values:
        return str(Decision.Outcome(outcome).label)
    return str(PROPOSED.get(outcome, outcome))
