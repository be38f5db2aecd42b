"""Every message a service refuses with is registered (tumen.lib.errors.MESSAGES) and reads in
every language: each code is rendered with representative parameters in English, Chinese and
Korean, beside its field and away from it, with every list full and empty. A message fails if a
translation is missing (the zh or ko text equals the English), if it shows a raw code or field
key (`household_number`, `members[0]`, `relocation`, `identity_unverified`), or if it lists
nothing ("…: ." / "…：。").

Services may raise only registered codes: the modules are read (ast) for a ValidationError built
from words, and for a code that is not in the registry.
"""

from __future__ import annotations

import ast
import datetime
import itertools
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import translation
from django.utils.translation import gettext_lazy

from tumen.lib import errors
from tumen.lib.errors import LIST_KINDS, MESSAGES, described, error, raw_params
from tumen.lib.policy import parse_pack

ROOT = Path(__file__).resolve().parents[2]
PACK = parse_pack((ROOT / "policy" / "packs" / "cc1963.yaml").read_text(), "cc1963.yaml")
RELOCATION = PACK.case_type("relocation")
REPATRIATION = PACK.case_type("repatriation")
GROUND = RELOCATION.grounds["identity_unverified"]
LANGUAGES = ("en", "zh-hans", "ko")


def _status(code: str):
    from tumen.cases.models import Status

    return Status(code)


def _too_long() -> ValidationError:
    try:
        MaxLengthValidator(10)("x" * 11)
    except ValidationError as exc:
        return exc
    raise AssertionError("the validator let 11 characters through")


def _samples() -> dict:
    """A representative value per kind: what services pass."""
    return {
        "text": "YANJI-1963-000042",
        "quoted": "Pyongyang",
        "phrase": gettext_lazy("withdraw"),
        "choice": _status("in_clearance"),
        "label": RELOCATION.fields[0].label,
        "case_type": RELOCATION,
        "ground": GROUND,
        "date": datetime.date(2999, 1, 1),
        "field": "members[0].household_number",
        "nested": _too_long(),
        "number": 3,
        "case_types": [RELOCATION, REPATRIATION],
        "grounds": list(RELOCATION.grounds.values()),
        "choices": [_status("draft"), _status("submitted")],
        "labels": [rule.label for rule in RELOCATION.fields],
        "fields": ["name_hanzi", "members[1].date_of_birth", "persons[0].household"],
        "texts": ["YANJI-1963-000001", "YANJI-1963-000002"],
    }


# Codes as services and packs spell them, and the keys they name fields by.
RAW_CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
RAW_KEY = re.compile(r"\w+\[\d+\]|\bdetails\.\w+")
KNOWN_CODES = re.compile(
    r"\b(relocation|repatriation|destination|residence|identity_unverified|in_clearance|"
    r"household_number|date_of_birth|name_hanzi)\b"
)
# A list with nothing in it: "grounds: ." / "理由：。" / "사유: ."
EMPTY_LIST = re.compile(r"[:：]\s*[。.;；,，、]|[:：]\s*$|\(\s*\)|（\s*）")
# What the reader typed, echoed back in quotes, is theirs.
ECHOED = re.compile(r"“[^”]*”|‘[^’]*’")


def _variants(code: str):
    """The parameters to render `code` with: all full, then each emptiable list empty."""
    message = MESSAGES[code]
    samples = _samples()
    full = {name: samples[kind] for name, kind in message.params.items()}
    yield "full", full
    for name in message.empty:
        kind = message.params[name]
        yield f"{name}-empty", {**full, name: [] if kind in LIST_KINDS else None}


CASES = [(code, label, params) for code in MESSAGES for label, params in _variants(code)]


def _read(code: str, params: dict, language: str) -> tuple[str, str]:
    found = error(code, **params)
    with translation.override(language):
        return found.messages[0], described("members[0].household_number", found)


def _problems(text: str, language: str) -> list[str]:
    bare = ECHOED.sub("", text)
    found = []
    checks = [(RAW_CODE, "raw code"), (RAW_KEY, "raw field key"), (EMPTY_LIST, "empty list")]
    if language != "en":
        # In English prose "residence" is a word; in Chinese or Korean it is a leaked code.
        checks.append((KNOWN_CODES, "raw code"))
    for pattern, what in checks:
        match = pattern.search(bare)
        if match:
            found.append(f"{what} {match.group(0)!r}")
    return found


@pytest.mark.parametrize(
    ("code", "variant", "params"), CASES, ids=[f"{c}-{v}" for c, v, _ in CASES]
)
def test_every_registered_message_reads_in_every_language(code, variant, params):
    english = _read(code, params, "en")
    for language in LANGUAGES:
        shown = _read(code, params, language)
        for text, original in zip(shown, english, strict=True):
            assert text.strip(), f"{code} renders nothing in {language}"
            if language != "en":
                assert text != original, f"{code} is not translated into {language}: {original}"
            problems = _problems(text, language)
            assert not problems, f"{code} in {language}: {problems}: {text}"


def test_every_list_parameter_has_a_sentence_for_an_empty_list():
    for code, message in MESSAGES.items():
        for name, kind in message.params.items():
            if kind in LIST_KINDS:
                assert name in message.empty, f"{code}: no sentence for an empty {name}"


def test_an_unregistered_code_or_parameter_is_refused_at_once():
    with pytest.raises(KeyError):
        error("no_such_message")
    with pytest.raises(KeyError):
        error("member_already", pk=1, number="X", extra="y")


def test_the_api_gets_codes_and_values_not_words():
    found = error(
        "refusal_needs_ground", type=RELOCATION, grounds=list(RELOCATION.grounds.values())
    )
    assert found.code == "refusal_needs_ground"
    assert raw_params(found.params) == {
        "type": "relocation",
        "grounds": list(RELOCATION.grounds),
    }


def test_a_field_key_reads_as_its_label():
    with translation.override("zh-hans"):
        assert errors.field_words("members[0].household_number") == "第1位成员的户口登记号"
    with translation.override("ko"):
        assert "household_number" not in errors.field_words("members[2].household_number")
        assert "3" in errors.field_words("members[2].household_number")


# --- no service refuses with words of its own -------------------------------------------------

SERVICES = [
    "cases/intake.py",
    "cases/decisions.py",
    "cases/clearances.py",
    "cases/foreign.py",
    "cases/validation.py",
    "cases/workflow.py",
    "cases/services.py",
    "cases/deadlines.py",
    "people/services.py",
    "people/dedupe.py",
    "people/rules.py",
    "lib/dates.py",
    "authorizations/services.py",
    "reports/services.py",
    "reports/figures.py",
    "tokens/services.py",
    "web/referrals.py",
    "org/services.py",
]
# Calls whose first string argument (second for a field-keyed one) is a message code.
CODE_AT = {"error": 0, "invalid": 1, "add": 1}


def _calls(path: Path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            yield name, node


def _is_words(node: ast.AST) -> bool:
    """A string literal, a gettext call or a %-formatted string: a sentence made at raise time."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return True
    if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("_", "gettext"):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return True
    if isinstance(node, (ast.Dict, ast.List)):
        children = [*getattr(node, "values", []), *getattr(node, "elts", [])]
        return any(_is_words(child) for child in children)
    return False


@pytest.mark.parametrize("module", SERVICES)
def test_services_refuse_only_with_registered_codes(module):
    path = ROOT / module
    for name, node in _calls(path):
        where = f"{module}:{node.lineno}"
        if name in ("ValidationError", "PermissionDenied"):
            assert not any(_is_words(arg) for arg in node.args), f"{where}: words, not a code"
        if name in CODE_AT and len(node.args) > CODE_AT[name]:
            code = node.args[CODE_AT[name]]
            if isinstance(code, ast.Constant) and isinstance(code.value, str):
                assert code.value in MESSAGES, f"{where}: {code.value!r} is not registered"
            elif name != "add":
                assert not _is_words(code), f"{where}: words, not a code"


def test_every_registered_code_is_raised_somewhere():
    used = set()
    for path in itertools.chain(ROOT.rglob("*.py")):
        if "tests" in path.parts:
            continue
        used |= set(re.findall(r"\"([a-z_0-9]+)\"", path.read_text()))
    unused = sorted(set(MESSAGES) - used)
    assert not unused, f"registered but never raised: {unused}"
