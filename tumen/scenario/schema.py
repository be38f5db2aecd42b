"""The JSON Schema of a scenario file, and its errors turned into plain sentences.

Levels, unit kinds and roles come from the models' choices, so the file format cannot drift from
what the database accepts.
"""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from tumen.lib.yamldoc import Problem, line_at
from tumen.org.models import Level, Role, UnitKind

FORMAT_VERSION = 1


def _text(max_length: int, description: str = "a non-empty text") -> dict:
    return {"type": "string", "minLength": 1, "maxLength": max_length, "description": description}


def _code(max_length: int) -> dict:
    return {
        "type": "string",
        "pattern": r"^[a-z0-9]+(-[a-z0-9]+)*$",
        "maxLength": max_length,
        "description": "a code of lower-case letters and digits joined by single hyphens",
    }


def _names(max_length: int) -> dict:
    return _object({lang: _text(max_length) for lang in ("zh", "ko", "en")}, ["zh", "ko", "en"])


def _object(properties: dict, required: list[str]) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def _list_of(item: dict, *, min_items: int = 1) -> dict:
    return {"type": "array", "items": item, "minItems": min_items}


JURISDICTION = _object(
    {
        "code": _code(50),
        "level": {"enum": Level.values},
        "parent": _code(50),
        "name": _names(200),
    },
    ["code", "level", "name"],
)

UNIT = _object(
    {
        "code": _code(80),
        "kind": {"enum": UnitKind.values},
        "jurisdiction": _code(50),
        "name": _names(200),
    },
    ["code", "kind", "jurisdiction", "name"],
)

CLAUSE = _object(
    {
        "number": {"type": "integer", "minimum": 1},
        "clause_id": {
            "type": "string",
            "pattern": r"^[a-z0-9]+([.-][a-z0-9]+)*$",
            "maxLength": 60,
            "description": "an id of lower-case letters and digits joined by dots or hyphens",
        },
        "text": _names(100_000),
    },
    ["number", "clause_id", "text"],
)

DIRECTIVE = _object(
    {
        "code": _code(50),
        "issued_by": _code(50),
        "issued_on": {
            "type": "string",
            "pattern": r"^\d{4}-\d{2}-\d{2}$",
            "description": "a date written YYYY-MM-DD",
        },
        "title": _names(300),
        "addressees": _list_of(
            _object({"jurisdiction": _code(50), "unit": _code(80)}, ["jurisdiction"])
        ),
        "report_back_required": {"type": "boolean"},
        "report_back_clause": CLAUSE["properties"]["clause_id"],
        "clauses": _list_of(CLAUSE),
    },
    ["code", "issued_by", "issued_on", "title", "addressees", "clauses"],
)

CROSSING_POINT = _object(
    {
        "code": _code(50),
        "river": {"enum": ["tumen", "yalu"]},
        "jurisdiction": _code(50),
        "units": {"type": "array", "items": _code(80), "minItems": 1, "uniqueItems": True},
        "name": _names(200),
    },
    ["code", "river", "jurisdiction", "units", "name"],
)

DEMO_OFFICIAL = _object(
    {
        "username": {
            "type": "string",
            "pattern": r"^[\w.@+-]+$",
            "maxLength": 150,
            "description": "a user name of letters, digits and . @ + - _",
        },
        "unit": _code(80),
        "roles": {
            "type": "array",
            "items": {"enum": Role.values},
            "minItems": 1,
            "uniqueItems": True,
        },
        "language": {"enum": ["zh-hans", "ko", "en"]},
    },
    ["username", "unit", "roles"],
)

SCHEMA = _object(
    {
        "format": {"const": FORMAT_VERSION},
        "jurisdictions": _list_of(JURISDICTION),
        "units": _list_of(UNIT),
        "directive": DIRECTIVE,
        "demo_officials": _list_of(DEMO_OFFICIAL, min_items=0),
        "crossing_points": _list_of(CROSSING_POINT, min_items=0),
        # Policy packs the scenario works under: a shipped pack's code or a path relative to
        # the scenario file. Loaded after the directive, whose clauses they cite.
        "policy_packs": {"type": "array", "items": {"type": "string", "minLength": 1}},
    },
    ["format", "jurisdictions", "units"],
)

_VALIDATOR = Draft202012Validator(SCHEMA)

# How each list's items are named in messages, and the field that identifies one.
_ITEM_NAMES = {
    "jurisdictions": ("jurisdiction", "code"),
    "units": ("unit", "code"),
    "addressees": ("addressee", "jurisdiction"),
    "clauses": ("clause", "clause_id"),
    "demo_officials": ("demo official", "username"),
    "crossing_points": ("crossing point", "code"),
}

_TYPE_WORDS = {
    "string": "a text",
    "integer": "a whole number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of fields",
}


def schema_problems(document: Any) -> list[Problem]:
    """Every way the document departs from SCHEMA, one problem per departure."""
    return [_problem(error, document) for error in _VALIDATOR.iter_errors(document)]


def _problem(error: ValidationError, document: Any) -> Problem:
    path = list(error.absolute_path)
    subject = describe(document, path)
    text = _explain(error, subject)
    if error.validator == "additionalProperties":
        extra = _extra_fields(error)
        path = [*path, extra[0]] if extra else path
    return Problem(line_at(document, path), text)


def describe(data: Any, path: list) -> str:
    """Name what a path points at: `unit "yanji-border", field "kind"`, `the directive`."""
    subject, node, field, index = "the file", data, [], 0
    while index < len(path):
        key = path[index]
        node = _child(node, key)
        has_item = index + 1 < len(path) and isinstance(path[index + 1], int)
        if key in _ITEM_NAMES and has_item and not field:
            node = _child(node, path[index + 1])
            subject = _item_name(key, path[index + 1], node)
            index += 2
            continue
        if key == "directive" and index == 0:
            subject = "the directive"
        elif not isinstance(key, int):
            # List positions inside a field ("roles", item 2) add noise, not meaning.
            field.append(str(key))
        index += 1
    if not field:
        return subject
    dotted = ".".join(field)
    return f'the field "{dotted}"' if subject == "the file" else f'{subject}, field "{dotted}"'


def _child(node: Any, key: Any) -> Any:
    try:
        return node[key]
    except (KeyError, IndexError, TypeError):
        return None


def _item_name(list_key: str, index: int, item: Any) -> str:
    noun, id_field = _ITEM_NAMES[list_key]
    ident = item.get(id_field) if isinstance(item, dict) else None
    return f'{noun} "{ident}"' if isinstance(ident, str) else f"{noun} number {index + 1}"


def _extra_fields(error: ValidationError) -> list[str]:
    known = error.schema.get("properties", {})
    instance = error.instance if isinstance(error.instance, dict) else {}
    return sorted(str(key) for key in instance if key not in known)


def _explain(error: ValidationError, subject: str) -> str:
    explain = _EXPLAINERS.get(error.validator)
    return explain(error, subject) if explain else f"{subject}: {error.message}"


def _required(error: ValidationError, subject: str) -> str:
    instance = error.instance if isinstance(error.instance, dict) else {}
    missing = [name for name in error.validator_value if name not in instance]
    fields = ", ".join(f'"{name}"' for name in missing)
    noun = "field" if len(missing) == 1 else "fields"
    return f"{subject} lacks the required {noun} {fields}"


def _additional(error: ValidationError, subject: str) -> str:
    allowed = ", ".join(error.schema.get("properties", {}))
    extra = ", ".join(f'"{name}"' for name in _extra_fields(error))
    return f"{subject} has the unknown field {extra} (allowed: {allowed})"


def _enum(error: ValidationError, subject: str) -> str:
    allowed = ", ".join(str(value) for value in error.validator_value)
    return f'{subject} is "{error.instance}", which is not one of: {allowed}'


def _type(error: ValidationError, subject: str) -> str:
    wanted = _TYPE_WORDS.get(error.validator_value, error.validator_value)
    return f"{subject} must be {wanted}, not {_type_of(error.instance)}"


def _type_of(value: Any) -> str:
    # bool before int: True is an int to Python.
    for kind, word in _TYPE_OF:
        if isinstance(value, kind):
            return word
    return "empty" if value is None else type(value).__name__


_TYPE_OF = [
    (bool, "true or false"),
    (str, "a text"),
    (int | float, "a number"),
    (list, "a list"),
    (dict, "a mapping"),
]


def _pattern(error: ValidationError, subject: str) -> str:
    wanted = error.schema.get("description", f"text matching {error.validator_value}")
    return f'{subject} is "{error.instance}", which is not {wanted}'


def _length(error: ValidationError, subject: str) -> str:
    if error.validator == "minLength":
        return f"{subject} is empty"
    return f"{subject} is longer than {error.validator_value} characters"


def _min_items(error: ValidationError, subject: str) -> str:
    return f"{subject} must list at least {error.validator_value} item"


def _const(error: ValidationError, subject: str) -> str:
    return f'{subject} must be {error.validator_value}, not "{error.instance}"'


def _unique(error: ValidationError, subject: str) -> str:
    return f"{subject} lists the same value twice"


def _minimum(error: ValidationError, subject: str) -> str:
    return f"{subject} must be at least {error.validator_value}"


_EXPLAINERS = {
    "required": _required,
    "additionalProperties": _additional,
    "enum": _enum,
    "type": _type,
    "pattern": _pattern,
    "minLength": _length,
    "maxLength": _length,
    "minItems": _min_items,
    "const": _const,
    "uniqueItems": _unique,
    "minimum": _minimum,
}
