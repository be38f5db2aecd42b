"""What the case pages show: which actions an official is offered, the timeline in words, and
what changed when a form turns out to be stale.

Offering an action here never authorises it: the service checks role, jurisdiction and state
again when the form is posted. These functions only keep officials from being shown buttons that
would be refused, and they read the same tables the services do (tumen.cases.workflow).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from tumen.cases.hooks import case_links
from tumen.cases.models import Case, Clearance, Decision, Status
from tumen.cases.selectors.cases import (
    TimelineEntry,
    changes_since,
    clauses,
    timeline,
    unit_names,
)
from tumen.cases.validation import label
from tumen.cases.workflow import may, refusal
from tumen.lib.policy import CaseType
from tumen.org.access import can_see
from tumen.org.models import Official, UnitKind
from tumen.people.models import Person
from tumen.policy.selectors import case_type_for

# The clearance pages' actions, by the name in their URL, and the move each makes.
CLEARANCE_ACTIONS = {"clear": "grant", "flag": "flag", "resolve": "resolve"}

# What each audit event of a case or clearance means, in words.
EVENT_LABELS = {
    "case.opened": _("Case opened"),
    "case.details_updated": _("Case details changed"),
    "case.member_added": _("Household member added"),
    "case.member_removed": _("Household member removed"),
    "case.submitted": _("Submitted; clearances requested"),
    "clearance.granted": _("Clearance granted"),
    "clearance.flagged": _("Clearance flagged"),
    "clearance.resolved": _("Flag resolved; clearance granted"),
    "clearance.escalated": _("Overdue clearance escalated"),
    "case.decided": _("Decided"),
    "case.withdrawn": _("Case withdrawn"),
    "case.retyped": _("Case re-typed"),
    "person.updated": _("A member's record corrected"),
}


def refusal_of_clearance(official: Official, clearance: Clearance, action: str) -> str | None:
    """Why the official may not take the page `action` on the clearance now: "role", "state"
    or None (tumen.cases.workflow.refusal, by the name in the page's URL)."""
    return refusal(official, clearance, CLEARANCE_ACTIONS[action])


@dataclass
class CaseActions:
    edit: bool = False
    withdraw: bool = False
    discard: bool = False
    decide: bool = False
    # clearance pk -> the actions its page offers this official ("clear", "flag", "resolve")
    clearances: dict[int, list[str]] = field(default_factory=dict)

    @property
    def any(self) -> bool:
        return self.edit or self.withdraw or self.decide


def case_actions(official: Official, case: Case) -> CaseActions:
    clearances = {}
    for clearance in case.clearances.all():
        clearance.case = case
        clearances[clearance.pk] = [
            action
            for action in CLEARANCE_ACTIONS
            if refusal_of_clearance(official, clearance, action) is None
        ]
    return CaseActions(
        edit=may(official, case, "edit"),
        withdraw=may(official, case, "withdraw"),
        discard=may(official, case, "discard"),
        decide=may(official, case, "approve"),
        clearances=clearances,
    )


@dataclass(frozen=True)
class TimelineRow:
    at: datetime.datetime
    what: str
    detail: str
    actor: str
    unit: str
    clause_id: str
    is_status: bool


# Events whose detail names the member they are about.
MEMBER_EVENTS = ("case.member_added", "case.member_removed")


def _event_detail(entry: TimelineEntry, case_type: CaseType, names: dict[int, str]) -> str:
    payload = entry.payload
    parts = []
    if entry.action in MEMBER_EVENTS and payload.get("person") in names:
        parts.append(f"{names[payload['person']]} (P{payload['person']})")
    if payload.get("kind") in UnitKind.values:
        parts.append(str(UnitKind(payload["kind"]).label))
    ground = case_type.grounds.get(payload.get("ground") or "")
    if ground is not None:
        parts.append(label(ground.label))
    if payload.get("outcome"):
        parts.append(str(_outcome_label(payload["outcome"])))
    if payload.get("new_number"):
        parts.append(str(_("new case %(number)s") % {"number": payload["new_number"]}))
    if entry.action == "person.updated":
        parts.append(_corrected_fields(payload))
    return "; ".join(parts)


def _corrected_fields(payload: dict) -> str:
    """Which parts of whose record were corrected: the record id and the fields' names."""
    names = [str(Person._meta.get_field(name).verbose_name) for name in payload.get("fields", ())]
    return f"P{payload.get('person')}: " + ", ".join(names)


def _outcome_label(outcome: str) -> str:
    return Decision.Outcome(outcome).label if outcome in Decision.Outcome.values else outcome


def _reason(reason: str, case_type: CaseType) -> str:
    """A status change's reason: an outcome or a ground is put in words, free text stays."""
    if reason in Decision.Outcome.values:
        return str(Decision.Outcome(reason).label)
    ground = case_type.grounds.get(reason)
    return label(ground.label) if ground is not None else reason


def _status_change(entry: TimelineEntry) -> str:
    to = Status(entry.to_status).label
    if not entry.from_status:
        return _("Status: %(to)s") % {"to": to}
    return _("Status: %(from)s → %(to)s") % {"from": Status(entry.from_status).label, "to": to}


def _row(
    entry: TimelineEntry, case_type: CaseType, units: dict[int, str], names: dict[int, str]
) -> TimelineRow:
    if entry.kind == "transition":
        what, detail = _status_change(entry), _reason(entry.reason, case_type)
        clause = entry.clause_id
    else:
        what = EVENT_LABELS.get(entry.action, entry.action)
        detail = _event_detail(entry, case_type, names)
        clause = entry.payload.get("clause", "") or ""
    return TimelineRow(
        at=entry.at,
        what=str(what),
        detail=detail,
        actor=entry.actor,
        unit=units.get(entry.unit_id, ""),
        clause_id=clause,
        is_status=entry.kind == "transition",
    )


def timeline_rows(entries: list[TimelineEntry], case_type: CaseType) -> list[TimelineRow]:
    units = unit_names(entry.unit_id for entry in entries)
    ids = {e.payload.get("person") for e in entries if e.action in MEMBER_EVENTS}
    persons = Person.objects.filter(pk__in=[pk for pk in ids if isinstance(pk, int)])
    names = {person.pk: person.display_name for person in persons}
    return [_row(entry, case_type, units, names) for entry in entries]


def cited_clause_ids(case: Case, case_type: CaseType) -> set[str]:
    ids = {case_type.clause}
    ids |= {member.clause_id for member in case.members.all()}
    ids |= {clearance.clause_id for clearance in case.clearances.all()}
    ids |= {decision.clause_id for decision in case.decisions.all()}
    return ids


def case_context(official: Official, case: Case) -> dict:
    """Everything the case page shows, in a fixed number of queries."""
    case_type = case_type_for(case)
    decisions = list(case.decisions.all())
    # The board lists the checks in the order the pack names them.
    order = {rule.unit_kind: index for index, rule in enumerate(case_type.clearances)}
    clearances = sorted(case.clearances.all(), key=lambda c: order.get(c.unit_kind, len(order)))
    return {
        "case": case,
        "case_type": case_type,
        "members": list(case.members.all()),
        "clearances": clearances,
        "decision": decisions[-1] if decisions else None,
        "clauses": clauses(cited_clause_ids(case, case_type)),
        "timeline": timeline_rows(timeline(case), case_type),
        "actions": case_actions(official, case),
        # A case opened from another province's note links to it only for those who may see it.
        "foreign_request_visible": bool(case.foreign_request_id)
        and can_see(official, case.foreign_request),
        "links": case_links(official, case),
    }


def stale_context(case: Case, seen_version: int | None) -> dict:
    """The message a stale form is shown again with: what changed since the official looked."""
    case_type = case_type_for(case)
    changes = changes_since(case, seen_version or 0)
    return {
        "stale": {
            "status": case.get_status_display(),
            "changes": timeline_rows(changes, case_type),
        }
    }
