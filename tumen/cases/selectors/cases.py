"""Reading cases: the official's cases, one case with everything its page shows, its timeline,
what changed since an official last saw it, and the clauses and units a case page names.

Every read goes through the access module (`scope`, `get_for_user`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    CharField,
    F,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models import Case as SqlCase
from django.db.models.functions import Cast

from tumen.audit.models import AuditEvent
from tumen.cases.models import (
    Case,
    CaseMember,
    Clearance,
    Decision,
    Status,
    Transition,
)
from tumen.directives.models import Clause
from tumen.lib import clock
from tumen.org.access import get_for_user, rows_of, scope, values_for_user
from tumen.org.models import Official, WorkUnit

# Statuses in which a deadline runs, so a case in them can be overdue.
RUNNING = (Status.SUBMITTED, Status.IN_CLEARANCE, Status.AWAITING_DECISION, Status.ON_HOLD)


def _overdue(now: datetime.datetime) -> SqlCase:
    return SqlCase(
        When(status__in=RUNNING, decision_due__lt=now, then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def _as_list(value: str | Iterable[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def cases_for(
    official: Official,
    *,
    status: str | Iterable[str] | None = None,
    case_type: str | None = None,
    county: str | None = None,
    overdue: bool | None = None,
    now: datetime.datetime | None = None,
) -> QuerySet[Case]:
    """The official's cases, most urgent first: expedited, then overdue, then due soonest.

    Each case carries `is_overdue`. `county` is a jurisdiction code.
    """
    cases = scope(Case.objects.all(), official).annotate(is_overdue=_overdue(now or clock.now()))
    if status is not None:
        cases = cases.filter(status__in=_as_list(status))
    if case_type is not None:
        cases = cases.filter(case_type=case_type)
    if county is not None:
        cases = cases.filter(jurisdiction__code=county)
    if overdue is not None:
        cases = cases.filter(is_overdue=overdue)
    # The pack's document (kilobytes of JSON) would otherwise ride in every row SQLite sorts;
    # its parsed form comes from policy.selectors' cache by id and hash.
    return (
        cases.select_related("jurisdiction", "intake_unit", "policy_pack")
        .defer("policy_pack__document")
        .order_by("-priority", "-is_overdue", F("decision_due").asc(nulls_last=True), "pk")
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


# The API's lean reads (tumen/cases/api.py): plain values, one query per table, no model
# instances. Keys are the API's field names; a value is the field or the expression it reads.
def _own(*names: str) -> dict:
    return {name: name for name in names}


CASE_SUMMARY_VALUES = {
    **_own("id", "number", "case_type", "status", "priority", "decision_due", "version"),
    "jurisdiction": F("jurisdiction__code"),
}
CASE_VALUES = {
    **CASE_SUMMARY_VALUES,
    **_own("details", "created_at", "submitted_at", "decided_at"),
    "intake_unit": F("intake_unit__code"),
    "policy_pack": F("policy_pack__code"),
    "policy_pack_version": F("policy_pack__version"),
    "foreign_request": F("foreign_request_id"),
    "retyped_from": F("retyped_from__number"),
    "retyped_to": F("retyped_to__number"),
}
MEMBER_VALUES = _own("id", "person_id", "role", "relationship", "outcome", "ground", "clause_id")
CLEARANCE_VALUES = {
    **_own("id", "unit_kind", "status", "ground", "member_id", "note", "clause_id"),
    **_own("due_at", "version"),
    "case": F("case__number"),
    "unit": F("unit__code"),
    "escalated_to": F("escalated_to__code"),
}
DECISION_VALUES = {
    **_own("outcome", "proposed_outcome", "clause_id", "decided_at"),
    "policy_pack": F("policy_pack__code"),
    "policy_pack_version": F("policy_pack__version"),
}


def case_values(official: Official, number: str) -> dict:
    """One case as the API shows it (CaseOut), as plain values in four queries; else the 404.

    The same access check as case_page (get_for_user's scope, the shared 404 and its audited
    denial), without building the case, its members' persons and its clearances' units.
    """
    case = values_for_user(official, Case, CASE_VALUES, number=number)
    case["members"] = rows_of(
        CaseMember.objects.filter(case_id=case["id"]).order_by("-role", "pk"), MEMBER_VALUES
    )
    case["clearances"] = rows_of(
        Clearance.objects.filter(case_id=case["id"]).order_by("unit_kind"), CLEARANCE_VALUES
    )
    case["decisions"] = rows_of(
        Decision.objects.filter(case_id=case["id"]).order_by("decided_at", "pk"), DECISION_VALUES
    )
    return case


def clearance_values(official: Official, clearance_id: int) -> dict:
    """One clearance as the API shows it (ClearanceOut), in one query; else the shared 404."""
    return values_for_user(official, Clearance, CLEARANCE_VALUES, pk=clearance_id)


def case_summaries(cases: QuerySet[Case]) -> list[dict]:
    """The API's list rows (CaseSummary) of `cases`, as plain values."""
    return rows_of(cases, CASE_SUMMARY_VALUES)


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


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime.datetime
    # "transition" (a status change) or "event" (an audit event about the case or a clearance).
    kind: str
    action: str
    actor: str
    unit_id: int | None
    from_status: str = ""
    to_status: str = ""
    reason: str = ""
    clause_id: str = ""
    payload: dict = field(default_factory=dict)


def _transition_entries(case: Case) -> list[TimelineEntry]:
    rows = Transition.objects.filter(case=case).select_related("actor")
    return [
        TimelineEntry(
            at=row.at,
            kind="transition",
            action=f"{row.from_status or '-'}→{row.to_status}",
            actor=row.actor.username if row.actor else "",
            unit_id=row.unit_id,
            from_status=row.from_status,
            to_status=row.to_status,
            reason=row.reason,
            clause_id=row.clause_id,
        )
        for row in rows
    ]


def _member_corrections(case: Case) -> Q:
    """Corrections to the records of the case's members (people.services.person_update)."""
    member_ids = CaseMember.objects.filter(case=case).values_list(
        Cast("person_id", CharField()), flat=True
    )
    return Q(object_type="people.person", object_id__in=member_ids, action="person.updated")


def _about_this_case(event: AuditEvent, case: Case) -> bool:
    # A correction belongs to the timelines of the cases past draft it lists, and to no other.
    if event.object_type != "people.person":
        return True
    return case.pk in event.payload.get("cases", ())


def _event_entries(case: Case) -> list[TimelineEntry]:
    clearance_ids = [str(pk) for pk in case.clearances.values_list("pk", flat=True)]
    about_case = Q(object_type="cases.case", object_id=str(case.pk))
    about_clearances = Q(object_type="cases.clearance", object_id__in=clearance_ids)
    events = AuditEvent.objects.filter(
        about_case | about_clearances | _member_corrections(case)
    ).order_by("seq")
    return [
        TimelineEntry(
            at=event.occurred_at,
            kind="event",
            action=event.action,
            actor=event.actor_username,
            unit_id=event.unit_id,
            payload=event.payload,
        )
        for event in events
        if _about_this_case(event, case)
    ]


def timeline(case: Case) -> list[TimelineEntry]:
    """Status changes and audit events of the case and its clearances, oldest first."""
    entries = _transition_entries(case) + _event_entries(case)
    # A transition and the event of the same service share a moment; the status change first.
    return sorted(entries, key=lambda e: (e.at, e.kind != "transition"))


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
