"""The officials' worklists: which queues an official has, how many items await in each, and the
rows of a queue under the worklist's filters (including the name search).

Who has a queue is the workflow's answer (`allowed`); rows are read through `scope`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    F,
    Func,
    IntegerField,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy

from tumen.cases.models import (
    OPEN_STATUSES,
    Case,
    CaseMember,
    Clearance,
    ForeignRequest,
    MemberRole,
    Status,
)
from tumen.cases.selectors.cases import cases_for
from tumen.cases.selectors.clearances import clearances_for_unit
from tumen.cases.workflow import DECIDABLE, allowed
from tumen.lib import clock
from tumen.org.access import may_use_system, scope
from tumen.org.models import Official
from tumen.people.selectors import persons_named

# A draft untouched this long is listed for clean-up: submit it or discard it.
DRAFT_CLEAN_UP_DAYS = 30


@dataclass(frozen=True)
class Queue:
    """One worklist: what awaits officials who may take `action` (none: every official)."""

    key: str
    label: str
    action: str
    # "cases": rows are cases; "clearances": rows are the unit's pending clearances.
    rows: str
    statuses: tuple[str, ...] = ()
    # An open-ended list ("all cases") has no count in the navigation: nothing there awaits anyone.
    counted: bool = True
    # Only cases opened at least this many days ago (drafts left for clean-up).
    older_than_days: int | None = None


QUEUES: tuple[Queue, ...] = (
    Queue("clearances", gettext_lazy("Clearances for your unit"), "grant", "clearances"),
    Queue("decisions", gettext_lazy("Awaiting decision"), "approve", "cases", DECIDABLE),
    Queue("intake", gettext_lazy("Open cases"), "submit", "cases", OPEN_STATUSES),
    Queue("all", gettext_lazy("All cases"), "", "cases", counted=False),
    Queue(
        "old_drafts",
        gettext_lazy("Drafts to clean up"),
        "discard",
        "cases",
        (Status.DRAFT,),
        older_than_days=DRAFT_CLEAN_UP_DAYS,
    ),
)


def queues_for(official: Official) -> list[Queue]:
    """The worklists this official has, the one that awaits them most first."""
    if not may_use_system(official):
        return []
    return [queue for queue in QUEUES if not queue.action or allowed(official, queue.action)]


def queue_named(official: Official, key: str | None) -> Queue | None:
    """The official's queue called `key`, else their first one (None without a unit)."""
    mine = queues_for(official)
    return next((queue for queue in mine if queue.key == key), mine[0] if mine else None)


def handles_foreign_requests(official: Official) -> bool:
    return allowed(official, "register")


def _count(queryset: QuerySet) -> Coalesce:
    # A scalar subquery, so that every count of the navigation comes back in one query.
    counted = queryset.order_by().annotate(
        n=Func(F("pk"), function="COUNT", output_field=IntegerField())
    )
    return Coalesce(Subquery(counted.values("n")[:1]), Value(0))


def _queue_base(official: Official, queue: Queue) -> QuerySet:
    if queue.rows == "clearances":
        return clearances_for_unit(official)
    return _aged(scope(Case.objects.filter(status__in=queue.statuses), official), queue)


def _aged(cases: QuerySet[Case], queue: Queue) -> QuerySet[Case]:
    if queue.older_than_days is None:
        return cases
    return cases.filter(created_at__lt=clock.now() - datetime.timedelta(days=queue.older_than_days))


def navigation_counts(official: Official) -> dict[str, int]:
    """How many items await the official in each counted queue, and unsplit foreign requests.

    One query, whatever the number of queues: each count is a subquery of a single SELECT.
    """
    counts = {
        f"n_{queue.key}": _count(_queue_base(official, queue))
        for queue in queues_for(official)
        if queue.counted
    }
    if handles_foreign_requests(official):
        unsplit = scope(ForeignRequest.objects.filter(split_at__isnull=True), official)
        counts["n_requests"] = _count(unsplit)
    if not counts:
        return {}
    row = Official.objects.filter(pk=official.pk).values(**counts).first() or {}
    return {key.removeprefix("n_"): value for key, value in row.items()}


def _case_ids_named(name: str) -> QuerySet:
    return CaseMember.objects.filter(person__in=persons_named(name)).values("case_id")


def _principals() -> Prefetch:
    principals = CaseMember.objects.filter(role=MemberRole.PRINCIPAL).select_related("person")
    return Prefetch("members", queryset=principals, to_attr="principals")


@dataclass(frozen=True)
class Filters:
    case_type: str | None = None
    status: str | None = None
    county: str | None = None
    overdue: bool = False
    number: str = ""
    name: str = ""


def queue_cases(official: Official, queue: Queue, filters: Filters) -> QuerySet[Case]:
    """The queue's cases, most urgent first, each with `principals` and `is_overdue`."""
    statuses: Iterable[str] | None = [filters.status] if filters.status else queue.statuses
    cases = cases_for(
        official,
        status=statuses or None,
        case_type=filters.case_type,
        county=filters.county,
        overdue=True if filters.overdue else None,
    )
    cases = _aged(cases, queue)
    if filters.number:
        cases = cases.filter(number__icontains=filters.number.strip())
    if filters.name:
        cases = cases.filter(pk__in=_case_ids_named(filters.name))
    return cases.prefetch_related(_principals())


def queue_clearances(
    official: Official, filters: Filters, now: datetime.datetime | None = None
) -> QuerySet[Clearance]:
    """The unit's pending clearances, most urgent first, each case with its `principals`."""
    clearances = clearances_for_unit(official)
    if filters.case_type:
        clearances = clearances.filter(case__case_type=filters.case_type)
    if filters.county:
        clearances = clearances.filter(case__jurisdiction__code=filters.county)
    if filters.overdue:
        clearances = clearances.filter(due_at__lt=now or clock.now())
    if filters.number:
        clearances = clearances.filter(case__number__icontains=filters.number.strip())
    if filters.name:
        clearances = clearances.filter(case_id__in=_case_ids_named(filters.name))
    principals = CaseMember.objects.filter(role=MemberRole.PRINCIPAL).select_related("person")
    return clearances.prefetch_related(
        Prefetch("case__members", queryset=principals, to_attr="principals")
    )
