"""The range every date a clerk types must fall in, with a message that names the field.

A date of birth lies between 1880 and today; a date something happened (an application, a
note's receipt) lies between 1880 and today. 9999-12-31 and other far-future dates fall out as
"in the future".
"""

from __future__ import annotations

import datetime

from tumen.lib import clock
from tumen.lib.errors import error

EARLIEST = datetime.date(1880, 1, 1)


def past_date_error(value: datetime.date) -> tuple[str, dict] | None:
    """Why `value` cannot be a date already passed, as a registered code and its parameters
    (tumen.lib.errors); the caller names the field."""
    today = clock.today()
    if value > today:
        return "date_in_future", {"date": value, "today": today}
    if value < EARLIEST:
        return "date_before_1880", {"date": value}
    return None


def past_date_problem(value: datetime.date) -> str | None:
    """The same, as words in the active language (for reports that are text, like imports)."""
    found = past_date_error(value)
    if found is None:
        return None
    code, params = found
    return error(code, **params).messages[0]
