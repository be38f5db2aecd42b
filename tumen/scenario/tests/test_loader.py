"""load_scenario: idempotent writes, one audit event per real change, and refusals by line."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.hashers import check_password

from tumen import settings as shipped_settings
from tumen.audit.models import AuditEvent
from tumen.directives.models import Clause, Directive
from tumen.org.models import Jurisdiction, Official, RoleGrant, WorkUnit
from tumen.scenario.loader import ScenarioError, load_scenario
from tumen.scenario.tests.conftest import MINI, line_of, snapshot

DEMO_PASSWORD = "a demo password for 1963"


def last_event() -> AuditEvent:
    return AuditEvent.objects.order_by("-seq").first()


def roles_of(username: str) -> set[str]:
    return set(RoleGrant.objects.filter(official__username=username).values_list("role", flat=True))


# Idempotence and audit ------------------------------------------------------------------------


def test_loading_the_shipped_scenario_again_changes_nothing_and_audits_nothing(db):
    before = snapshot()

    report = load_scenario("1963")

    assert snapshot() == before
    assert not report.changed
    assert report.audit_seq is None
    assert report.tallies["jurisdictions"].unchanged == Jurisdiction.objects.count()
    assert report.tallies["clauses"].unchanged == 8


def test_a_changed_name_is_restored_and_audited_once(db):
    WorkUnit.objects.filter(code="yanji-office").update(name_en="Renamed")
    before = snapshot()

    report = load_scenario("1963")

    assert WorkUnit.objects.get(code="yanji-office").name_en == "Yanji People's Committee"
    assert report.tallies["units"].updated == 1
    after = snapshot()
    assert after.pop("audit.AuditEvent") == before.pop("audit.AuditEvent") + 1
    assert after == before
    event = last_event()
    assert (event.seq, event.action, event.actor_id) == (report.audit_seq, "scenario.loaded", None)
    assert event.payload["counts"]["units"]["updated"] == 1
    assert event.payload["source_sha256"] == report.source_sha256
    assert len(report.source_sha256) == 64


def test_a_new_file_creates_its_rows_parents_first(db, scenario_file):
    report = load_scenario(scenario_file(MINI))

    assert Jurisdiction.objects.get(code="t-bureau").path == "/t-centre/t-bureau/"
    directive = Directive.objects.get(code="t-directive")
    assert directive.report_back_clause.clause_id == "t.2"
    assert directive.addressees.get().jurisdiction.code == "t-bureau"
    assert report.tallies["jurisdictions"].created == 2
    assert report.tallies["clauses"].created == 2


def test_a_moved_jurisdiction_takes_its_subtree_along(db, scenario_file):
    text = MINI.replace(
        "units:",
        "  - code: t-bureau-2\n    level: bureau\n    parent: t-centre\n"
        "    name: {zh: 局二, ko: 국둘, en: Bureau 2}\n"
        "  - code: t-province\n    level: province\n    parent: t-bureau\n"
        "    name: {zh: 省, ko: 성, en: Province}\n"
        "  - code: t-prefecture\n    level: prefecture\n    parent: t-province\n"
        "    name: {zh: 州, ko: 주, en: Prefecture}\nunits:",
    )
    load_scenario(scenario_file(text))

    load_scenario(scenario_file(text.replace("parent: t-bureau\n", "parent: t-bureau-2\n")))

    assert Jurisdiction.objects.get(code="t-province").path == "/t-centre/t-bureau-2/t-province/"
    assert (
        Jurisdiction.objects.get(code="t-prefecture").path
        == "/t-centre/t-bureau-2/t-province/t-prefecture/"
    )


def test_an_addressee_the_file_no_longer_lists_is_removed(db, scenario_file):
    load_scenario(scenario_file(MINI))
    text = MINI.replace("    - {jurisdiction: t-bureau}\n", "    - {jurisdiction: t-centre}\n")

    report = load_scenario(scenario_file(text))

    directive = Directive.objects.get(code="t-directive")
    assert [a.jurisdiction.code for a in directive.addressees.all()] == ["t-centre"]
    assert report.tallies["addressees"].removed == 1


# Refusals: nothing half-loaded ----------------------------------------------------------------


def refused(path) -> ScenarioError:
    before = snapshot()
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert snapshot() == before, "a refused load must leave every table as it was"
    return caught.value


def test_a_yaml_syntax_error_names_the_line(db, scenario_file):
    text = MINI.replace("    level: bureau\n", "    level: bureau: central\n")

    path = scenario_file(text, "broken.yaml")

    error = refused(path)

    line = line_of(text, "level: bureau: central")
    assert str(error).startswith(f"{path} line {line}: not valid YAML")


def test_a_schema_violation_names_the_entry_the_field_and_the_line(db, scenario_file):
    text = MINI.replace("    level: bureau\n", "    level: buro\n")

    error = refused(scenario_file(text))

    line = line_of(text, "level: buro")
    assert error.problems[0].line == line
    assert str(error) == (
        f'{scenario_file(text)} line {line}: jurisdiction "t-bureau", field "level" is "buro", '
        "which is not one of: central, bureau, province, prefecture, county."
    )


def test_a_missing_field_and_an_unknown_field_are_both_named(db, scenario_file):
    text = MINI.replace("    kind: party_committee\n", "    sort: party_committee\n")

    error = refused(scenario_file(text))

    message = str(error)
    assert message.splitlines()[0].endswith("has 2 problems.")
    assert 'unit "t-centre-committee" lacks the required field "kind"' in message
    assert (
        f'line {line_of(text, "sort:")}: unit "t-centre-committee" has the unknown field "sort"'
        in message
    )


def test_an_unknown_reference_names_the_unit_and_the_code(db, scenario_file):
    text = MINI.replace("    jurisdiction: t-centre\n", "    jurisdiction: t-centr\n")

    path = scenario_file(text, "refs.yaml")

    error = refused(path)

    line = line_of(text, "jurisdiction: t-centr")
    assert str(error) == (
        f'{path} line {line}: unit "t-centre-committee" names unknown jurisdiction "t-centr".'
    )


def test_a_duplicate_code_names_both_lines(db, scenario_file):
    text = MINI.replace(
        "units:\n",
        "  - code: t-bureau\n    level: bureau\n    parent: t-centre\n"
        "    name: {zh: 重, ko: 중, en: Again}\nunits:\n",
    )

    error = refused(scenario_file(text))

    first, second = (n for n, line in enumerate(text.splitlines(), 1) if "code: t-bureau" in line)
    assert error.problems[0].line == second
    assert f'jurisdiction "t-bureau" appears twice (first on line {first})' in str(error)


def test_a_county_directly_under_a_bureau_is_refused(db, scenario_file):
    text = MINI.replace("    level: bureau\n", "    level: county\n")

    error = refused(scenario_file(text))

    assert "the parent of a county must be a prefecture" in str(error)
    assert error.problems[0].line == line_of(text, "parent: t-centre")


def test_clause_numbers_must_run_from_one_and_the_report_back_clause_must_exist(db, scenario_file):
    text = MINI.replace("{number: 2, clause_id: t.2", "{number: 3, clause_id: t.2").replace(
        "report_back_clause: t.2", "report_back_clause: t.9"
    )

    error = refused(scenario_file(text))

    assert len(error.problems) == 2
    assert str(error).splitlines()[0].endswith("has 2 problems.")
    assert 'clause "t.2" has number 3' in str(error)
    assert 'report-back clause "t.9" is not one of its clauses' in str(error)


def test_every_problem_is_reported_at_once_in_line_order(db, scenario_file):
    text = (
        MINI.replace("    jurisdiction: t-centre\n", "    jurisdiction: nowhere\n")
        .replace("issued_by: t-centre", "issued_by: nobody")
        .replace("unit: t-centre-committee,", "unit: no-unit,")
    )

    error = refused(scenario_file(text))

    lines = [problem.line for problem in error.problems]
    assert len(lines) == 3
    assert lines == sorted(lines)
    assert len(str(error).splitlines()) == 4


def test_a_missing_file_is_one_sentence(db, tmp_path):
    error = refused(tmp_path / "absent.yaml")

    assert str(error) == f"{tmp_path / 'absent.yaml'} cannot be read (No such file or directory)."


def test_renumbering_a_clause_already_loaded_is_refused_and_rolled_back(db, scenario_file):
    load_scenario(scenario_file(MINI))
    text = (
        MINI.replace("{number: 1, clause_id: t.1", "{number: 1, clause_id: t.X")
        .replace("{number: 2, clause_id: t.2", "{number: 2, clause_id: t.1")
        .replace("clause_id: t.X", "clause_id: t.2")
        .replace("en: Test directive", "en: Changed title")
    )

    error = refused(scenario_file(text))

    assert 'clause "t.1" is number 1 in the database, not 2' in str(error)
    assert Directive.objects.get(code="t-directive").title_en == "Test directive"
    assert Clause.objects.get(clause_id="t.1").number == 1


# Demo officials ------------------------------------------------------------------------------


def test_without_a_demo_password_no_demo_official_is_created(db, scenario_file):
    load_scenario(scenario_file(MINI))

    assert not Official.objects.filter(username="t.demo").exists()
    assert not Official.objects.filter(username__in=["yanji.clerk", "central.admin"]).exists()


def test_demo_officials_get_their_unit_roles_and_the_password(db, fast_hasher):
    report = load_scenario("1963", demo_password=DEMO_PASSWORD)

    clerk = Official.objects.get(username="yanji.clerk")
    assert clerk.unit.code == "yanji-office"
    assert roles_of("yanji.clerk") == {"clerk"}
    assert roles_of("tumen.checkpoint") == {"checkpoint_officer"}
    assert check_password(DEMO_PASSWORD, clerk.password)
    assert not check_password("wrong password", clerk.password)
    assert report.tallies["officials"].created == len(report.demo_usernames) >= 20
    staff = set(Official.objects.filter(is_staff=True).values_list("username", flat=True))
    assert {"central.admin", "jilin.admin", "liaoning.admin"} <= staff
    assert "yanji.clerk" not in staff
    assert DEMO_PASSWORD not in json.dumps(last_event().payload)


def test_demo_passwords_are_stored_as_argon2_hashes(db, scenario_file, settings):
    # Other tests may swap in a fast hasher; this one is about the hasher Tumen ships with.
    settings.PASSWORD_HASHERS = shipped_settings.PASSWORD_HASHERS
    load_scenario(scenario_file(MINI), demo_password=DEMO_PASSWORD)

    stored = Official.objects.get(username="t.demo").password
    assert stored.startswith("argon2$")
    assert DEMO_PASSWORD not in stored
    assert check_password(DEMO_PASSWORD, stored)


def test_a_demo_reload_resets_password_roles_and_staff_status(db, scenario_file, fast_hasher):
    load_scenario(scenario_file(MINI), demo_password=DEMO_PASSWORD)
    official = Official.objects.get(username="t.demo")
    official.set_password("changed by someone")
    official.is_active = False
    official.save()
    RoleGrant.objects.filter(official=official, role="analyst").delete()
    RoleGrant.objects.create(official=official, role="clerk")

    report = load_scenario(scenario_file(MINI), demo_password=DEMO_PASSWORD)

    official.refresh_from_db()
    assert check_password(DEMO_PASSWORD, official.password)
    assert official.is_active
    assert official.is_staff
    assert roles_of("t.demo") == {"analyst", "administrator"}
    assert report.tallies["officials"].updated == 1
    assert report.audit_seq == last_event().seq


def test_a_demo_reload_with_the_same_password_changes_nothing(db, scenario_file, fast_hasher):
    load_scenario(scenario_file(MINI), demo_password=DEMO_PASSWORD)
    before = snapshot()

    report = load_scenario(scenario_file(MINI), demo_password=DEMO_PASSWORD)

    assert snapshot() == before
    assert not report.changed
    assert report.tallies["officials"].unchanged == 1


def test_an_empty_demo_password_is_refused(db):
    with pytest.raises(ValueError, match="must not be empty"):
        load_scenario("1963", demo_password="")
