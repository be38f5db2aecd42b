"""What the pages call each figure and each key a figure is grouped by."""

from __future__ import annotations

from django.db import connection
from django.utils.translation import gettext_lazy as _

from tumen.cases.models import Decision, IssueKind, Status
from tumen.cases.validation import label
from tumen.org.models import UnitKind
from tumen.org.reference import TOKEN_SQL, remembered

FIGURES = {
    "cases_opened": _("Cases opened"),
    "cases_opened_by_type": _("Cases opened, by type"),
    "cases_opened_by_status": _("Cases opened, by status now"),
    "cases_opened_by_priority": _("Cases opened, by priority"),
    "cases_opened_decided": _("Cases opened, decided by now"),
    "cases_opened_departed": _("Cases opened, departed by now"),
    "decisions_by_outcome": _("Decisions, by outcome"),
    "decisions_by_clause": _("Decisions, by clause cited"),
    "refusals_by_ground": _("Refusals, by ground"),
    "flags_by_ground": _("Flags, by ground"),
    "flags_by_unit_kind": _("Flags, by kind of unit"),
    "escalations_by_unit_kind": _("Overdue clearances escalated, by kind of unit"),
    "retypings": _("Cases re-typed"),
    "withdrawals": _("Cases withdrawn"),
    "clearances_pending_by_unit_kind": _("Clearances pending, by kind of unit"),
    "clearances_overdue_by_unit_kind": _("Clearances overdue, by kind of unit"),
    "clearances_overdue_by_age": _("Clearances overdue, by days overdue"),
    "processing_days_by_type": _("Processing time in days, by case type"),
    "processing_days_all": _("Processing time in days, all cases"),
    "processing_days_histogram": _("Cases decided, by days taken"),
    "step_days_by_status": _("Days spent in each step"),
    "foreign_requests_received": _("Foreign requests received"),
    "foreign_requests_split": _("Foreign requests split into cases"),
    "authorizations_issued": _("Travel authorizations issued"),
    "authorizations_used": _("Travel authorizations used to cross"),
    "authorizations_expired_unused": _("Travel authorizations expired unused"),
    "departures": _("Cases departed (every holder crossed)"),
    "cases_opened_by_month": _("Cases opened, by month and type"),
    "backlog_by_county": _("Open cases, by county"),
}

PRIORITIES = {"normal": _("Normal"), "high": _("High"), "expedited": _("Expedited")}


def _pack_keys() -> dict[str, dict[str, str]]:
    """Case types' titles and grounds' labels ({zh, ko, en}) by code, from every stored pack,
    the newest version's first: figures group by these codes, and policy is data."""
    from tumen.policy.models import PolicyPack
    from tumen.policy.selectors import pack_of

    labels: dict[str, dict[str, str]] = {}
    for stored in PolicyPack.objects.defer("document").order_by("-active", "-version", "-pk"):
        for case_type in pack_of(stored).case_types.values():
            labels.setdefault(case_type.code, dict(case_type.title))
            for ground in case_type.grounds.values():
                labels.setdefault(ground.code, dict(ground.label))
    return labels


def pack_key_label(key: str) -> str:
    """The label a pack gives a case type or ground code, in the active language; "" if none.

    Remembered while the packs are unchanged (tumen.org.reference)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {TOKEN_SQL}")
        (token,) = cursor.fetchone()
    text = remembered(token, ("report pack labels",), _pack_keys).get(key)
    if not text:
        return ""
    return label(text)


def key_label(key: str) -> str:
    for choices in (Status, Decision.Outcome, UnitKind, IssueKind):
        if key in choices.values:
            return str(choices(key).label)
    if key in PRIORITIES:
        return str(PRIORITIES[key])
    return pack_key_label(key) or key
