"""Reads shaped for the officials' pages: worklist queues and their counts, the name search, the
case page and what changed on a case since an official last saw it.

These add to tumen.cases.selectors (which they reuse) and, like them, read only through the
access module: every queryset starts from `scope` or `get_for_user`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F, Func, IntegerField, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy

from tumen.cases.foreign import FOREIGN_ROLES
from tumen.cases.models import (
    OPEN_STATUSES,
    Case,
    CaseMember,
    Clearance,
    Decision,
    ForeignRequest,
    ForeignRequestPerson,
    MemberRole,
)
from tumen.cases.selectors import TimelineEntry, cases_for, clearances_for_unit, timeline
from tumen.cases.workflow import DECIDABLE
from tumen.directives.models import Clause
from tumen.lib import clock
from tumen.org.access import get_for_user, may_use_system, scope
from tumen.org.models import Official, Role, UnitKind, WorkUnit
from tumen.people.models import Person
from tumen.people.selectors import LATIN_KEY, latin_key

# Who may register and split foreign requests, as the foreign-request services check it.
FOREIGN_REQUEST_ROLES = FOREIGN_ROLES


@dataclass(frozen=True)
class Queue:
    """One worklist: what awaits officials holding one of `roles` (none: every official)."""

    key: str
    label: str
    roles: tuple[str, ...]
    # "cases": rows are cases; "clearances": rows are the unit's pending clearances.
    rows: str
    statuses: tuple[str, ...] = ()
    # An open-ended list ("all cases") has no count in the navigation: nothing there awaits anyone.
    counted: bool = True


QUEUES: tuple[Queue, ...] = (
    Queue(
        "clearances",
        gettext_lazy("Clearances for your unit"),
        (Role.CLEARING_OFFICER,),
        "clearances",
    ),
    Queue("decisions", gettext_lazy("Awaiting decision"), (Role.APPROVER,), "cases", DECIDABLE),
    Queue("intake", gettext_lazy("Open cases"), (Role.CLERK,), "cases", OPEN_STATUSES),
    Queue("all", gettext_lazy("All cases"), (), "cases", counted=False),
)


def queues_for(official: Official) -> list[Queue]:
    """The worklists this official has, the one that awaits them most first."""
    if not may_use_system(official):
        return []
    return [queue for queue in QUEUES if not queue.roles or official.has_role(*queue.roles)]


def queue_named(official: Official, key: str | None) -> Queue | None:
    """The official's queue called `key`, else their first one (None without a unit)."""
    mine = queues_for(official)
    return next((queue for queue in mine if queue.key == key), mine[0] if mine else None)


def handles_foreign_requests(official: Official) -> bool:
    return bool(
        may_use_system(official)
        and official.unit.kind == UnitKind.FOREIGN_AFFAIRS
        and official.has_role(*FOREIGN_REQUEST_ROLES)
    )


def _count(queryset: QuerySet) -> Coalesce:
    # A scalar subquery, so that every count of the navigation comes back in one query.
    counted = queryset.order_by().annotate(
        n=Func(F("pk"), function="COUNT", output_field=IntegerField())
    )
    return Coalesce(Subquery(counted.values("n")[:1]), Value(0))


def _queue_base(official: Official, queue: Queue) -> QuerySet:
    if queue.rows == "clearances":
        return clearances_for_unit(official)
    return scope(Case.objects.filter(status__in=queue.statuses), official)


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


def persons_named(name: str) -> QuerySet[Person]:
    """Persons whose name in any script starts with `name` (Latin: without case or spaces).

    Not scoped on purpose: it is only ever used to narrow a scoped list of cases, so it shows
    nothing of a person beyond the cases the official may see.
    """
    name = name.strip()
    condition = Q(name_hanzi__startswith=name) | Q(name_hangul__startswith=name)
    if latin_key(name):
        condition |= Q(latin_key__startswith=latin_key(name))
    return Person.objects.annotate(latin_key=LATIN_KEY).filter(condition)


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


def case_page(official: Official, number: str) -> Case:
    """One case with everything its page shows, in a fixed number of queries; else the 404."""
    clearances = Clearance.objects.select_related(
        "unit", "escalated_to", "member__person", "acted_by"
    ).order_by("unit_kind")
    cases = Case.objects.select_related(
        "jurisdiction",
        "intake_unit",
        "policy_pack",
        "foreign_request",
        "retyped_from",
        "retyped_to",
    ).prefetch_related(
        Prefetch("members", CaseMember.objects.select_related("person__residence")),
        Prefetch("clearances", clearances),
        Prefetch(
            "decisions",
            Decision.objects.select_related("decided_by", "policy_pack").order_by(
                "decided_at", "pk"
            ),
        ),
    )
    return get_for_user(official, cases, number=number)


def clearance_of_case(official: Official, number: str, kind: str) -> Clearance:
    """The clearance of kind `kind` on case `number`, if the official may see it; else the 404."""
    clearances = Clearance.objects.select_related(
        "case__policy_pack", "case__jurisdiction", "unit", "escalated_to", "member__person"
    )
    return get_for_user(official, clearances, case__number=number, unit_kind=kind)


def clauses(ids: Iterable[str]) -> dict[str, Clause]:
    """The clauses cited, by clause id, in one query.

    Not scoped: a clause is the published text of a directive, and the page shows only those a
    case the official may see cites.
    """
    wanted = {clause_id for clause_id in ids if clause_id}
    if not wanted:
        return {}
    return {c.clause_id: c for c in Clause.objects.filter(clause_id__in=wanted)}


def unit_names(ids: Iterable[int | None]) -> dict[int, str]:
    """Names of the units that acted on a case, in one query.

    Not scoped: the offices that handled a case the official may see (often above them, after an
    escalation) are part of that case's record.
    """
    wanted = {pk for pk in ids if pk}
    if not wanted:
        return {}
    return {unit.pk: unit.name for unit in WorkUnit.objects.filter(pk__in=wanted)}


def _case_version(entry: TimelineEntry) -> int:
    payload = entry.payload
    return int(payload.get("case_version", payload.get("version", 0)) or 0)


def changes_since(case: Case, seen_version: int) -> list[TimelineEntry]:
    """What was done to the case after the official read it at `seen_version`, oldest first.

    Every audit event about a case or its clearances records the case version it left behind.
    """
    return [
        entry
        for entry in timeline(case)
        if entry.kind == "event" and _case_version(entry) > seen_version
    ]


def foreign_requests_for(official: Official) -> QuerySet[ForeignRequest]:
    return (
        scope(ForeignRequest.objects.all(), official)
        .select_related("registered_by")
        .prefetch_related("persons", "cases")
        .order_by("-received_on", "-pk")
    )


def foreign_request_page(official: Official, request_id: int) -> ForeignRequest:
    """One foreign request with its persons and cases; else the access module's 404."""
    requests = ForeignRequest.objects.select_related(
        "registered_by", "jurisdiction"
    ).prefetch_related(
        Prefetch(
            "persons",
            ForeignRequestPerson.objects.select_related("person__residence").order_by(
                "household", "-is_principal", "pk"
            ),
        ),
        Prefetch("cases", Case.objects.select_related("jurisdiction").order_by("number")),
    )
    return get_for_user(official, requests, pk=request_id)
