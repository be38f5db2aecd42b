"""Labelled synthetic registers: persons written the ways clerks write them.

Each person (a true cluster) gets one to four records. A record holds the name in some of the three
scripts; a Latin name is in Revised Romanization, McCune-Reischauer, a passport spelling or Pinyin,
sometimes family name last, sometimes with a typo; Chinese characters may be simplified or
traditional or a homophone; Hangul may follow the North's spelling; the birth date may have a wrong
digit, day and month swapped, a year off or the lunar date. Common names are shared and relatives
share a surname and a birth year, so that a matcher has hard negatives to get right.
"""

from __future__ import annotations

import csv
import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass

from tumen.names import surnames
from tumen.names.keys import (
    _BASE,
    _FINALS,
    _join,
    _split,
    initial_sound_rule,
    romanize,
    simplified,
    sino_korean,
    traditional,
)
from tumen.names.keys import pinyin as pinyin_of
from tumen.people.linkage.features import COLUMNS, lunar_reading

# Characters common in Korean given names; several share a reading (賢 鉉 玄 = 현), which gives
# the homophones clerks confuse.
GIVEN_CHARACTERS = (
    "永英榮哲喆秀洙成誠民敏俊浚賢鉉玄浩鎬虎珍眞鎭貞正廷美淑順姬熙愛明光國東南日一勇龍春花"
    "蓮玉銀吉福德仁仙善和輝植錫載在宰泰太相尙祥雄昌鍾鐘根基起奎圭炳柄斗萬漢學鶴石碩範宇雨"
    "元源允潤恩建健炫慧惠瑞書壽星聖承勝海孝曉燮模振文武紅梅香蘭芝智志鳳峰革哲男女"
)

_MR_INITIALS = [
    "k",
    "kk",
    "n",
    "t",
    "tt",
    "r",
    "m",
    "p",
    "pp",
    "s",
    "ss",
    "-",
    "ch",
    "tch",
    "ch'",
    "k'",
    "t'",
    "p'",
    "h",
]
_MR_VOWELS = [
    "a",
    "ae",
    "ya",
    "yae",
    "ŏ",
    "e",
    "yŏ",
    "ye",
    "o",
    "wa",
    "wae",
    "oe",
    "yo",
    "u",
    "wŏ",
    "we",
    "wi",
    "yu",
    "ŭ",
    "ŭi",
    "i",
]
# Finals are written alike in both systems.
_MR_FINALS = _FINALS


def mr_given(hangul: str) -> str:
    """A McCune-Reischauer-like spelling of a given name: 영철 → Yŏng-ch'ŏl."""
    parts = []
    for c in hangul:
        if not _BASE <= ord(c) <= 0xD7A3:
            continue
        i, v, f = _split(c)
        parts.append((_MR_INITIALS[i] + _MR_VOWELS[v] + _MR_FINALS[f]).replace("-", ""))
    return "-".join(parts).capitalize()


def passport_given(hangul: str, rng: random.Random) -> str:
    rr = romanize(hangul)
    swaps = [("yeo", "you"), ("eo", rng.choice(["u", "o"])), ("eu", "u"), ("ae", "ae")]
    for a, b in swaps:
        rr = rr.replace(a, b)
    if rng.random() < 0.5:
        rr = rr.replace("g", "k", 1) if rr.startswith("g") else rr
    return rr.capitalize()


@dataclass
class Person:
    pid: int
    surname: surnames.Surname
    given: str  # traditional characters
    birth: datetime.date
    sex: str
    id_number: str
    nationality: str


def _zipf_index(rng: random.Random, n: int, s: float = 1.1) -> int:
    while True:
        k = int(rng.paretovariate(s)) - 1
        if k < n:
            return k


# Given-name characters by popularity: the first are several times commoner than the last.
_GIVEN_WEIGHTS = [1 / (rank + 8) for rank in range(len(GIVEN_CHARACTERS))]


def _given_name(rng: random.Random) -> str:
    a, b = rng.choices(GIVEN_CHARACTERS, weights=_GIVEN_WEIGHTS, k=2)
    while b == a:
        b = GIVEN_CHARACTERS[rng.randrange(len(GIVEN_CHARACTERS))]
    return a + b if rng.random() > 0.08 else a


def _homophones() -> dict[str, list[str]]:
    by_reading: dict[str, list[str]] = {}
    for c in GIVEN_CHARACTERS:
        by_reading.setdefault(sino_korean(c), []).append(c)
    return {c: [o for o in by_reading[sino_korean(c)] if o != c] for c in GIVEN_CHARACTERS}


def _typo(text: str, rng: random.Random) -> str:
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 4:
        return text
    i = rng.choice(letters[1:])
    if rng.random() < 0.5:
        return text[:i] + text[i + 1 :]
    return text[:i] + rng.choice("aeiouny") + text[i + 1 :]


def _hangul_typo(text: str, rng: random.Random) -> str:
    i = len(text) - 1
    ini, vow, fin = _split(text[i])
    return text[:i] + _join(ini, (vow + rng.choice([1, -1])) % 21, fin)


def _date_error(d: datetime.date, rng: random.Random) -> tuple[datetime.date | None, str]:
    r = rng.random()
    try:
        if r < 0.025:
            text = list(d.isoformat())
            i = rng.choice([2, 3, 6, 8, 9])
            text[i] = str((int(text[i]) + rng.choice([1, 2, 3, 7, 8, 9])) % 10)
            return datetime.date.fromisoformat("".join(text)), "digit"
        if r < 0.045 and d.day <= 12 and d.day != d.month:
            return d.replace(month=d.day, day=d.month), "swap"
        if r < 0.065:
            return d.replace(year=d.year + rng.choice([1, -1])), "year"
        if r < 0.09:
            return lunar_reading(d), "lunar"
        if r < 0.1:
            return None, "missing"
    except ValueError:
        pass
    return d, ""


class Generator:
    def __init__(self, seed: int = 11):
        # Synthetic test data, not secrets: a seeded generator makes a register reproducible.
        self.rng = random.Random(seed)  # noqa: S311
        self.homophones = _homophones()
        self.surname_rows = surnames.SURNAMES

    def persons(self, n: int) -> Iterator[Person]:
        rng = self.rng
        pid = 0
        while pid < n:
            surname = self.surname_rows[_zipf_index(rng, len(self.surname_rows), 0.9)]
            birth = datetime.date(1930, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 75))
            person = Person(
                pid,
                surname,
                _given_name(rng),
                birth,
                rng.choice("MF"),
                f"{rng.randrange(10**17):017d}X"[:18],
                rng.choice(["prc", "dprk"]),
            )
            pid += 1
            yield person
            if rng.random() < 0.12 and pid < n:
                # A relative: same surname, born the same year, another given name.
                day = datetime.date(birth.year, 1, 1) + datetime.timedelta(days=rng.randrange(365))
                given = (
                    person.given[0] + _given_name(rng)[-1]
                    if rng.random() < 0.5
                    else _given_name(rng)
                )
                yield Person(
                    pid,
                    surname,
                    given,
                    day,
                    rng.choice("MF"),
                    f"{rng.randrange(10**17):017d}X"[:18],
                    person.nationality,
                )
                pid += 1

    def _latin(self, p: Person, hangul_given: str) -> str:
        rng = self.rng
        style = rng.random()
        if style < 0.3:
            family, given = p.surname.rr, romanize(hangul_given).capitalize()
        elif style < 0.5:
            family, given = p.surname.mr, mr_given(hangul_given)
        elif style < 0.75:
            family, given = rng.choice(p.surname.passport), passport_given(hangul_given, rng)
        else:
            family, given = p.surname.pinyin.capitalize(), pinyin_of(p.given).capitalize()
            if rng.random() < 0.3:
                given = " ".join(pinyin_of(c).capitalize() for c in p.given)
        if rng.random() < 0.4 and style < 0.75:
            given = (
                given.replace("-", " ").title() if rng.random() < 0.5 else given.replace("-", "")
            )
        name = f"{given} {family}" if rng.random() < 0.12 else f"{family} {given}"
        if rng.random() < 0.05:
            name = _typo(name, rng)
        return name.upper() if rng.random() < 0.4 else name

    def record(self, p: Person, rid: int) -> dict:
        rng = self.rng
        given = p.given
        if rng.random() < 0.05 and self.homophones.get(given[-1]):
            given = given[:-1] + rng.choice(self.homophones[given[-1]])
        hangul_given = initial_sound_rule(sino_korean(given))
        hangul = p.surname.hangul_north if rng.random() < 0.25 else p.surname.hangul_south
        hangul += hangul_given
        if rng.random() < 0.04:
            hangul = _hangul_typo(hangul, rng)
        hanzi = p.surname.traditional + given
        hanzi = simplified(hanzi) if rng.random() < 0.5 else traditional(hanzi)
        cells = {
            "name_hangul": hangul,
            "name_hanzi": hanzi,
            "name_latin": self._latin(p, hangul_given),
        }
        keep = [c for c in cells if rng.random() < 0.6] or [rng.choice(list(cells))]
        row = {c: (cells[c] if c in keep else "") for c in cells}
        if rng.random() < 0.05 and len(keep) >= 2:
            a, b = rng.sample(keep, 2)  # typed in the wrong column
            row[a], row[b] = row[b], row[a]
        birth, _ = _date_error(p.birth, rng)
        return {
            "record_id": f"R{rid:08d}",
            **row,
            "sex": p.sex if rng.random() < 0.9 else "",
            "birth_date": birth.isoformat() if birth else "",
            "nationality": p.nationality,
            "id_number": p.id_number if rng.random() < 0.25 else "",
        }

    def register(self, n_records: int) -> Iterator[tuple[dict, int]]:
        """(record, person id) pairs, records of one person spread through the register."""
        out: list[tuple[dict, int]] = []
        rid = 0
        for p in self.persons(n_records):
            copies = (
                1
                + (self.rng.random() < 0.35)
                + (self.rng.random() < 0.15)
                + (self.rng.random() < 0.05)
            )
            for _ in range(copies):
                if rid >= n_records:
                    break
                out.append((self.record(p, rid), p.pid))
                rid += 1
            if rid >= n_records:
                break
        self.rng.shuffle(out)
        return iter(out)


def write_register(path_records, path_truth, n_records: int, seed: int = 11) -> int:
    count = 0
    with (
        open(path_records, "w", newline="", encoding="utf-8") as rf,
        open(path_truth, "w", newline="", encoding="utf-8") as tf,
    ):
        records = csv.DictWriter(rf, fieldnames=COLUMNS)
        truth = csv.writer(tf)
        records.writeheader()
        truth.writerow(["record_id", "cluster_id"])
        for record, pid in Generator(seed).register(n_records):
            records.writerow(record)
            truth.writerow([record["record_id"], f"P{pid}"])
            count += 1
    return count
