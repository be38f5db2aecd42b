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

from tumen.lib.errors import Problems
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
                    "type": case_type.code,
                    "clause": case_type.clause,
                    "known": ", ".join(sorted(known)) or "-",
                },
            )
        elif not isinstance(value, str):
            problems.add(f"details.{name}", _("details.%(name)s: must be text.") % {"name": name})
    return problems


def _field_problem(rule: FieldRule, value: str, case_type: CaseType) -> str | None:
    values = {
        "name": rule.name,
        "label": label(rule.label),
        "type": case_type.code,
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
    """Each member's registry record must carry the fields the case type names."""
    problems = Problems()
    for index, person in enumerate(persons):
        for field in case_type.member_fields:
            if _member_value(person, field) in (None, ""):
                problems.add(
                    f"members[{index}].{field}",
                    _(
                        "members[%(index)d].%(field)s: a %(type)s case needs every member's "
                        "%(field)s (%(clause)s); person P%(person)d has none recorded."
                    )
                    % {
                        "index": index,
                        "field": field,
                        "type": case_type.code,
                        "clause": case_type.clause,
                        "person": person.pk,
                    },
                )
    return problems
