"""Loading policy packs: validated with the line of every problem, and versions never rewritten."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from tumen.audit.models import AuditEvent
from tumen.policy.models import PolicyPack
from tumen.policy.selectors import intake_case_types, pack_for_case_type
from tumen.policy.services import PACKS_DIR, PolicyError, policy_pack_load

SHIPPED = (PACKS_DIR / "cc1963.yaml").read_text(encoding="utf-8")


def write(tmp_path, text, name="pack.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_the_shipped_pack_is_loaded_once_and_reloading_changes_nothing(db):
    stored = PolicyPack.objects.get(code="cc1963", version=1)
    events = AuditEvent.objects.count()
    assert policy_pack_load(source="cc1963") == stored
    assert AuditEvent.objects.count() == events
    assert {kind.code for _pack, kind in intake_case_types()} == {
        "relocation",
        "repatriation",
        "family_travel",
    }


def test_a_schema_problem_names_its_line(db, tmp_path):
    text = SHIPPED.replace("priority: expedited", "priority: urgent")
    with pytest.raises(PolicyError) as caught:
        policy_pack_load(source=write(tmp_path, text))
    message = str(caught.value)
    assert message.startswith("pack.yaml has 1 problem: ")
    assert f"line {line_of(text, 'priority: urgent')}" in message
    assert "urgent" in message


def test_a_broken_reference_inside_the_pack_names_its_line(db, tmp_path):
    text = SHIPPED.replace("retype_to: relocation", "retype_to: emigration")
    with pytest.raises(PolicyError, match="re-types to 'emigration', which is not a case type"):
        policy_pack_load(source=write(tmp_path, text))


def test_a_clause_the_directive_does_not_have_is_refused(db, tmp_path):
    text = SHIPPED.replace("version: 1", "version: 3", 1).replace(
        "approve_clause: cc1963.5", "approve_clause: cc1963.99"
    )
    with pytest.raises(PolicyError, match=r"does not have: cc1963\.99"):
        policy_pack_load(source=write(tmp_path, text))
    assert not PolicyPack.objects.filter(version=3).exists()


def test_a_pack_citing_a_directive_not_loaded_is_refused(db, tmp_path):
    text = SHIPPED.replace("directive: cc-1963-08-08", "directive: cc-1964-01-01")
    with pytest.raises(PolicyError, match="'cc-1964-01-01' it cites is not loaded"):
        policy_pack_load(source=write(tmp_path, text))


def test_the_same_version_with_different_content_is_refused(db, tmp_path):
    text = SHIPPED.replace("deadline_days: 30", "deadline_days: 20")
    before = PolicyPack.objects.get(code="cc1963", version=1).sha256
    with pytest.raises(PolicyError, match="already loaded with different content"):
        policy_pack_load(source=write(tmp_path, text))
    assert PolicyPack.objects.get(code="cc1963", version=1).sha256 == before


def test_a_new_version_becomes_the_one_new_cases_use(db, tmp_path):
    v2 = policy_pack_load(source=write(tmp_path, SHIPPED.replace("version: 1", "version: 2", 1)))
    assert pack_for_case_type("relocation") == v2
    assert not PolicyPack.objects.get(code="cc1963", version=1).active
    event = AuditEvent.objects.filter(action="policy.pack_loaded").order_by("seq").last()
    assert event.payload["version"] == 2


def test_the_command_loads_a_pack_and_reports_problems(db, tmp_path):
    out = io.StringIO()
    call_command("policy", "load", "cc1963", stdout=out)
    assert out.getvalue().strip() == "Policy pack cc1963 v1 is loaded (3 case types)."
    with pytest.raises(CommandError, match="cannot read the policy pack"):
        call_command("policy", "load", str(tmp_path / "missing.yaml"))


def test_only_one_case_type_may_open_from_foreign_requests(db, tmp_path):
    from tumen.policy.services import PACKS_DIR, PolicyError, policy_pack_load

    text = (PACKS_DIR / "cc1963.yaml").read_text(encoding="utf-8")
    text = text.replace("version: 1", "version: 9").replace(
        "    restriction_clause: cc1963.5\n",
        "    restriction_clause: cc1963.5\n    from_foreign_request: true\n",
    )
    path = tmp_path / "two-openers.yaml"
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    # The second type that claims requests is the one named (family_travel, after repatriation).
    line = len(lines) - lines[::-1].index("    from_foreign_request: true")
    with pytest.raises(PolicyError, match=f"line {line}: only one case type may be opened"):
        policy_pack_load(source=path)
