"""Which work unit clears a case: the nearest unit of the required kind at or above its county.

Border counties have their own border-defence and customs units; inland counties are served by the
prefecture's, and public security by the province's where a county has none. An overdue clearance
escalates to the nearest unit of the same kind strictly above the unit that let it run over.
"""

from __future__ import annotations

from collections.abc import Iterable

from tumen.org.models import Jurisdiction, WorkUnit


def _depth(unit: WorkUnit) -> int:
    return unit.jurisdiction.path.count("/")


def nearest_units(kinds: Iterable[str], paths: list[str]) -> dict[str, WorkUnit]:
    """For each kind, the unit deepest on the chain of `paths`; one query for all kinds."""
    units = WorkUnit.objects.filter(kind__in=list(kinds), jurisdiction__path__in=paths)
    best: dict[str, WorkUnit] = {}
    # Deepest first; two units of one kind in one place resolve by code, so routing is stable.
    for unit in sorted(units.select_related("jurisdiction"), key=lambda u: (-_depth(u), u.code)):
        best.setdefault(unit.kind, unit)
    return best


def route(kinds: Iterable[str], county: Jurisdiction) -> dict[str, WorkUnit]:
    return nearest_units(kinds, county.ancestor_paths)


def unit_above(unit: WorkUnit) -> WorkUnit | None:
    """The nearest unit of the same kind strictly above `unit`'s jurisdiction, if any."""
    above = unit.jurisdiction.ancestor_paths[:-1]
    return nearest_units([unit.kind], above).get(unit.kind)
