from __future__ import annotations

import pytest

from tumen.lib.yamldoc import DocumentError, line_at, parse, schema_problems

SCHEMA = {
    "type": "object",
    "required": ["items"],
    "properties": {
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code"],
                "properties": {"code": {"type": "string"}, "days": {"type": "integer"}},
                "additionalProperties": False,
            },
        }
    },
}


def test_lines_are_kept_for_keys_and_items():
    document = parse("items:\n  - code: a\n  - code: b\n    days: 3\n", "t.yaml")
    assert line_at(document, ["items", 1, "days"]) == 4
    assert line_at(document, ["items", 0]) == 2


def test_every_schema_problem_names_its_line():
    text = "items:\n  - code: a\n    days: many\n  - days: 2\n"
    problems = schema_problems(parse(text, "t.yaml"), SCHEMA)
    assert [p.line for p in sorted(problems)] == [3, 4]
    assert "'many' is not of type 'integer'" in sorted(problems)[0].message


def test_duplicate_keys_are_refused_with_both_lines():
    with pytest.raises(DocumentError, match=r"line 3: .*'code' appears twice \(first on line 2\)"):
        parse("items:\n  - code: a\n    code: b\n", "t.yaml")


def test_broken_yaml_names_the_line():
    with pytest.raises(DocumentError, match=r"t\.yaml has 1 problem: line 2"):
        parse("items:\n  - [unclosed\n", "t.yaml")


def test_error_message_counts_and_lists_every_problem():
    error = DocumentError("p.yaml", schema_problems(parse("items:\n  - {}\n  - {}\n", "p"), SCHEMA))
    assert str(error).startswith("p.yaml has 2 problems: line 2:")
    assert "line 3:" in str(error)
