"""The range every date a clerk types must fall in, with a message that names the field.

A date of birth lies between 1880 and today; a date something happened (an application, a
note's receipt) lies between 1880 and today. 9999-12-31 and other far-future dates fall out as
"in the future".
"""

from __future__ import annotations

import datetime

from django.utils import formats
from django.utils.translation import gettext as _

from tumen.lib import clock

EARLIEST = datetime.date(1880, 1, 1)


def past_date_problem(value: datetime.date) -> str | None:
    """Why `value` cannot be a date already passed; the caller names the field."""
    today = clock.today()
    if value > today:
        return _("%(date)s is in the future; today is %(today)s.") % {
            "date": formats.date_format(value),
            "today": formats.date_format(today),
        }
    if value < EARLIEST:
        return _("%(date)s is before 1880; check the year.") % {"date": formats.date_format(value)}
    return None
