"""Known case histories written straight into the case tables, with the times the figures need.

The figure tests need cases that happened on given days of 1963; the services stamp the real
clock, so these rows are made with the ORM. The triggers see them exactly as they see the
services' writes (tests in test_tally.py walk the services too).
"""

from __future__ import annotations

import datetime
import itertools
import zoneinfo

from tumen.cases.models import Case, Clearance, Decision, ExistingIssue, Transition
from tumen.org.models import Jurisdiction, WorkUnit
from tumen.policy.models import PolicyPack

LOCAL = zoneinfo.ZoneInfo("Asia/Shanghai")
_numbers = itertools.count(1)


def at(month: int, day: int, hour: int = 9, minute: int = 0, year: int = 1963):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LOCAL)


def make_case(
    county: str,
    case_type: str,
    opened: datetime.datetime,
    steps: list[tuple[str, datetime.datetime]],
    *,
    priority: int = 0,
    decided_by=None,
) -> Case:
    """A case opened at `opened` that then moved through `steps` (status, when)."""
    case = Case.objects.create(
        number=f"T-{county}-{next(_numbers)}",
        case_type=case_type,
        policy_pack=PolicyPack.objects.get(code="cc1963"),
        jurisdiction=Jurisdiction.objects.get(code=county),
        intake_unit=WorkUnit.objects.get(code=f"{county}-office"),
        priority=priority,
    )
    Case.objects.filter(pk=case.pk).update(created_at=opened)
    Transition.objects.create(case=case, from_status="", to_status="draft", at=opened)
    status = "draft"
    for target, when in steps:
        Transition.objects.create(case=case, from_status=status, to_status=target, at=when)
        status = target
        changes = {"status": target}
        if target == "submitted":
            changes["submitted_at"] = when
        Case.objects.filter(pk=case.pk).update(**changes)
        if target in ("approved", "refused"):
            Decision.objects.create(
                case=case,
                outcome=target,
                proposed_outcome=target,
                policy_pack=case.policy_pack,
                clause_id="cc1963.4" if target == "approved" else "cc1963.5",
                decided_by=decided_by,
                decided_at=when,
            )
    case.refresh_from_db()
    return case


def walk(
    county, case_type, opened, submitted, cleared_days, decided_days, outcome="approved", **kwargs
) -> Case:
    """Opened, submitted an hour later, cleared after `cleared_days`, decided `decided_days` and
    an hour after submission."""
    day = datetime.timedelta(days=1)
    return make_case(
        county,
        case_type,
        opened,
        [
            ("submitted", submitted),
            ("in_clearance", submitted),
            ("awaiting_decision", submitted + cleared_days * day),
            (outcome, submitted + decided_days * day + datetime.timedelta(hours=1)),
        ],
        **kwargs,
    )


def clearance(case: Case, kind: str, due: datetime.datetime) -> Clearance:
    unit = WorkUnit.objects.filter(
        kind=kind, jurisdiction__path__in=case.jurisdiction.ancestor_paths
    )
    return Clearance.objects.create(
        case=case,
        unit_kind=kind,
        unit=unit.order_by("-jurisdiction__path").first(),
        clause_id="cc1963.4",
        due_at=due,
    )


def flag(item: Clearance, ground: str, when: datetime.datetime) -> None:
    Clearance.objects.filter(pk=item.pk).update(status="flagged", ground=ground, acted_at=when)


def issue(case: Case, kind: str, ground: str, when: datetime.datetime) -> None:
    ExistingIssue.objects.create(
        case=case, jurisdiction=case.jurisdiction, kind=kind, ground=ground, raised_at=when
    )


def september_1963(approver) -> dict[str, Case]:
    """The history docs/reports.md's worked example and test_figures.py count from."""
    h = datetime.timedelta(hours=1)
    cases = {
        "1": walk("yanji", "relocation", at(9, 1), at(9, 1, 10), 1, 5, decided_by=approver),
        "2": walk("yanji", "relocation", at(9, 2), at(9, 2, 10), 3, 10, decided_by=approver),
        "3": walk("tumen", "relocation", at(9, 3), at(9, 3, 10), 1, 2, decided_by=approver),
        "4": walk("tumen", "relocation", at(9, 4), at(9, 4, 10), 2, 7, decided_by=approver),
        # Opened in August, decided in September after 30 days.
        "5": walk("yanji", "relocation", at(8, 14), at(8, 15, 10), 17, 30, decided_by=approver),
        "7": make_case("yanji", "relocation", at(9, 10), [("withdrawn", at(9, 11))], priority=2),
        # 07:00 on 1 October in Yanji is still 30 September in UTC: an October case.
        "8": make_case("yanji", "family_travel", at(10, 1, 7), [], priority=1),
        "9": walk("kuandian", "relocation", at(9, 5), at(9, 5, 10), 1, 2, decided_by=approver),
        "10": make_case(
            "yanji",
            "relocation",
            at(9, 20),
            [("submitted", at(9, 20, 10)), ("in_clearance", at(9, 20, 10))],
        ),
        "11": make_case(
            "tumen",
            "relocation",
            at(9, 6),
            [
                ("submitted", at(9, 6, 10)),
                ("in_clearance", at(9, 6, 10)),
                ("retyped", at(9, 8, 10)),
            ],
        ),
    }
    submitted = at(9, 5, 10)
    cases["6"] = make_case(
        "yanji",
        "repatriation",
        at(9, 5),
        [
            ("submitted", submitted),
            ("in_clearance", submitted),
            ("awaiting_decision", submitted + 24 * h),
            ("refused", submitted + 26 * h),
        ],
        priority=1,
        decided_by=approver,
    )
    issue(cases["6"], "refusal", "not_a_national", submitted + 26 * h)
    issue(cases["11"], "retyped", "not_a_national", at(9, 8, 10))
    clearance(cases["10"], "public_security", at(9, 25, 12))
    clearance(cases["10"], "customs", at(10, 20, 12))
    flag(clearance(cases["10"], "border_defence", at(9, 28)), "identity_unverified", at(9, 22, 14))
    return cases
