"""The registry's rules for one person's record, beyond what each column's type checks.

Each problem is (field, message code, parameters) of tumen.lib.errors; the message is rendered
in the reader's language, with the field's label in front where it is shown away from it.
"""

from __future__ import annotations

import re

from tumen.lib.dates import past_date_error
from tumen.lib.identity import is_state_code, prc_id_problem
from tumen.people.models import Person

_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")


def field_label(field: str) -> str:
    """A person field's name as the reader's language writes it."""
    try:
        return str(Person._meta.get_field(field).verbose_name)
    except Exception:  # a service argument that is not a column (residence_code)
        return {"residence_code": str(Person._meta.get_field("residence").verbose_name)}.get(
            field, field
        )


def record_problems(person: Person) -> list[tuple[str, str, dict]]:
    """(field, registered message code, its parameters) for each rule the record breaks."""
    problems: list[tuple[str, str, dict]] = []
    if _HANGUL.search(person.name_hanzi):
        problems.append(("name_hanzi", "hanzi_in_hangul", {}))
    if person.date_of_birth is not None:
        late = past_date_error(person.date_of_birth)
        if late:
            problems.append(("date_of_birth", *late))
    problem = prc_id_problem(person.personal_id_number) if person.personal_id_number else None
    if problem == "shape":
        problems.append(("personal_id_number", "prc_id_shape", {}))
    elif problem == "check":
        problems.append(("personal_id_number", "prc_id_check", {}))
    if person.passport_number and not person.passport_state:
        problems.append(("passport_state", "passport_state_missing", {}))
    if person.passport_state and not is_state_code(person.passport_state):
        problems.append(("passport_state", "passport_state_code", {}))
    return problems
