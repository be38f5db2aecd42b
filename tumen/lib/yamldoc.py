"""YAML documents validated by a JSON Schema, with every problem tied to its line.

Scenario files and policy packs are written by people; when one is wrong the person needs the
line and the reason, all at once, not a traceback. `parse` keeps the line of every key and list
item; `schema_problems` turns schema errors into (line, sentence) pairs; `DocumentError` carries
them all and reads as one clear message.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import jsonschema
import yaml


@dataclass(frozen=True, order=True)
class Problem:
    line: int
    message: str


class DocumentError(ValueError):
    def __init__(self, source: str, problems: Iterable[Problem]):
        self.source = source
        self.problems = sorted(problems)
        count = len(self.problems)
        lines = "; ".join(f"line {p.line}: {p.message}" for p in self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{source} has {count} {noun}: {lines}")


class LineDict(dict):
    line: int = 0
    key_lines: dict

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    line: int = 0
    item_lines: list

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


class _Loader(yaml.SafeLoader):
    """SafeLoader that remembers lines and refuses duplicate keys (PyYAML keeps the last)."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result, key_lines = LineDict(), {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in key_lines:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"the key {key!r} appears twice (first on line {key_lines[key]})",
                key_node.start_mark,
            )
        key_lines[key] = key_node.start_mark.line + 1
        result[key] = loader.construct_object(value_node, deep=True)
    result.line, result.key_lines = node.start_mark.line + 1, key_lines
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def parse(text: str, source: str) -> Any:
    """The document, or DocumentError naming the line where YAML itself could not read it."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506  (_Loader is a SafeLoader)
    except yaml.MarkedYAMLError as exc:
        # The context mark is where the broken construct began (an unclosed bracket); the
        # problem mark is where the parser gave up, often the end of the file.
        start, found = exc.context_mark or exc.problem_mark, exc.problem_mark
        line = start.line + 1 if start else 1
        message = f"not valid YAML ({exc.context + ': ' if exc.context else ''}{exc.problem}"
        if found and start and found.line != start.line:
            message += f", noticed at line {found.line + 1}"
        raise DocumentError(source, [Problem(line, message + ")")]) from None


def line_at(document: Any, path: Iterable[Any]) -> int:
    """The line of the deepest node on `path` that the document knows a line for."""
    node, line = document, getattr(document, "line", 1)
    for step in path:
        if isinstance(node, LineDict | LineList):
            line = node.line_of(step)
            try:
                node = node[step]
            except (KeyError, IndexError, TypeError):
                break
        else:
            break
    return line or 1


def schema_problems(document: Any, schema: dict) -> list[Problem]:
    validator = jsonschema.Draft202012Validator(schema)
    problems = []
    for error in validator.iter_errors(document):
        where = "/".join(str(step) for step in error.absolute_path) or "the document"
        problems.append(
            Problem(line_at(document, error.absolute_path), f"{where}: {error.message}")
        )
    return problems
