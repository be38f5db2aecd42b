"""Comparable keys for personal names written in Hangul, Chinese characters or Latin letters.

One human being is 김영철 on a Korean document, 金永哲 on a Chinese one, "JIN YONGZHE" in Pinyin,
"Kim Yong Chol" (McCune-Reischauer) and "Gim Yeongcheol" (Revised Romanization). Each spelling is
reduced to a surname code (the South Hangul of the surname, from the curated table) and given-name
keys of two kinds:

* `k:` a lenient Korean skeleton: the Korean reading romanized syllable by syllable, then folded so
  that RR, MR and passport spellings of one sound agree (eo/o/u, k/g, ch/j, r/l, a silent h) and
  the initial-sound rule is applied at the start (룡/용, 리/이);
* `p:` the Pinyin of the characters (or of a Latin cell, read as Pinyin).

A Latin cell cannot say whether it is Korean or Pinyin, so it yields both kinds; the surname may
stand first or last ("Yong Chol Kim"), so both readings are kept when both are surnames.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache, lru_cache

from tumen.names import surnames

_BASE, _LAST = 0xAC00, 0xD7A3
_INITIALS = [
    "g",
    "kk",
    "n",
    "d",
    "tt",
    "r",
    "m",
    "b",
    "pp",
    "s",
    "ss",
    "-",
    "j",
    "jj",
    "ch",
    "k",
    "t",
    "p",
    "h",
]
_VOWELS = [
    "a",
    "ae",
    "ya",
    "yae",
    "eo",
    "e",
    "yeo",
    "ye",
    "o",
    "wa",
    "wae",
    "oe",
    "yo",
    "u",
    "wo",
    "we",
    "wi",
    "yu",
    "eu",
    "ui",
    "i",
]
_FINALS = [
    "-",
    "k",
    "k",
    "k",
    "n",
    "n",
    "n",
    "t",
    "l",
    "k",
    "m",
    "l",
    "l",
    "l",
    "p",
    "l",
    "m",
    "p",
    "p",
    "t",
    "t",
    "ng",
    "t",
    "t",
    "k",
    "t",
    "p",
    "t",
]
_RIEUL, _NIEUN, _IEUNG = 5, 2, 11
# Vowels before which a word-initial ㄹ or ㄴ is dropped in the South (리 → 이, 녀 → 여).
_I_LIKE = {2, 3, 6, 7, 12, 17, 20}

HANGUL, HANZI, LATIN = "hangul", "hanzi", "latin"


_HANGUL_RE = re.compile("[\uac00-\ud7a3]")
_HANZI_RE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_RE = re.compile("[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")


def script_of(text: str) -> str:
    """The script most of the letters of `text` are in, or "" for no letters."""
    counts = {
        HANGUL: len(_HANGUL_RE.findall(text)),
        HANZI: len(_HANZI_RE.findall(text)),
        LATIN: len(_LATIN_RE.findall(text)),
    }
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ""


def _split(syllable: str) -> tuple[int, int, int]:
    index = ord(syllable) - _BASE
    return index // 588, (index % 588) // 28, index % 28


def _join(initial: int, vowel: int, final: int) -> str:
    return chr(_BASE + initial * 588 + vowel * 28 + final)


def initial_sound_rule(word: str) -> str:
    """The South Korean spelling of a word's first syllable: 리 → 이, 류 → 유, 로 → 노, 녀 → 여."""
    if not word or not _BASE <= ord(word[0]) <= _LAST:
        return word
    initial, vowel, final = _split(word[0])
    if initial == _RIEUL:
        initial = _IEUNG if vowel in _I_LIKE else _NIEUN
    if initial == _NIEUN and vowel in _I_LIKE:
        initial = _IEUNG
    return _join(initial, vowel, final) + word[1:]


def romanize(hangul: str) -> str:
    """Revised Romanization syllable by syllable, as names are spelt: 김영철 → gimyeongcheol."""
    out = []
    for c in hangul:
        if not _BASE <= ord(c) <= _LAST:
            out.append(c)
            continue
        i, v, f = _split(c)
        out.append(_INITIALS[i].strip("-") + _VOWELS[v] + _FINALS[f].strip("-"))
    return "".join(out)


_FOLDS = [
    (r"yeo", "yo"),
    (r"eo", "o"),
    (r"eu", "u"),
    (r"o[ou]", "u"),
    (r"(?:oe|ae|ai|ea)", "e"),
    (r"(?:ee|ui|yi)", "i"),
    (r"u", "o"),
    (r"tch|ch|jj|c|z", "j"),
    (r"kk|gg|k|q", "g"),
    (r"tt|t", "d"),
    (r"pp|p|f", "b"),
    (r"ss|sh", "s"),
    (r"r", "l"),
    (r"h(?![aeiouyw])", ""),
    (r"(.)\1+", r"\1"),
]
_FOLDS_RE = [(re.compile(a), b) for a, b in _FOLDS]


def _fold(s: str) -> str:
    for pattern, repl in _FOLDS_RE:
        s = pattern.sub(repl, s)
    return s


@lru_cache(maxsize=200_000)
def korean_skeleton(latin: str) -> str:
    """Fold a Korean name's romanization so RR, MR and passport spellings agree.

    "Yeongcheol", "Yŏng-ch'ŏl", "Young Chul" and "Ryong-chol"'s first syllable all fold alike.
    """
    s = _fold(surnames.latin_token(latin))
    # The initial-sound rule, in Latin letters: Ryong → yong, Rim → im, Ro → no, Nyo → yo.
    s = re.sub(r"^l(?=[iy])", "", s)
    s = re.sub(r"^l", "n", s)
    return re.sub(r"^n(?=[iy])", "", s)


@dataclass(frozen=True)
class Reading:
    """One way of reading a name cell: surname codes and given-name keys, with its script.

    `guesses` are, for a Pinyin given name, the Korean-skeleton keys of every Korean reading of
    the common characters it may be written with (`korean_guesses`); `characters` is the given
    name in simplified Chinese characters, when the cell has them.
    """

    script: str
    surnames: frozenset[str]
    given: frozenset[str]
    guesses: frozenset[str] = frozenset()
    characters: str = ""
    jamo: str = ""


def jamo_letters(hangul: str) -> str:
    """A Hangul given name letter by letter (initial, vowel, final), one ASCII character each,
    the initial-sound rule applied: a wrong vowel or consonant is one edit, not a new syllable."""
    out = []
    for c in initial_sound_rule(hangul):
        if not _BASE <= ord(c) <= _LAST:
            continue
        i, v, f = _split(c)
        out.append(chr(0x41 + i) + chr(0x61 + v) + (chr(0x21 + f) if f else ""))
    return "".join(out)


@cache
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def simplified(hanzi: str) -> str:
    return _converter("t2s").convert(hanzi)


def traditional(hanzi: str) -> str:
    return _converter("s2t").convert(hanzi)


def sino_korean(hanzi: str) -> str:
    """The Sino-Korean reading of Chinese characters (金永哲 → 금영철: no surname correction)."""
    import hanja

    return hanja.translate(traditional(hanzi), "substitution")


def pinyin(hanzi: str) -> str:
    from pypinyin import lazy_pinyin

    return surnames.latin_token("".join(lazy_pinyin(hanzi)))


@cache
def _pinyin_syllables() -> frozenset[str]:
    from pypinyin.pinyin_dict import pinyin_dict

    return frozenset(
        surnames.latin_token(reading)
        for value in pinyin_dict.values()
        for reading in value.split(",")
    )


@lru_cache(maxsize=200_000)
def is_pinyin(latin: str) -> bool:
    """Whether a Latin name splits into Pinyin syllables ("Yongzhe" yes, "Yeongcheol" no)."""
    token = surnames.latin_token(latin)
    syllables = _pinyin_syllables()
    ends = {0}
    for end in range(1, len(token) + 1):
        if any(
            start in ends and token[start:end] in syllables for start in range(max(0, end - 6), end)
        ):
            ends.add(end)
    return bool(token) and len(token) in ends


def _common_character(ch: str) -> bool:
    """A character of the first (commonest) level of GB 2312 or of Big5: the characters names
    are written with, and not the rare ones that would make every Pinyin syllable read as
    everything."""
    for encoding, first, last in (("gb2312", 0xB0, 0xD7), ("big5", 0xA4, 0xC6)):
        try:
            raw = ch.encode(encoding)
        except UnicodeEncodeError:
            continue
        if len(raw) == 2 and first <= raw[0] <= last:
            return True
    return False


@cache
def _pinyin_korean() -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """Per toneless Pinyin syllable, the skeletons of the Sino-Korean readings of the common
    characters read so ("cheng" → song, jong, ...), as the first syllable of a given name (the
    initial-sound rule applied) and as a later one. Pinyin and Korean are two readings of one set
    of characters, so a Pinyin-only name and a Korean-only name can still be compared."""
    from hanja.table import hanja_table
    from pypinyin import Style
    from pypinyin.pinyin_dict import pinyin_dict
    from pypinyin.style import convert

    table: dict[str, tuple[set[str], set[str]]] = {}
    for codepoint, spelled in pinyin_dict.items():
        ch = chr(codepoint)
        reading = hanja_table.get(ch)
        if not reading or not _common_character(ch):
            continue
        first = korean_skeleton(romanize(initial_sound_rule(reading)))
        later = _fold(romanize(reading))
        for one in spelled.split(","):
            syllable = surnames.latin_token(convert(one, Style.NORMAL, strict=False))
            starts, rests = table.setdefault(syllable, (set(), set()))
            starts.add(first)
            rests.add(later)
    return {k: (frozenset(a), frozenset(b)) for k, (a, b) in table.items()}


@lru_cache(maxsize=200_000)
def pinyin_segments(latin: str) -> tuple[str, ...]:
    """A Pinyin given name cut into the fewest syllables ("yongzhe" → yong, zhe); () if it is
    not Pinyin."""
    token = surnames.latin_token(latin)
    syllables = _pinyin_korean()
    best: list[tuple[str, ...] | None] = [()] + [None] * len(token)
    for end in range(1, len(token) + 1):
        for start in range(max(0, end - 6), end):
            head, current = best[start], best[end]
            if (
                head is not None
                and token[start:end] in syllables
                and (current is None or len(head) + 1 < len(current))
            ):
                best[end] = (*head, token[start:end])
    return (best[len(token)] or ()) if token else ()


# A Pinyin name with more Korean readings than this says too little to be compared by them.
MAX_GUESSES = 400
_DOUBLED = re.compile(r"(.)\1+")


@lru_cache(maxsize=200_000)
def korean_guesses(latin: str) -> frozenset[str]:
    """The Korean-skeleton keys of a Pinyin given name's possible Korean readings.

    "Yincheng" may be 銀成, 殷誠, 隱正 …; their Korean readings 은성, 은정, 인정 … give keys that a
    Hangul-only record of the same person shares ("k:onsong"). Empty when the name has too many.
    """
    segments = pinyin_segments(latin)
    if not segments:
        return frozenset()
    table = _pinyin_korean()
    options = [table[segments[0]][0], *(table[s][1] for s in segments[1:])]
    if math.prod(len(o) for o in options) > MAX_GUESSES:
        return frozenset()
    found = {"k:"}
    for syllables in options:
        # A letter doubled across syllables folds to one, as korean_skeleton folds it.
        found = {a + (b[1:] if a[-1] == b[:1] else b) for a in found for b in syllables}
    return frozenset(found)


def may_be_korean(latin: str) -> bool:
    """Whether a Latin name can be a Korean romanization: none has x, q or z."""
    return not re.search(r"[xqz]", surnames.latin_token(latin))


def _latin_given_keys(text: str) -> frozenset[str]:
    korean, chinese = may_be_korean(text), is_pinyin(text)
    if not korean and not chinese:
        korean = chinese = True
    return _given_keys(text if korean else "", text if chinese else "")


def _given_keys(korean: str = "", pinyin_text: str = "") -> frozenset[str]:
    keys = set()
    if korean and (skeleton := korean_skeleton(korean)):
        keys.add("k:" + skeleton)
    if pinyin_text and (token := surnames.latin_token(pinyin_text)):
        keys.add("p:" + token)
    return frozenset(keys)


# A register repeats given names under many surnames and spellings: each part of a name is
# read once (the caches below), so that a million records cost what their distinct names cost.


@lru_cache(maxsize=200_000)
def _hanzi_given(given: str) -> tuple[frozenset[str], str, str]:
    korean = sino_korean(given)
    keys = _given_keys(romanize(initial_sound_rule(korean)), pinyin(given))
    return keys, simplified(given), jamo_letters(korean)


@lru_cache(maxsize=10_000)
def _hanzi_surname(family: str) -> str:
    entry = _surname_entry(family)
    return entry.code if entry else initial_sound_rule(sino_korean(family))


def _hanzi_reading(text: str) -> Reading:
    family, given = _hanzi_split(text)
    keys, characters, jamo = _hanzi_given(given)
    return Reading(
        HANZI, frozenset({_hanzi_surname(family)}), keys, characters=characters, jamo=jamo
    )


@lru_cache(maxsize=200_000)
def _hangul_given(given: str) -> tuple[frozenset[str], str]:
    return _given_keys(romanize(initial_sound_rule(given))), jamo_letters(given)


def _hangul_reading(text: str) -> Reading:
    text = "".join(c for c in text if not c.isspace())
    head = 2 if len(text) > 2 and text[:2] in surnames.compound_hangul() else 1
    family, given = text[:head], text[head:]
    codes = {s.code for s in surnames.by_hangul(family)} or {initial_sound_rule(family)}
    keys, jamo = _hangul_given(given)
    return Reading(HANGUL, frozenset(codes), keys, jamo=jamo)


@lru_cache(maxsize=200_000)
def _latin_given(token: str) -> tuple[frozenset[str], frozenset[str]]:
    return _latin_given_keys(token), korean_guesses(token) if is_pinyin(token) else frozenset()


def _latin_reading(codes: frozenset[str], given: list[str]) -> Reading:
    keys, guesses = _latin_given(surnames.latin_token("".join(given)))
    return Reading(LATIN, codes, keys, guesses)


def _latin_readings(text: str) -> list[Reading]:
    tokens = [t for t in re.split(r"[\s,]+", text.strip()) if surnames.latin_token(t)]
    if not tokens:
        return []
    if len(tokens) == 1:
        return [_latin_reading(frozenset(), tokens)]
    readings = []
    for family, rest in ((tokens[0], tokens[1:]), (tokens[-1], tokens[:-1])):
        if codes := surnames.codes_for_latin(family):
            readings.append(_latin_reading(codes, rest))
    if not readings:
        code = "~" + korean_skeleton(tokens[0])
        readings.append(_latin_reading(frozenset({code}), tokens[1:]))
    return readings


# Whole cells rarely repeat in a large register (spellings, typos, case): the caches of the parts
# carry the reuse, and this one stays small.
@lru_cache(maxsize=50_000)
def readings(text: str) -> tuple[Reading, ...]:
    """Every reading of one name cell, whatever column it was typed in."""
    script = script_of(text)
    if script == HANZI:
        return (_hanzi_reading(text),)
    if script == HANGUL:
        return (_hangul_reading(text),)
    if script == LATIN:
        return tuple(_latin_readings(text))
    return ()


@dataclass(frozen=True)
class NameKeys:
    """The comparable keys of a person's names in all scripts.

    `pairs` joins a surname code and a given-name key ("김|k:yongjol"); two records with a common
    pair almost certainly name the same person's name.
    """

    surnames: frozenset[str]
    given: frozenset[str]
    pairs: frozenset[str]
    scripts: tuple[tuple[str, frozenset[str]], ...]
    # The Korean skeleton of the given name from the most trustworthy cell (Hangul, then
    # Chinese characters, then Latin letters), for the one-letter-apart comparison.
    main_korean: str = ""
    # Korean-skeleton keys guessed from a Pinyin given name (`korean_guesses`), when no cell
    # gives the Korean reading.
    guesses: frozenset[str] = frozenset()
    # The given name in (simplified) Chinese characters, when a cell has them.
    characters: str = ""
    # The Korean reading of the given name, letter by letter (`jamo_letters`), from the Hangul
    # cell or else the characters' reading.
    jamo: str = ""

    def script_of_key(self, key: str) -> str:
        """The scripts a surname code, given key or pair came from, for explanations."""
        return "+".join(sorted(s for s, keys in self.scripts if key in keys))


_TRUST = {HANGUL: 0, HANZI: 1, LATIN: 2}


def _agreeing(latin: Reading, native_surnames: set[str], native_given: set[str]) -> Reading:
    """A Latin reading narrowed to what the person's Hangul or characters confirm.

    "Jin Chengbing" beside 金誠炳 is Pinyin, not a Korean romanization: its Korean-skeleton key
    would only add chance agreements with other people.
    """
    shared = latin.given & native_given
    if not shared:
        return latin
    return Reading(LATIN, (latin.surnames & native_surnames) or latin.surnames, frozenset(shared))


def name_keys(*cells: str) -> NameKeys:
    """The keys of a person's name cells (Hangul, Hanzi, Latin in any order or column)."""
    found = [r for cell in cells for r in readings((cell or "").strip())]
    native = [r for r in found if r.script != LATIN]
    latin = [r for r in found if r.script == LATIN]
    if native and latin:
        native_surnames = {s for r in native for s in r.surnames}
        native_given = {g for r in native for g in r.given}
        # Family name first or last: keep the reading whose surname the other cells confirm.
        latin = [r for r in latin if r.surnames & native_surnames] or latin
        latin = [_agreeing(r, native_surnames, native_given) for r in latin]
    found = sorted(native + latin, key=lambda r: _TRUST[r.script])
    fam: set[str] = set()
    giv: set[str] = set()
    pairs: set[str] = set()
    scripts: dict[str, set[str]] = {}
    for r in found:
        fam |= r.surnames
        giv |= r.given
        these = {f"{s}|{g}" for s in r.surnames for g in r.given}
        pairs |= these
        scripts.setdefault(r.script, set()).update(r.surnames | r.given | these)
    korean = [sorted(k for k in r.given if k.startswith("k:")) for r in found]
    main = next((keys[0] for keys in korean if keys), "")
    return NameKeys(
        frozenset(fam),
        frozenset(giv),
        frozenset(pairs),
        tuple((s, frozenset(k)) for s, k in sorted(scripts.items())),
        main,
        frozenset() if native else frozenset(g for r in latin for g in r.guesses),
        next((r.characters for r in found if r.characters), ""),
        next((r.jamo for r in found if r.jamo), ""),
    )


def _hanzi_split(text: str) -> tuple[str, str]:
    text = "".join(c for c in text if not c.isspace() and c not in "·・.")
    head = 2 if len(text) > 2 and text[:2] in surnames.compound_hanzi() else 1
    return text[:head], text[head:]


def _surname_entry(family: str) -> surnames.Surname | None:
    return (
        surnames.by_hanzi(family)
        or surnames.by_hanzi(simplified(family))
        or surnames.by_hanzi(traditional(family))
    )


def korean_reading(hanzi: str) -> str:
    """The Hangul of a name in Chinese characters, surname from the table: 金永哲 → 김영철."""
    family, given = _hanzi_split(hanzi)
    entry = _surname_entry(family)
    head = entry.hangul_south if entry else initial_sound_rule(sino_korean(family))
    return head + initial_sound_rule(sino_korean(given))


def pinyin_name(hanzi: str) -> str:
    """The Pinyin of a name in Chinese characters, surname from the table: 朴单 → "Piao Dan"."""
    family, given = _hanzi_split(hanzi)
    entry = _surname_entry(family)
    head = entry.pinyin.replace("ü", "v") if entry else pinyin(family)
    return f"{head.capitalize()} {pinyin(given).capitalize()}".strip()
