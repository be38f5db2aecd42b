"""Which work unit clears a case: the nearest unit of the required kind at or above its county.

Border counties have their own border-defence and customs units; inland counties are served by the
prefecture's, and public security by the province's where a county has none. An overdue clearance
escalates to the nearest unit of the same kind strictly above the unit that let it run over.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from tumen.lib.reads import columns, from_row
from tumen.org.models import Jurisdiction, WorkUnit


def _depth(unit: WorkUnit) -> int:
    return unit.jurisdiction.path.count("/")


# NEAREST_UNITS: the units of some kinds in some places, each with its jurisdiction; read at every
# submission, so plain SQL (tested against the ORM's answer on both engines).
_NEAREST_UNITS = (
    "SELECT {units}, {places} FROM org_workunit u "
    "JOIN org_jurisdiction j ON j.id = u.jurisdiction_id "
    "WHERE u.kind IN ({kinds}) AND j.path IN ({paths})"
)


def nearest_units(kinds: Iterable[str], paths: list[str]) -> dict[str, WorkUnit]:
    """For each kind, the unit deepest on the chain of `paths`; one query for all kinds."""
    kinds = list(kinds)
    if not kinds or not paths:
        return {}
    sql = _NEAREST_UNITS.format(
        units=columns(WorkUnit, "u"),
        places=columns(Jurisdiction, "j"),
        kinds=", ".join(["%s"] * len(kinds)),
        paths=", ".join(["%s"] * len(paths)),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*kinds, *paths])
        rows = cursor.fetchall()
    units = []
    for row in rows:
        unit, rest = from_row(WorkUnit, row)
        unit.jurisdiction, _rest = from_row(Jurisdiction, rest)
        units.append(unit)
    best: dict[str, WorkUnit] = {}
    # Deepest first; two units of one kind in one place resolve by code, so routing is stable.
    for unit in sorted(units, key=lambda u: (-_depth(u), u.code)):
        best.setdefault(unit.kind, unit)
    return best


def route(kinds: Iterable[str], county: Jurisdiction) -> dict[str, WorkUnit]:
    return nearest_units(kinds, county.ancestor_paths)


def unit_above(unit: WorkUnit) -> WorkUnit | None:
    """The nearest unit of the same kind strictly above `unit`'s jurisdiction, if any."""
    above = unit.jurisdiction.ancestor_paths[:-1]
    return nearest_units([unit.kind], above).get(unit.kind)
