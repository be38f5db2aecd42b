"""Small template helpers for the web pages."""

from __future__ import annotations

import math
from datetime import timedelta

from django import template

from tumen.org.admin import is_administrator

register = template.Library()


@register.filter
def whole_minutes(value: timedelta | None) -> int:
    """A waiting time in whole minutes, rounded up so that 'try again in N minutes' holds."""
    if not value:
        return 0
    return max(1, math.ceil(value.total_seconds() / 60))


@register.filter
def may_administer(user) -> bool:
    return is_administrator(user)
