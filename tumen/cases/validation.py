"""What a case must hold before it is submitted, as the pack of the case says it.

Pure functions over a pack's CaseType and the case's data; each problem is keyed by the field it
is about (`details.destination`, `members[2].date_of_birth`) and names the rule's clause.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from types import SimpleNamespace

from django.utils.translation import gettext as _

from tumen.lib.dates import past_date_problem
from tumen.lib.errors import Problems
from tumen.lib.localized import localized
from tumen.lib.policy import CaseType, FieldRule
from tumen.people.models import Person
from tumen.people.rules import field_label

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
        problems.add("details", _("details: give the case details as a mapping of field to text."))
        return problems
    known = {rule.name for rule in case_type.fields}
    for name, value in details.items():
        if name not in known:
            problems.add(
                f"details.{name}",
                _(
                    "details.%(name)s: not a field the policy lists for %(type)s (%(clause)s); "
                    "fields: %(known)s."
                )
                % {
                    "name": name,
                    "type": label(case_type.title),
                    "clause": case_type.clause,
                    "known": ", ".join(sorted(known)) or _("none"),
                },
            )
        elif not isinstance(value, str):
            problems.add(f"details.{name}", _("details.%(name)s: must be text.") % {"name": name})
    return problems


def _field_problem(rule: FieldRule, value: str, case_type: CaseType) -> str | None:
    values = {
        "name": rule.name,
        "label": label(rule.label),
        "type": label(case_type.title),
        "clause": rule.clause,
        "value": value,
    }
    if not value:
        if not rule.required:
            return None
        return (
            _("details.%(name)s: %(label)s is required for a %(type)s case (%(clause)s).") % values
        )
    if rule.kind == "date" and not _is_iso_date(value):
        return (
            _(
                "details.%(name)s: %(value)r is not a date; write it as YYYY-MM-DD "
                "(%(label)s, %(clause)s)."
            )
            % values
        )
    # A date the pack asks for is one that has happened (an application, a note received).
    problem = past_date_problem(datetime.date.fromisoformat(value)) if rule.kind == "date" else None
    if problem:
        return _("details.%(name)s: %(label)s: %(problem)s") % {**values, "problem": problem}
    return None


def details_problems(case_type: CaseType, details: dict) -> Problems:
    problems = shape_problems(case_type, details)
    for rule in case_type.fields:
        message = _field_problem(rule, (details.get(rule.name) or "").strip(), case_type)
        if message:
            problems.add(f"details.{rule.name}", message)
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
                problems.add(
                    f"members[{index}].{rule.name}",
                    _(
                        "members[%(index)d].%(field)s: a %(type)s case needs every member's "
                        "%(label)s (%(clause)s); person P%(person)d has none recorded."
                    )
                    % {
                        "index": index,
                        "field": rule.name,
                        "label": field_label(rule.name),
                        "type": label(case_type.title),
                        "clause": case_type.clause,
                        "person": person.pk,
                    },
                )
    return problems
