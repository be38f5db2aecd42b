"""The case services: every state change of a case is one of these functions.

Each is keyword-only, atomic, authorises the official by role and jurisdiction through
tumen.org.access, refuses a stale `version` with StaleVersion, records a Transition for every
status change and an audit event for every change. They are defined by subdomain (intake,
clearances, decisions, foreign, deadlines); this module is the one import callers need.
"""

from __future__ import annotations

from tumen.cases.clearances import clearance_flag, clearance_grant, clearance_resolve
from tumen.cases.deadlines import SweepReport, deadlines_sweep
from tumen.cases.decisions import (
    MassDecision,
    case_decide,
    case_retype,
    case_withdraw,
    cases_decide,
)
from tumen.cases.foreign import foreign_request_register, foreign_request_split
from tumen.cases.intake import (
    case_add_member,
    case_open,
    case_remove_member,
    case_submit,
    case_update_details,
)
from tumen.lib.errors import StaleVersion

__all__ = [
    "MassDecision",
    "StaleVersion",
    "SweepReport",
    "case_add_member",
    "case_decide",
    "case_open",
    "case_remove_member",
    "case_retype",
    "case_submit",
    "case_update_details",
    "case_withdraw",
    "cases_decide",
    "clearance_flag",
    "clearance_grant",
    "clearance_resolve",
    "deadlines_sweep",
    "foreign_request_register",
    "foreign_request_split",
]
