"""What the pages call each figure and each key a figure is grouped by."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tumen.cases.models import Decision, IssueKind, Status
from tumen.org.models import UnitKind
from tumen.reports.charts import case_type_label

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


def key_label(key: str) -> str:
    for choices in (Status, Decision.Outcome, UnitKind, IssueKind):
        if key in choices.values:
            return str(choices(key).label)
    if key in PRIORITIES:
        return str(PRIORITIES[key])
    return case_type_label(key)
