"""One record's comparable values: name keys across scripts and birth-date readings."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cache

from tumen.names import name_keys

# The CSV contract (docs/matching.md): every column but record_id may be blank.
COLUMNS = (
    "record_id",
    "name_hangul",
    "name_hanzi",
    "name_latin",
    "sex",
    "birth_date",
    "nationality",
    "id_number",
)


def _lunar_of(date: datetime.date):
    from korean_lunar_calendar import KoreanLunarCalendar

    calendar = KoreanLunarCalendar()
    if not calendar.setSolarDate(date.year, date.month, date.day):
        return None
    return calendar.lunarYear, calendar.lunarMonth, calendar.lunarDay


@cache
def _lunar_year(year: int) -> dict[datetime.date, tuple[int, int, int]]:
    """Lunar (year, month, day) for each solar day of `year`.

    The library walks the calendar from 1000 AD on every call (about a millisecond); within a
    lunar month the day simply counts up, so it is asked only at the start of the year and near
    each month's end.
    """
    out: dict[datetime.date, tuple[int, int, int]] = {}
    day = datetime.date(year, 1, 1)
    current = _lunar_of(day)
    while day.year == year and current is not None:
        out[day] = current
        day += datetime.timedelta(days=1)
        y, m, d = current
        current = _lunar_of(day) if d >= 29 or (day.month == 1 and day.day == 1) else (y, m, d + 1)
    return out


def lunar_reading(date: datetime.date) -> datetime.date | None:
    """The date a solar birth date is written as in the lunar calendar (1970-03-15 → 1970-02-08).

    A clerk copying a lunar birthday into a solar field gives this date; None outside the
    calendar's range or for a leap month's day that has no date of its own.
    """
    lunar = _lunar_year(date.year).get(date)
    if lunar is None:
        return None
    try:
        return datetime.date(*lunar)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Features:
    """What the model compares; one per record or registered person."""

    record_id: str
    surnames: frozenset[str]
    given: frozenset[str]
    pairs: frozenset[str]
    surname1: str
    given1: str
    given_k1: str
    given_kind: str
    birth_date: datetime.date | None
    birth_lunar: datetime.date | None
    sex: str
    id_number: str
    scripts: tuple = ()

    @property
    def birth_text(self) -> str:
        return self.birth_date.isoformat() if self.birth_date else ""


def _first(keys: frozenset[str], prefix: str = "") -> str:
    return min((k for k in keys if k.startswith(prefix)), default="")


def raw_keys(*cells: str):
    """The baseline: names compared as raw strings (lower case, no spaces), no cross-script keys."""
    raw = frozenset(c.replace(" ", "").lower() for c in cells if c and c.strip())
    return frozenset(), raw, raw, ()


def parse_sex(value: str) -> str:
    value = (value or "").strip().upper()
    return {"M": "M", "MALE": "M", "F": "F", "FEMALE": "F"}.get(value, "")


def features(
    *,
    record_id: str,
    names: tuple[str, ...],
    birth_date: datetime.date | None,
    sex: str = "",
    id_number: str = "",
    raw: bool = False,
) -> Features:
    if raw:
        fam, giv, pairs, scripts = raw_keys(*names)
    else:
        keys = name_keys(*names)
        fam, giv, pairs, scripts = keys.surnames, keys.given, keys.pairs, keys.scripts
    return Features(
        record_id=record_id,
        surnames=fam,
        given=giv,
        pairs=pairs,
        surname1=min(fam, default=""),
        given1=_first(giv, "k:") or _first(giv),
        given_k1=_first(giv, "k:")[2:] or _first(giv),
        given_kind="".join(sorted({k[0] for k in giv if k[1:2] == ":"})),
        birth_date=birth_date,
        birth_lunar=lunar_reading(birth_date) if birth_date else None,
        sex=parse_sex(sex),
        id_number=(id_number or "").strip().upper(),
        scripts=scripts,
    )
