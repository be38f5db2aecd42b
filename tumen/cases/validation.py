"""What a case must hold before it is submitted, as the pack of the case says it.

Pure functions over a pack's CaseType and the case's data; each problem is keyed by the field it
is about (`details.destination`, `members[2].date_of_birth`) and names the rule's clause.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from types import SimpleNamespace

from tumen.lib.dates import past_date_error
from tumen.lib.errors import FieldRef, Problems
from tumen.lib.localized import localized
from tumen.lib.policy import CaseType, FieldRule
from tumen.people.models import Person

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def label(text: dict[str, str]) -> str:
    """A pack label ({zh, ko, en}) in the active language."""
    return localized(SimpleNamespace(**{f"label_{k}": v for k, v in text.items()}), "label")


def _is_iso_date(value: str) -> bool:
    if not ISO_DATE.match(value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def shape_problems(case_type: CaseType, details: object) -> Problems:
    """Details may hold only the fields the pack lists, each as text (dates as text too)."""
    problems = Problems()
    if not isinstance(details, dict):
        problems.add("details", "details_not_mapping")
        return problems
    known = {rule.name: rule for rule in case_type.fields}
    for name, value in details.items():
        if name not in known:
            problems.add(
                f"details.{name}",
                "details_field_unknown",
                name=name,
                type=case_type,
                clause=case_type.clause,
                known=[rule.label for _name, rule in sorted(known.items())],
            )
        elif not isinstance(value, str):
            field = FieldRef(f"details.{name}", known[name].label)
            problems.add(field, "details_not_text", label=known[name].label)
    return problems


def _field_problem(rule: FieldRule, value: str, case_type: CaseType) -> tuple[str, dict] | None:
    if not value:
        if not rule.required:
            return None
        return "details_required", {"label": rule.label, "type": case_type, "clause": rule.clause}
    if rule.kind == "date" and not _is_iso_date(value):
        return "details_not_date", {"value": value, "label": rule.label, "clause": rule.clause}
    # A date the pack asks for is one that has happened (an application, a note received).
    if rule.kind == "date":
        return past_date_error(datetime.date.fromisoformat(value))
    return None


def details_problems(case_type: CaseType, details: dict) -> Problems:
    problems = shape_problems(case_type, details)
    for rule in case_type.fields:
        found = _field_problem(rule, (details.get(rule.name) or "").strip(), case_type)
        if found:
            code, params = found
            problems.add(FieldRef(f"details.{rule.name}", rule.label), code, **params)
    return problems


def _member_value(person: Person, field: str):
    # `residence` is a foreign key; the others are plain columns of the person.
    return person.residence_id if field == "residence" else getattr(person, field)


def member_problems(case_type: CaseType, persons: Sequence[Person]) -> Problems:
    """Each member's registry record must carry the fields the case type names for them."""
    problems = Problems()
    for index, person in enumerate(persons):
        for rule in case_type.member_fields:
            if not rule.applies_to(person.nationality):
                continue
            if _member_value(person, rule.name) in (None, ""):
                key = f"members[{index}].{rule.name}"
                problems.add(
                    key,
                    "member_field_missing",
                    field=key,
                    type=case_type,
                    clause=case_type.clause,
                    person=person.pk,
                )
    return problems
