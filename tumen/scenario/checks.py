"""Checks a schema cannot express: references between entries, uniqueness, tree order, numbering.

They run only on a document that passed the schema, so every field they read has its type.
References resolve within the file: a scenario describes a whole tree, not a patch to one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tumen.lib.yamldoc import Problem, line_at
from tumen.org.models import LEVEL_DEPTH, Level

# The level a node's parent must have: exactly one step up the tree.
PARENT_LEVEL = {
    level: next((up for up, depth in LEVEL_DEPTH.items() if depth == LEVEL_DEPTH[level] - 1), None)
    for level in Level
}

Path = tuple[str | int, ...]
Index = dict[str, tuple[Path, dict]]


def reference_problems(document: Any) -> list[Problem]:
    problems: list[Problem] = []
    jurisdictions = _index(document, ("jurisdictions",), "code", "jurisdiction", problems)
    units = _index(document, ("units",), "code", "unit", problems)
    problems += _tree_problems(document, jurisdictions)
    problems += _unit_problems(document, jurisdictions)
    if "directive" in document:
        problems += _directive_problems(document, jurisdictions, units)
    _index(document, ("demo_officials",), "username", "demo official", problems)
    problems += _reference(document, ("demo_officials",), "unit", units, "unit", "demo official")
    problems += _crossing_point_problems(document, jurisdictions, units)
    return problems


def _crossing_point_problems(document: Any, jurisdictions: Index, units: Index) -> list[Problem]:
    problems: list[Problem] = []
    _index(document, ("crossing_points",), "code", "crossing point", problems)
    problems += _reference(
        document,
        ("crossing_points",),
        "jurisdiction",
        jurisdictions,
        "jurisdiction",
        "crossing point",
    )
    for path, item in _items(document, ("crossing_points",)):
        for index, code in enumerate(item["units"]):
            if code not in units:
                problems.append(
                    Problem(
                        line_at(document, (*path, "units", index)),
                        f'crossing point "{item["code"]}" names unknown unit "{code}"',
                    )
                )
    return problems


def _items(document: Any, list_path: Path) -> list[tuple[Path, dict]]:
    node: Any = document
    for key in list_path:
        node = node.get(key, []) if isinstance(node, dict) else []
    return [((*list_path, index), item) for index, item in enumerate(node)]


def _index(
    document: Any, list_path: Path, id_field: str, noun: str, problems: list[Problem]
) -> Index:
    """Entries by their id; a repeated id is a problem at its second occurrence."""
    index: Index = {}
    for path, item in _items(document, list_path):
        ident = item[id_field]
        if ident in index:
            first = line_at(document, (*index[ident][0], id_field))
            problems.append(
                Problem(
                    line_at(document, (*path, id_field)),
                    f'{noun} "{ident}" appears twice (first on line {first})',
                )
            )
            continue
        index[ident] = (path, item)
    return index


def _reference(
    document: Any, list_path: Path, field: str, targets: Index, target_noun: str, noun: str
) -> list[Problem]:
    """Every entry's `field` names an entry of `targets`."""
    problems = []
    for path, item in _items(document, list_path):
        value = item.get(field)
        if value is not None and value not in targets:
            ident = item.get("code") or item.get("username") or item.get("jurisdiction")
            problems.append(
                Problem(
                    line_at(document, (*path, field)),
                    f'{noun} "{ident}" names unknown {target_noun} "{value}"',
                )
            )
    return problems


def _tree_problems(document: Any, jurisdictions: Index) -> list[Problem]:
    problems = []
    for path, item in _items(document, ("jurisdictions",)):
        problem = _parent_problem(item, jurisdictions)
        if problem:
            field = "parent" if "parent" in item else "level"
            problems.append(Problem(line_at(document, (*path, field)), problem))
    return problems


def _parent_problem(item: dict, jurisdictions: Index) -> str | None:
    code, level, parent = item["code"], item["level"], item.get("parent")
    expected = PARENT_LEVEL[Level(level)]
    if expected is None:
        return f'jurisdiction "{code}" is central, so it cannot have a parent' if parent else None
    if parent is None:
        return f'jurisdiction "{code}" is a {level} and needs a parent (a {expected})'
    if parent not in jurisdictions:
        return f'jurisdiction "{code}" names unknown parent "{parent}"'
    parent_level = jurisdictions[parent][1]["level"]
    if parent_level != expected:
        return (
            f'jurisdiction "{code}" is a {level} under "{parent}", which is a {parent_level}; '
            f"the parent of a {level} must be a {expected}"
        )
    return None


def _unit_problems(document: Any, jurisdictions: Index) -> list[Problem]:
    return _reference(document, ("units",), "jurisdiction", jurisdictions, "jurisdiction", "unit")


def _directive_problems(document: Any, jurisdictions: Index, units: Index) -> list[Problem]:
    directive = document["directive"]
    problems: list[Problem] = []
    if directive["issued_by"] not in jurisdictions:
        problems.append(
            Problem(
                line_at(document, ("directive", "issued_by")),
                f'the directive is issued by unknown jurisdiction "{directive["issued_by"]}"',
            )
        )
    if _parse_date(directive["issued_on"]) is None:
        problems.append(
            Problem(
                line_at(document, ("directive", "issued_on")),
                f'the directive\'s date "{directive["issued_on"]}" is not a real date',
            )
        )
    problems += _addressee_problems(document, jurisdictions, units)
    problems += _clause_problems(document)
    return problems


def _parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _addressee_problems(document: Any, jurisdictions: Index, units: Index) -> list[Problem]:
    list_path = ("directive", "addressees")
    problems: list[Problem] = []
    _index(document, list_path, "jurisdiction", "addressee", problems)
    problems += _reference(
        document, list_path, "jurisdiction", jurisdictions, "jurisdiction", "addressee"
    )
    problems += _reference(document, list_path, "unit", units, "unit", "addressee")
    for path, item in _items(document, list_path):
        unit = units.get(item.get("unit", ""))
        if unit and unit[1]["jurisdiction"] != item["jurisdiction"]:
            problems.append(
                Problem(
                    line_at(document, (*path, "unit")),
                    f'addressee "{item["jurisdiction"]}" names unit "{item["unit"]}", which '
                    f'belongs to "{unit[1]["jurisdiction"]}", not "{item["jurisdiction"]}"',
                )
            )
    return problems


def _clause_problems(document: Any) -> list[Problem]:
    list_path = ("directive", "clauses")
    problems: list[Problem] = []
    clauses = _index(document, list_path, "clause_id", "clause", problems)
    for position, (path, item) in enumerate(_items(document, list_path), start=1):
        if item["number"] != position:
            problems.append(
                Problem(
                    line_at(document, (*path, "number")),
                    f'clause "{item["clause_id"]}" has number {item["number"]}, but clauses '
                    f"are numbered 1, 2, 3 … in the order listed, so it should be {position}",
                )
            )
    report_back = document["directive"].get("report_back_clause")
    if report_back is not None and report_back not in clauses:
        problems.append(
            Problem(
                line_at(document, ("directive", "report_back_clause")),
                f'the directive\'s report-back clause "{report_back}" is not one of its clauses',
            )
        )
    return problems
