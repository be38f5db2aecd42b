"""Helpers for scenario tests: a small valid scenario to break, and a snapshot of the tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from tumen.audit.models import AuditEvent
from tumen.directives.models import Addressee, Clause, Directive
from tumen.org.models import Jurisdiction, Official, RoleGrant, WorkUnit

# Codes that the 1963 scenario does not use, so loading this adds rows next to it.
MINI = """\
format: 1
jurisdictions:
  - code: t-centre
    level: central
    name: {zh: 测试中央, ko: 시험중앙, en: Test Centre}
  - code: t-bureau
    level: bureau
    parent: t-centre
    name: {zh: 测试局, ko: 시험국, en: Test Bureau}
units:
  - code: t-centre-committee
    kind: party_committee
    jurisdiction: t-centre
    name: {zh: 测试委员会, ko: 시험위원회, en: Test Committee}
directive:
  code: t-directive
  issued_by: t-centre
  issued_on: 1999-01-02
  title: {zh: 测试指示, ko: 시험지시, en: Test directive}
  addressees:
    - {jurisdiction: t-bureau}
  report_back_required: true
  report_back_clause: t.2
  clauses:
    - {number: 1, clause_id: t.1, text: {zh: 一, ko: 하나, en: One}}
    - {number: 2, clause_id: t.2, text: {zh: 二, ko: 둘, en: Two}}
demo_officials:
  - {username: t.demo, unit: t-centre-committee, roles: [analyst, administrator]}
"""

TABLES = (Jurisdiction, WorkUnit, Directive, Clause, Addressee, Official, RoleGrant, AuditEvent)


def snapshot() -> dict[str, int]:
    """Row counts of every table a load writes, to show that a failed load wrote nothing."""
    return {model._meta.label: model.objects.count() for model in TABLES}


def line_of(text: str, fragment: str) -> int:
    """The 1-based line of the only line containing `fragment`."""
    lines = [number for number, line in enumerate(text.splitlines(), 1) if fragment in line]
    assert len(lines) == 1, f"{fragment!r} is on lines {lines}"
    return lines[0]


@pytest.fixture
def scenario_file(tmp_path):
    """Write a scenario text to a file and return its path."""

    def write(text: str, name: str = "scenario.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def fast_hasher(settings):
    """Demo loads hash a password per official; tests that do not examine the hash skip Argon2."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
