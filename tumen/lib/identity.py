"""Identity numbers as the registers issue them; plain functions, no Django.

A PRC resident identity number (GB 11643-1999) is 17 digits and a check character computed
with ISO 7064 MOD 11-2: weights 2^(17-i) mod 11, remainder r, check = (12 - r) mod 11, with
10 written as "X".
"""

from __future__ import annotations

import datetime
import re

_PRC_ID = re.compile(r"^\d{17}[\dX]$")
_STATE = re.compile(r"^[A-Z]{3}$")
WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))


def mod11_2_check(digits: str) -> str:
    """The ISO 7064 MOD 11-2 check character of 17 digits."""
    remainder = sum(int(d) * w for d, w in zip(digits, WEIGHTS, strict=True)) % 11
    value = (12 - remainder) % 11
    return "X" if value == 10 else str(value)


def normal_prc_id(number: str) -> str:
    """The number as the register writes it: no spaces, an upper-case X."""
    return "".join(number.split()).upper()


def prc_id_problem(number: str) -> str | None:
    """Why `number` is not a well-formed PRC resident identity number: 'shape', 'check' or None."""
    if not _PRC_ID.match(number):
        return "shape"
    if mod11_2_check(number[:17]) != number[17]:
        return "check"
    return None


def is_state_code(code: str) -> bool:
    """An ISO 3166-1 alpha-3 code's shape (CHN, PRK)."""
    return bool(_STATE.match(code))


def prc_id(region: str, born: datetime.date, sequence: int) -> str:
    """A well-formed resident identity number: 6-digit region, birth date, 3-digit sequence."""
    digits = f"{region}{born:%Y%m%d}{sequence % 1000:03d}"
    return digits + mod11_2_check(digits)
