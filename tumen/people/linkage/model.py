"""The Fellegi-Sunter comparisons, written once for both Splink (SQL) and the online matcher.

Each comparison is a list of levels, most specific first; a level has a SQL condition over the
`_l`/`_r` columns Splink builds and a Python predicate over two `Features`. The trained weights
(m and u probabilities, the prior, term frequencies of surnames and given names) live in
`model.json` beside this file, written by Splink's `save_model_to_json`, and both sides read them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from tumen.people.linkage.features import Features

MODEL_PATH = Path(__file__).with_name("model.json")
# Pairs at least this probable are the same person for clustering and for `tumen match`.
MATCH_THRESHOLD = 0.5
# Two groups of records are one person's when the mean probability of all their cross pairs is
# at least this (bulk.average_link_clusters); chosen on the training seed's register (11).
CLUSTER_LINK_THRESHOLD = 0.4
# Below this a pair is not worth an official's look in the review queue.
REVIEW_THRESHOLD = 0.3
# Intake and the API call a candidate "likely the same person" from this probability: the lowest
# at which at most 0.5 % of new persons are called someone already registered, on a register of
# a million persons of the training seeds (11, 12, 13:
# `benchmarks/dedupe.py --parts online --seeds 11,12,13` prints the rates by threshold); the
# evaluation seeds (101, 202, 303) only measure it. Higher than MATCH_THRESHOLD, which serves
# clustering: telling a clerk that a new applicant is someone registered costs more than leaving
# a duplicate for the review queue. On the training seeds (4,000 known and 4,000 new persons
# against 1,000,000 registered) 0.84 to 0.86 call 19 new persons likely (0.475 %), 0.82 27.
LIKELY_THRESHOLD = 0.85


def likely(probability: float) -> bool:
    """Probable enough to tell an official "likely the same person" (they still decide)."""
    return probability >= LIKELY_THRESHOLD


# Intake shows persons from this probability: a clerk about to register someone should see a
# record that differs by a digit of the birth date, and it costs one glance.
INTAKE_THRESHOLD = 0.02


# Skeletons shorter than this ("yong", "song", "jong") are one letter apart by chance too often
# for the letter to say anything.
LONG_ENOUGH = 5


def scaled_prior(prior: float, trained_records: int, records: int) -> float:
    """The prior for a register of `records`, from one trained on `trained_records`.

    Never above the trained prior: a small register is no reason to believe more readily.
    """
    return prior * trained_records / max(records, trained_records)


def within_one_edit(a: str, b: str) -> bool:
    """Levenshtein distance exactly 1 (DuckDB's `levenshtein(a, b) = 1`)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


@dataclass(frozen=True)
class Level:
    label: str
    sql: str
    test: Callable[[Features, Features], bool]
    null: bool = False
    tf: bool = False
    # The term-frequency column when it is not the comparison's.
    tf_column: str = ""


@dataclass(frozen=True)
class Comparison:
    name: str
    levels: tuple[Level, ...]
    tf_column: str = ""
    description: str = ""
    columns: tuple[str, ...] = field(default=())


def _either_empty(attr: str) -> Callable[[Features, Features], bool]:
    return lambda a, b: not getattr(a, attr) or not getattr(b, attr)


def _share(attr: str) -> Callable[[Features, Features], bool]:
    return lambda a, b: bool(getattr(a, attr) & getattr(b, attr))


def _else(a: Features, b: Features) -> bool:
    return True


def _swap(a: Features, b: Features) -> bool:
    x, y = a.birth_date, b.birth_date
    return x.year == y.year and x.month == y.day and x.day == y.month and x.month != x.day


def _lunar(a: Features, b: Features) -> bool:
    return a.birth_date == b.birth_lunar or a.birth_lunar == b.birth_date


def _readings_differ(a: Features, b: Features) -> bool:
    """Both given names have a Korean reading (Hangul, or the characters' Sino-Korean reading)
    and the readings differ: a key they share came from a folded spelling (MR "chun" is 준 and
    춘, passport "suk" is 석 and 숙), which says little against the readings themselves."""
    return bool(a.given_jamo and b.given_jamo) and a.given_jamo != b.given_jamo


def _year_off(a: Features, b: Features) -> bool:
    x, y = a.birth_date, b.birth_date
    return abs(x.year - y.year) == 1 and (x.month, x.day) == (y.month, y.day)


COMPARISONS: tuple[Comparison, ...] = (
    Comparison(
        "surname",
        (
            Level(
                "null",
                "len(surnames_l) = 0 OR len(surnames_r) = 0",
                _either_empty("surnames"),
                null=True,
            ),
            Level(
                "a common surname reading",
                "list_has_any(surnames_l, surnames_r)",
                _share("surnames"),
                tf=True,
            ),
            Level("else", "ELSE", _else),
        ),
        tf_column="surname1",
        description="surname codes in any script",
    ),
    Comparison(
        "given",
        (
            Level(
                "null", "len(given_l) = 0 OR len(given_r) = 0", _either_empty("given"), null=True
            ),
            Level(
                "the same characters",
                "given_chars_l <> '' AND given_chars_l = given_chars_r",
                lambda a, b: bool(a.given_chars) and a.given_chars == b.given_chars,
                tf=True,
                tf_column="given_chars",
            ),
            Level(
                # Both written in characters, other characters of one Korean reading (英民 and
                # 英敏 are both 영민): a clerk's homophone, or more often another person.
                "the same reading, other characters",
                "given_chars_l <> '' AND given_chars_r <> '' AND given_jamo_l <> ''"
                " AND given_jamo_l = given_jamo_r AND list_has_any(given_l, given_r)",
                lambda a, b: (
                    bool(a.given_chars and b.given_chars and a.given_jamo)
                    and a.given_jamo == b.given_jamo
                    and bool(a.given & b.given)
                ),
                tf=True,
            ),
            Level(
                "a common given-name key",
                "list_has_any(given_l, given_r) AND (given_jamo_l = '' OR given_jamo_r = ''"
                " OR given_jamo_l = given_jamo_r)",
                lambda a, b: bool(a.given & b.given) and not _readings_differ(a, b),
                tf=True,
            ),
            Level(
                "Korean readings differ, a key in common",
                "list_has_any(given_l, given_r)",
                _share("given"),
            ),
            Level(
                "a Korean reading that fits the Pinyin",
                "list_has_any(given_q_l, given_r) OR list_has_any(given_l, given_q_r)",
                lambda a, b: bool(a.given_q & b.given or a.given & b.given_q),
            ),
            Level(
                "Korean readings one letter apart",
                "given_jamo_l <> '' AND given_jamo_r <> ''"
                " AND levenshtein(given_jamo_l, given_jamo_r) = 1",
                lambda a, b: (
                    bool(a.given_jamo and b.given_jamo)
                    and within_one_edit(a.given_jamo, b.given_jamo)
                ),
            ),
            Level(
                "given names one letter apart",
                f"len(given_k1_l) >= {LONG_ENOUGH} AND len(given_k1_r) >= {LONG_ENOUGH}"
                " AND levenshtein(given_k1_l, given_k1_r) = 1",
                lambda a, b: (
                    len(a.given_k1) >= LONG_ENOUGH
                    and len(b.given_k1) >= LONG_ENOUGH
                    and within_one_edit(a.given_k1, b.given_k1)
                ),
            ),
            Level(
                "given names in scripts that share no key",
                "(given_kind_l = 'k' AND given_kind_r = 'p')"
                " OR (given_kind_l = 'p' AND given_kind_r = 'k')",
                lambda a, b: {a.given_kind, b.given_kind} == {"k", "p"},
            ),
            Level("else", "ELSE", _else),
        ),
        tf_column="given1",
        description="given-name keys in any script",
    ),
    Comparison(
        "birth_date",
        (
            Level(
                "null",
                "birth_date_l IS NULL OR birth_date_r IS NULL",
                _either_empty("birth_date"),
                null=True,
            ),
            Level(
                "same day", "birth_date_l = birth_date_r", lambda a, b: a.birth_date == b.birth_date
            ),
            Level(
                "lunar and solar",
                "birth_date_l = birth_lunar_r OR birth_lunar_l = birth_date_r",
                _lunar,
            ),
            Level(
                "day and month swapped",
                "year(birth_date_l) = year(birth_date_r)"
                " AND month(birth_date_l) = day(birth_date_r)"
                " AND day(birth_date_l) = month(birth_date_r)"
                " AND month(birth_date_l) <> day(birth_date_l)",
                _swap,
            ),
            Level(
                "a year apart",
                "abs(year(birth_date_l) - year(birth_date_r)) = 1"
                " AND month(birth_date_l) = month(birth_date_r)"
                " AND day(birth_date_l) = day(birth_date_r)",
                _year_off,
            ),
            Level(
                "one digit differs",
                "levenshtein(CAST(birth_date_l AS VARCHAR), CAST(birth_date_r AS VARCHAR)) = 1",
                lambda a, b: within_one_edit(a.birth_text, b.birth_text),
            ),
            Level("else", "ELSE", _else),
        ),
        description="date of birth with clerks' usual errors",
    ),
    Comparison(
        "sex",
        (
            Level("null", "sex_l = '' OR sex_r = ''", _either_empty("sex"), null=True),
            Level("same", "sex_l = sex_r", lambda a, b: a.sex == b.sex),
            Level("else", "ELSE", _else),
        ),
    ),
    Comparison(
        "nationality",
        (
            Level(
                "null",
                "nationality_l = '' OR nationality_r = ''",
                _either_empty("nationality"),
                null=True,
            ),
            Level(
                "same", "nationality_l = nationality_r", lambda a, b: a.nationality == b.nationality
            ),
            Level("else", "ELSE", _else),
        ),
    ),
    Comparison(
        "id_number",
        (
            Level(
                "null",
                "id_number_l = '' OR id_number_r = ''",
                _either_empty("id_number"),
                null=True,
            ),
            Level("same", "id_number_l = id_number_r", lambda a, b: a.id_number == b.id_number),
            Level("else", "ELSE", _else),
        ),
    ),
)


def splink_comparisons() -> list:
    """The comparisons as Splink 5 `CustomComparison`s."""
    import splink.comparison_library as cl

    out = []
    for comparison in COMPARISONS:
        levels = []
        for level in comparison.levels:
            spec = {"sql_condition": level.sql, "label_for_charts": level.label}
            if level.null:
                spec["is_null_level"] = True
            if level.tf:
                spec["tf_adjustment_column"] = level.tf_column or comparison.tf_column
                spec["tf_adjustment_weight"] = 1.0
                # The level is a list overlap, not an equality: adjust against its own u.
                spec["disable_tf_exact_match_detection"] = True
            levels.append(spec)
        out.append(
            cl.CustomComparison(
                comparison_levels=levels,
                output_column_name=comparison.name,
                comparison_description=comparison.description or comparison.name,
            )
        )
    return out


@dataclass(frozen=True)
class Weights:
    """The trained model: per comparison, per level, log2(m/u); the prior; term frequencies."""

    prior_weight: float
    levels: dict[str, list[tuple[float, float]]]  # comparison -> [(weight, u)] per level
    tf: dict[str, dict[str, float]]
    tf_minimum: float

    @classmethod
    def from_json(cls, data: dict, records: int | None = None) -> Weights:
        prior = data["probability_two_random_records_match"]
        if records:
            prior = scaled_prior(prior, data["tumen_trained_records"], records)
        levels = {}
        for comparison in data["comparisons"]:
            rows = []
            for level in comparison["comparison_levels"]:
                if level.get("is_null_level"):
                    rows.append((0.0, 1.0))
                    continue
                m, u = level.get("m_probability", 1.0), level.get("u_probability", 1.0)
                rows.append((math.log2(m / u), u))
            levels[comparison["output_column_name"]] = rows
        return cls(
            prior_weight=math.log2(prior / (1 - prior)),
            levels=levels,
            tf=data.get("tumen_term_frequencies", {}),
            tf_minimum=data.get("tumen_tf_minimum", 1e-6),
        )

    def tf_of(self, column: str, value: str) -> float | None:
        """The value's frequency in the training register; None (no adjustment) if unseen,
        as Splink does with the same lookup registered (bulk._linker)."""
        return self.tf.get(column, {}).get(value) if value else None


@cache
def model_json() -> dict:
    return json.loads(MODEL_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=16)
def weights(records: int | None = None) -> Weights:
    """The trained weights, the prior set for a register of `records` (None: as trained)."""
    return Weights.from_json(model_json(), records)


@dataclass(frozen=True)
class Agreement:
    comparison: str
    label: str
    weight: float


def score(a: Features, b: Features, model: Weights | None = None) -> tuple[float, list[Agreement]]:
    """The match probability of two records and, per comparison, the level that held."""
    model = model or weights()
    total = model.prior_weight
    explained = []
    for comparison in COMPARISONS:
        rows = model.levels[comparison.name]
        for index, level in enumerate(comparison.levels):
            if not level.test(a, b):
                continue
            weight, u = rows[index]
            if level.tf:
                column = level.tf_column or comparison.tf_column
                tfs = [
                    t
                    for t in (
                        model.tf_of(column, getattr(a, column)),
                        model.tf_of(column, getattr(b, column)),
                    )
                    if t
                ]
                if tfs:
                    weight += math.log2(u) - math.log2(max(tfs))
            total += weight
            explained.append(Agreement(comparison.name, level.label, weight))
            break
    probability = 1.0 / (1.0 + 2.0 ** (-total))
    return probability, explained
