"""Writing a validated scenario: create what is missing, update what differs, count both.

Rows are matched by their stable key (a code, a clause id, a user name), never by position, so
loading the same file twice changes nothing the second time. Callers run `ScenarioSync.run`
inside one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from django.contrib.auth.hashers import check_password
from django.db import models

from tumen.authorizations.models import CrossingPoint
from tumen.directives.models import Addressee, Clause, Directive
from tumen.lib.yamldoc import Problem, line_at
from tumen.org.models import LEVEL_DEPTH, Jurisdiction, Official, Role, RoleGrant, WorkUnit

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
KINDS = (
    "jurisdictions",
    "units",
    "directives",
    "clauses",
    "addressees",
    "officials",
    "crossing_points",
)


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    def add(self, state: str) -> None:
        setattr(self, state, getattr(self, state) + 1)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


class ConflictsWithDatabase(Exception):
    """The file is valid on its own but contradicts rows already in the database."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(problems)


def upsert(model: type[models.Model], lookup: dict, values: dict) -> tuple[Any, str]:
    """The row matching `lookup`, created or brought in line with `values`; and what happened."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.save()
        return obj, CREATED
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        return obj, UNCHANGED
    for name in changed:
        setattr(obj, name, values[name])
    obj.save()
    return obj, UPDATED


def _worst(*states: str) -> str:
    """A row counts once: created if it was created, else updated if any part changed."""
    for state in (CREATED, UPDATED):
        if state in states:
            return state
    return UNCHANGED


def _names(item: dict, field: str = "name", prefix: str = "name") -> dict[str, str]:
    return {f"{prefix}_{lang}": item[field][lang] for lang in ("zh", "ko", "en")}


class ScenarioSync:
    def __init__(self, document: Any, *, demo_password: str | None):
        self.data = document
        self.demo_password = demo_password
        self.tallies = {kind: Tally() for kind in KINDS}
        self.jurisdictions: dict[str, Jurisdiction] = {}
        self.units: dict[str, WorkUnit] = {}

    def run(self) -> dict[str, Tally]:
        self._sync_jurisdictions()
        for item in self.data["units"]:
            self._sync_unit(item)
        if "directive" in self.data:
            self._sync_directive(self.data["directive"])
        for item in self.data.get("crossing_points", []):
            self._sync_crossing_point(item)
        if self.demo_password is not None:
            for item in self.data.get("demo_officials", []):
                self._sync_official(item)
        return self.tallies

    def _sync_crossing_point(self, item: dict) -> None:
        values = {
            "river": item["river"],
            "jurisdiction_id": self.jurisdictions[item["jurisdiction"]].pk,
        }
        point, state = upsert(CrossingPoint, {"code": item["code"]}, values | _names(item))
        wanted = {self.units[code].pk for code in item["units"]}
        if set(point.units.values_list("pk", flat=True)) != wanted:
            point.units.set(wanted)
            state = _worst(state, UPDATED)
        self.tallies["crossing_points"].add(state)

    # Organisation ---------------------------------------------------------------------------

    def _sync_jurisdictions(self) -> None:
        # Parents first: a node's path is computed from its parent's when it is saved.
        ordered = sorted(self.data["jurisdictions"], key=lambda item: LEVEL_DEPTH[item["level"]])
        for item in ordered:
            self._sync_jurisdiction(item)

    def _sync_jurisdiction(self, item: dict) -> None:
        code = item["code"]
        parent = self.jurisdictions.get(item.get("parent", ""))
        old_path = Jurisdiction.objects.filter(code=code).values_list("path", flat=True).first()
        values = {"level": item["level"], "parent_id": parent.pk if parent else None}
        jurisdiction, state = upsert(Jurisdiction, {"code": code}, values | _names(item))
        if old_path and jurisdiction.path != old_path:
            _repath_below(old_path)
        self.jurisdictions[code] = jurisdiction
        self.tallies["jurisdictions"].add(state)

    def _sync_unit(self, item: dict) -> None:
        values = {
            "kind": item["kind"],
            "jurisdiction_id": self.jurisdictions[item["jurisdiction"]].pk,
        } | _names(item)
        unit, state = upsert(WorkUnit, {"code": item["code"]}, values)
        self.units[item["code"]] = unit
        self.tallies["units"].add(state)

    # The directive ---------------------------------------------------------------------------

    def _sync_directive(self, item: dict) -> None:
        values = {
            "issued_by_id": self.jurisdictions[item["issued_by"]].pk,
            "issued_on": dt.date.fromisoformat(item["issued_on"]),
            "report_back_required": item.get("report_back_required", False),
        } | _names(item, "title", "title")
        directive, state = upsert(Directive, {"code": item["code"]}, values)
        self._refuse_clause_conflicts(directive, item["clauses"])
        clauses = {
            clause["clause_id"]: self._sync_clause(directive, clause) for clause in item["clauses"]
        }
        report_back = clauses.get(item.get("report_back_clause", ""))
        report_back_state = _set_report_back(directive, report_back)
        self._sync_addressees(directive, item["addressees"])
        self.tallies["directives"].add(_worst(state, report_back_state))

    def _refuse_clause_conflicts(self, directive: Directive, items: list[dict]) -> None:
        """Clauses are cited by policy and decisions: never dropped, moved or renumbered."""
        listed = {item["clause_id"]: (index, item) for index, item in enumerate(items)}
        problems = []
        for clause in Clause.objects.filter(clause_id__in=listed) | directive.clauses.all():
            problem = _clause_conflict(directive, clause, listed.get(clause.clause_id))
            if problem:
                index = listed.get(clause.clause_id, (None,))[0]
                path = ("directive", "clauses", index) if index is not None else ("directive",)
                problems.append(Problem(line_at(self.data, path), problem))
        if problems:
            raise ConflictsWithDatabase(problems)

    def _sync_clause(self, directive: Directive, item: dict) -> Clause:
        values = {"directive_id": directive.pk, "number": item["number"]}
        clause, state = upsert(
            Clause, {"clause_id": item["clause_id"]}, values | _names(item, "text", "text")
        )
        self.tallies["clauses"].add(state)
        return clause

    def _sync_addressees(self, directive: Directive, items: list[dict]) -> None:
        listed = []
        for item in items:
            jurisdiction = self.jurisdictions[item["jurisdiction"]]
            unit = self.units.get(item.get("unit", ""))
            _, state = upsert(
                Addressee,
                {"directive_id": directive.pk, "jurisdiction_id": jurisdiction.pk},
                {"unit_id": unit.pk if unit else None},
            )
            self.tallies["addressees"].add(state)
            listed.append(jurisdiction.pk)
        # The file lists the directive's addressees in full; one it no longer names is removed.
        removed, _ = directive.addressees.exclude(jurisdiction_id__in=listed).delete()
        self.tallies["addressees"].removed += removed

    # Demo officials --------------------------------------------------------------------------

    def _sync_official(self, item: dict) -> None:
        roles = set(item["roles"])
        values = {
            "unit_id": self.units[item["unit"]].pk,
            # Only administrators reach the admin site.
            "is_staff": Role.ADMINISTRATOR in roles,
            "is_active": True,
            "language": item.get("language", ""),
        }
        official, state = upsert(Official, {"username": item["username"]}, values)
        password_state = _set_password(official, self.demo_password)
        roles_state = _set_roles(official, roles)
        self.tallies["officials"].add(_worst(state, password_state, roles_state))


def _repath_below(old_path: str) -> None:
    """A moved node's descendants take its new path; parents are saved before children."""
    for jurisdiction in Jurisdiction.objects.filter(path__startswith=old_path).order_by("path"):
        jurisdiction.save(update_fields=["path"])


def _clause_conflict(directive: Directive, clause: Clause, listed: tuple | None) -> str | None:
    if clause.directive_id != directive.pk:
        return f'clause "{clause.clause_id}" already belongs to another directive in the database'
    if listed is None:
        return (
            f'the database holds clause "{clause.clause_id}" of directive "{directive.code}", '
            f"which the file no longer lists; clauses are cited and are never removed"
        )
    if clause.number != listed[1]["number"]:
        return (
            f'clause "{clause.clause_id}" is number {clause.number} in the database, not '
            f"{listed[1]['number']}; clauses are cited and are never renumbered"
        )
    return None


def _set_report_back(directive: Directive, clause: Clause | None) -> str:
    clause_id = clause.pk if clause else None
    if directive.report_back_clause_id == clause_id:
        return UNCHANGED
    directive.report_back_clause_id = clause_id
    directive.save(update_fields=["report_back_clause"])
    return UPDATED


def _set_password(official: Official, password: str) -> str:
    # Compared first so that re-running the demo with the same password writes nothing.
    if check_password(password, official.password):
        return UNCHANGED
    official.set_password(password)
    official.save(update_fields=["password"])
    return UPDATED


def _set_roles(official: Official, roles: set[str]) -> str:
    current = set(official.role_grants.values_list("role", flat=True))
    if current == roles:
        return UNCHANGED
    official.role_grants.exclude(role__in=roles).delete()
    RoleGrant.objects.bulk_create(
        [RoleGrant(official=official, role=role) for role in sorted(roles - current)]
    )
    return UPDATED
