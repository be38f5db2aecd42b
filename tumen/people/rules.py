"""The registry's rules for one person's record, beyond what each column's type checks.

Each problem is (field, message without the field's name); people.services puts the field's
label in front, in the reader's language.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from tumen.lib.dates import past_date_problem
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


def record_problems(person: Person) -> list[tuple[str, str]]:
    problems = []
    if _HANGUL.search(person.name_hanzi):
        problems.append(
            ("name_hanzi", _("this is written in Hangul; put it in the Hangul name field."))
        )
    if person.date_of_birth is not None:
        message = past_date_problem(person.date_of_birth)
        if message:
            problems.append(("date_of_birth", message))
    problem = prc_id_problem(person.personal_id_number) if person.personal_id_number else None
    if problem == "shape":
        problems.append(
            ("personal_id_number", _("write the 18 characters: 17 digits and a digit or X."))
        )
    elif problem == "check":
        problems.append(
            (
                "personal_id_number",
                _("the last character does not match the others; check the number."),
            )
        )
    if person.passport_number and not person.passport_state:
        problems.append(("passport_state", _("give the state that issued the passport.")))
    if person.passport_state and not is_state_code(person.passport_state):
        problems.append(("passport_state", _("write the state's three-letter code, like CHN.")))
    return problems
