"""The message catalogs: complete in Chinese and Korean, and the committed .mo files match.

A fresh machine may lack gettext, so the compiled .mo files are committed; these tests make sure
nobody edits a .po file and forgets to recompile. The .po parser is deliberately small: it reads
what `makemessages` writes (msgctxt, msgid, msgid_plural, msgstr, msgstr[n], flags, obsolete
entries), nothing more.
"""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"
MUST_BE_COMPLETE = ["zh_Hans", "ko"]
ALL_CATALOGS = ["zh_Hans", "ko", "en"]
_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")\s*$")


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> str:
        # How GNU gettext keys an entry with a context.
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid


def parse_po(path: Path) -> list[Entry]:
    entries: list[Entry] = []
    entry, target = Entry(), None

    def finish() -> None:
        nonlocal entry, target
        if entry.msgstr:
            entries.append(entry)
        entry, target = Entry(), None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#~"):
            continue  # obsolete entries are not compiled
        elif line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            target(ast.literal_eval(line))
        else:
            match = _KEYWORD.match(line)
            assert match, f"{path}:{number}: cannot read {raw!r}"
            keyword, index, text = match.groups()
            if keyword == "msgid" and entry.msgstr:
                finish()
            entry.line = entry.line or number
            target = _setter(entry, keyword, index)
            target(ast.literal_eval(text))
    finish()
    return entries


def _setter(entry: Entry, keyword: str, index: str | None):
    def append(text: str) -> None:
        if keyword == "msgid":
            entry.msgid += text
        elif keyword == "msgctxt":
            entry.msgctxt = (entry.msgctxt or "") + text
        elif keyword == "msgid_plural":
            entry.msgid_plural = (entry.msgid_plural or "") + text
        else:
            slot = int(index) if index is not None else 0
            entry.msgstr[slot] = entry.msgstr.get(slot, "") + text

    return append


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.po"


def expected_catalog(entries: list[Entry]) -> dict:
    """What msgfmt puts in the .mo: translated, non-fuzzy entries, without the header."""
    catalog: dict = {}
    for entry in entries:
        if entry.msgid == "" or "fuzzy" in entry.flags:
            continue
        if entry.msgid_plural is None:
            if entry.msgstr[0]:
                catalog[entry.key] = entry.msgstr[0]
        elif all(entry.msgstr.values()):
            catalog.update({(entry.key, n): text for n, text in entry.msgstr.items()})
    return catalog


@pytest.mark.parametrize("language", MUST_BE_COMPLETE)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    entries = parse_po(po_path(language))
    problems = [
        f"line {e.line}: {e.msgid!r}"
        + (" is fuzzy" if "fuzzy" in e.flags else " has no translation")
        for e in entries
        if e.msgid and ("fuzzy" in e.flags or not all(e.msgstr.values()))
    ]

    assert len(entries) > 100
    assert not problems, f"{po_path(language)}:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", MUST_BE_COMPLETE)
def test_placeholders_survive_translation(language):
    placeholder = re.compile(r"%\(\w+\)s")
    for entry in parse_po(po_path(language)):
        if not entry.msgid:
            continue
        wanted = set(placeholder.findall(entry.msgid))
        for text in entry.msgstr.values():
            assert set(placeholder.findall(text)) == wanted, entry.msgid


@pytest.mark.parametrize("language", ALL_CATALOGS)
def test_the_committed_mo_file_matches_its_po_file(language):
    po = po_path(language)
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run manage.py compilemessages and commit it"

    with mo.open("rb") as handle:
        compiled = dict(gettext.GNUTranslations(handle)._catalog)
    compiled.pop("", None)

    assert compiled == expected_catalog(parse_po(po)), (
        f"{mo} is out of date: run manage.py compilemessages and commit it"
    )
