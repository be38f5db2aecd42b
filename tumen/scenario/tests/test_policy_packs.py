"""A scenario brings the policy it works under."""

from __future__ import annotations

import pytest

from tumen.policy.models import PolicyPack
from tumen.scenario.loader import ScenarioError, load_scenario, shipped_path


def test_the_1963_scenario_loads_its_policy_pack(db):
    report = load_scenario("1963")
    assert report.policy_packs == ["cc1963 v1"]
    assert PolicyPack.objects.filter(code="cc1963", version=1, active=True).exists()


def test_an_unloadable_pack_names_its_line_and_undoes_the_load(db, tmp_path):
    text = shipped_path("1963").read_text(encoding="utf-8")
    text = text.replace("policy_packs: [cc1963]", "policy_packs:\n  - cc1963\n  - missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text(text.replace("Yanji", "Yanji (renamed)"), encoding="utf-8")
    line = text.splitlines().index("  - missing.yaml") + 1
    with pytest.raises(ScenarioError, match=f"line {line}: cannot read the policy pack"):
        load_scenario(broken)
    assert not PolicyPack.objects.exclude(code="cc1963").exists()
    from tumen.org.models import Jurisdiction

    assert "renamed" not in Jurisdiction.objects.get(code="yanji").name_en
