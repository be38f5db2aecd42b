"""`tumen generate`: synthetic registers through the bulk import, and cases in every state."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from tumen.audit.verify import verify_chain
from tumen.cases.models import Case, Status
from tumen.imports.synthetic import Generator
from tumen.lib.identity import prc_id_problem
from tumen.people.models import Person

pytestmark = pytest.mark.django_db


def generate(*args: str) -> str:
    out = io.StringIO()
    call_command("generate", *args, "--no-progress", stdout=out)
    return out.getvalue()


def test_generate_imports_persons_and_writes_cases_in_many_states_once():
    output = generate("--persons", "40", "--cases", "30")

    assert "persons: 40 imported" in output
    assert "cases: 30 written" in output
    assert Person.objects.count() >= 70  # the register, and the cases' households
    assert len(set(Case.objects.values_list("status", flat=True))) > 3
    assert Status.DRAFT in set(Case.objects.values_list("status", flat=True))
    assert len(set(Case.objects.values_list("jurisdiction", flat=True))) > 3
    assert "0 imported, 40 already there" in generate("--persons", "40")
    assert "0 written, 30 already there" in generate("--cases", "30")
    assert verify_chain().ok


def test_households_share_a_register_number_a_surname_and_a_county():
    rows = list(Generator(seed=7).persons(200))
    households = {}
    for row in rows:
        if row["household_number"]:
            households.setdefault(row["household_number"], []).append(row)
    assert max(len(members) for members in households.values()) > 1
    for members in households.values():
        assert len({(m["name_hangul"][0], m["residence"]) for m in members}) == 1
    for row in rows:
        if row["nationality"] == "prc":
            assert prc_id_problem(row["id_number"]) is None


def test_generate_writes_a_file_to_import_later(tmp_path):
    generate("--cases", "5", "--out", str(tmp_path / "demo.csv"))

    lines = (tmp_path / "demo-cases.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("record_id,name_hangul,name_hanzi,name_latin,sex,birth_date")
    assert len(lines) == 6
    assert Person.objects.count() == 0
