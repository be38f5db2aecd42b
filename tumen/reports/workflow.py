"""The situation report's workflow as data: which move goes from where to where, and who makes it.

A report is written by the analysts of its own jurisdiction and reviewed by the analysts of the
jurisdiction above; `may` is the one answer to "may this official do this to this report", asked by
the services and by the page that offers the buttons.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from tumen.org.access import Authority
from tumen.org.models import Level, Official, Role
from tumen.reports.models import ReportStatus, SituationReport

OWN = "own"
ABOVE = "above"


@dataclass(frozen=True)
class Move:
    sources: tuple[str, ...]
    target: str
    by: str  # OWN: the report's jurisdiction; ABOVE: its parent
    label: str


EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)

MOVES: dict[str, Move] = {
    "edit": Move(EDITABLE, "", OWN, gettext_lazy("edit")),
    "submit": Move(EDITABLE, ReportStatus.SUBMITTED, OWN, gettext_lazy("submit")),
    "return": Move((ReportStatus.SUBMITTED,), ReportStatus.RETURNED, ABOVE, gettext_lazy("return")),
    "accept": Move((ReportStatus.SUBMITTED,), ReportStatus.ACCEPTED, ABOVE, gettext_lazy("accept")),
}

# Who writes and reviews reports: analysts (the level each acts at is `by` of the move).
AUTHORITY = Authority((Role.ANALYST,))

# Days after the end of the month by which each level's report is due: a county first, so that
# the level above has its children's reports before its own is due.
DUE_DAYS = {
    Level.COUNTY: 5,
    Level.PREFECTURE: 10,
    Level.PROVINCE: 15,
    Level.BUREAU: 20,
    Level.CENTRAL: 25,
}


def due_on(level: str, period_end: datetime.date) -> datetime.date:
    """`period_end` is the first day after the month."""
    return period_end + datetime.timedelta(days=DUE_DAYS[level] - 1)


def may(official: Official, report: SituationReport, action: str) -> bool:
    move = MOVES[action]
    if report.status not in move.sources or not AUTHORITY.allows(official):
        return False
    if not getattr(official, "unit_id", None):
        return False
    if move.by == OWN:
        return official.unit.jurisdiction_id == report.jurisdiction_id
    return official.unit.jurisdiction_id == report.jurisdiction.parent_id
