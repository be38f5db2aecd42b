"""One record's comparable values: name keys across scripts and birth-date readings."""

from __future__ import annotations

import bisect
import datetime
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

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


LUNAR_MONTHS = Path(__file__).with_name("lunar_months.json")


@cache
def _lunar_months() -> tuple[list[int], list[tuple[int, int, int]]]:
    """The first solar day of every lunar month, 1900-2050 (lunar_months.json).

    The calendar library walks from 1000 AD on every call (about a millisecond, tens at intake's
    first search of a year); the table was written from it once (`write_lunar_months`) and a
    lookup is a bisection.
    """
    data = json.loads(LUNAR_MONTHS.read_text(encoding="utf-8"))
    starts = [row[0] for row in data["months"]]
    return starts, [tuple(row[1:]) for row in data["months"]]


def write_lunar_months(first_year: int = 1900, last_year: int = 2050) -> None:
    """Regenerate lunar_months.json from the calendar library."""
    months = []
    day, end = datetime.date(first_year, 1, 1), datetime.date(last_year, 12, 31)
    current = _lunar_of(day)
    months.append([day.toordinal(), *current])
    while day < end:
        day += datetime.timedelta(days=1)
        y, m, d = current
        current = _lunar_of(day) if d >= 29 else (y, m, d + 1)
        if current[2] == 1:
            months.append([day.toordinal(), *current])
    LUNAR_MONTHS.write_text(json.dumps({"months": months}, separators=(",", ":")), encoding="utf-8")


def lunar_reading(date: datetime.date) -> datetime.date | None:
    """The date a solar birth date is written as in the lunar calendar (1970-03-15 → 1970-02-08).

    A clerk copying a lunar birthday into a solar field gives this date; None outside the
    calendar's range or for a leap month's day that has no date of its own.
    """
    starts, months = _lunar_months()
    ordinal = date.toordinal()
    index = bisect.bisect_right(starts, ordinal) - 1
    if 0 <= index < len(starts) - 1:
        year, month, first = months[index]
        lunar = (year, month, first + ordinal - starts[index])
    else:
        lunar = _lunar_of(date)
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
    nationality: str = ""
    # Korean-skeleton keys guessed from a Pinyin-only given name (tumen.names.keys).
    given_q: frozenset[str] = frozenset()
    given_chars: str = ""
    given_jamo: str = ""

    @property
    def birth_text(self) -> str:
        return self.birth_date.isoformat() if self.birth_date else ""


def _first(keys: frozenset[str], prefix: str = "") -> str:
    return min((k for k in keys if k.startswith(prefix)), default="")


def raw_keys(*cells: str):
    """The baseline: names compared as raw strings (lower case, no spaces), no cross-script keys."""
    raw = frozenset(c.replace(" ", "").lower() for c in cells if c and c.strip())
    return frozenset(), raw, raw, (), "", frozenset(), "", ""


# Spellings of the two nationalities the register mostly holds; any other value is compared as
# written (lower case).
_NATIONALITIES = {
    "cn": "prc",
    "chn": "prc",
    "china": "prc",
    "kp": "dprk",
    "prk": "dprk",
    "north korea": "dprk",
}


def parse_nationality(value: str) -> str:
    value = " ".join((value or "").lower().split())
    return _NATIONALITIES.get(value, value)


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
    nationality: str = "",
    raw: bool = False,
) -> Features:
    if raw:
        fam, giv, pairs, scripts, main, guesses, chars, jamo = raw_keys(*names)
    else:
        k = name_keys(*names)
        fam, giv, pairs, scripts = k.surnames, k.given, k.pairs, k.scripts
        main, guesses, chars, jamo = k.main_korean, k.guesses, k.characters, k.jamo
    return Features(
        record_id=record_id,
        surnames=fam,
        given=giv,
        pairs=pairs,
        surname1=min(fam, default=""),
        given1=main or _first(giv),
        given_k1=main[2:] or _first(giv),
        given_kind="".join(sorted({k[0] for k in giv if k[1:2] == ":"})),
        birth_date=birth_date,
        birth_lunar=lunar_reading(birth_date) if birth_date else None,
        sex=parse_sex(sex),
        id_number=(id_number or "").strip().upper(),
        scripts=scripts,
        given_q=guesses,
        given_chars=chars,
        given_jamo=jamo,
        nationality=parse_nationality(nationality),
    )


# Raised when what a profile holds changes; an older profile is recomputed from the record.
PROFILE_VERSION = 3


def to_profile(f: Features) -> dict:
    """A JSON-able form of `Features`, stored with a registered person."""
    return {
        "s": sorted(f.surnames),
        "g": sorted(f.given),
        "p": sorted(f.pairs),
        "k": f.given_kind,
        "b": f.birth_text,
        "l": f.birth_lunar.isoformat() if f.birth_lunar else "",
        "x": f.sex,
        "i": f.id_number,
        "c": [[script, sorted(keys)] for script, keys in f.scripts],
        "g1": f.given1,
        "q": sorted(f.given_q),
        "h": f.given_chars,
        "j": f.given_jamo,
        "n": f.nationality,
        "v": PROFILE_VERSION,
    }


def from_profile(record_id: str, data: dict) -> Features:
    given = frozenset(data["g"])
    surnames = frozenset(data["s"])
    return Features(
        record_id=record_id,
        surnames=surnames,
        given=given,
        pairs=frozenset(data["p"]),
        surname1=min(surnames, default=""),
        given1=data["g1"],
        given_k1=data["g1"][2:] if data["g1"].startswith("k:") else data["g1"],
        given_kind=data["k"],
        birth_date=datetime.date.fromisoformat(data["b"]) if data["b"] else None,
        birth_lunar=datetime.date.fromisoformat(data["l"]) if data["l"] else None,
        sex=data["x"],
        id_number=data["i"],
        scripts=tuple((script, frozenset(keys)) for script, keys in data["c"]),
        given_q=frozenset(data["q"]),
        given_chars=data["h"],
        given_jamo=data["j"],
        nationality=data["n"],
    )
