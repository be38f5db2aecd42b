"""`tumen scenario load` and `tumen demo`, called as management commands."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.commands import runserver

from tumen.audit.models import AuditEvent
from tumen.cases.models import Case
from tumen.imports.models import ImportedRow
from tumen.org.models import Official
from tumen.scenario.tests.conftest import MINI, line_of, snapshot

DEMO_PASSWORD = "a demo password for 1963"


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo_settings(settings, tmp_path, fast_hasher):
    """The demo writes the audit seal and its key; keep both out of the checkout."""
    settings.TUMEN_AUDIT_SEAL_FILE = tmp_path / "audit-seal.json"
    settings.TUMEN_AUDIT_KEY_FILE = tmp_path / "keys" / "audit-seal.pem"
    settings.TUMEN_DEMO_PASSWORD = DEMO_PASSWORD
    return settings


# scenario load --------------------------------------------------------------------------------


def test_scenario_load_prints_the_counts_and_that_nothing_changed(db):
    before = snapshot()

    output = run("scenario", "load")

    assert "Scenario 1963.yaml" in output
    assert "jurisdictions" in output
    assert "Nothing changed." in output
    assert snapshot() == before


def test_scenario_load_reads_another_file_and_never_creates_demo_officials(db, scenario_file):
    output = run("scenario", "load", "--file", str(scenario_file(MINI)))

    assert "Changes recorded in the audit log." in output
    assert Official.objects.filter(username="t.demo").count() == 0
    assert AuditEvent.objects.order_by("-seq").first().payload["demo_officials"] is False


def test_scenario_load_of_a_bad_file_is_a_command_error_naming_the_line(db, scenario_file):
    text = MINI.replace("kind: party_committee", "kind: committee")
    before = snapshot()

    with pytest.raises(CommandError) as caught:
        run("scenario", "load", "--file", str(scenario_file(text)))

    assert f"line {line_of(text, 'kind: committee')}:" in str(caught.value)
    assert 'is "committee", which is not one of' in str(caught.value)
    assert snapshot() == before


# demo -----------------------------------------------------------------------------------------


def test_demo_sets_up_logins_seals_the_audit_head_and_prints_how_to_sign_in(db, demo_settings):
    output = run("demo", "--no-serve", "--scale", "0.02")

    clerk = Official.objects.get(username="yanji.clerk")
    assert check_password(DEMO_PASSWORD, clerk.password)
    assert "yanji.clerk" in output
    assert "Yanji People's Committee" in output
    assert "checkpoint_officer" in output
    assert DEMO_PASSWORD in output
    assert "http://127.0.0.1:8000/" in output
    seal = json.loads(demo_settings.TUMEN_AUDIT_SEAL_FILE.read_text())
    assert seal["seq"] == AuditEvent.objects.order_by("-seq").first().seq
    # The bulk comes from `tumen generate`'s generator: 2% of its thousand cases.
    bulk = ImportedRow.objects.filter(key__startswith="GC1963-").values_list("object_id", flat=True)
    assert len(bulk) == 20
    assert Case.objects.filter(pk__in=bulk).values("status").distinct().count() > 3
    assert "Synthetic cases in bulk by status:" in output


def test_demo_run_twice_keeps_one_set_of_logins(db, demo_settings):
    run("demo", "--no-serve", "--scale", "0.02")
    before = snapshot()

    run("demo", "--no-serve", "--scale", "0.02")

    assert snapshot() == before
    assert Official.objects.filter(username="central.admin").count() == 1


def test_demo_refuses_to_run_in_production(db, demo_settings):
    demo_settings.PRODUCTION = True

    with pytest.raises(CommandError, match="refuses to run with TUMEN_ENV=production"):
        run("demo", "--no-serve", "--scale", "0.02")

    assert not Official.objects.filter(username="yanji.clerk").exists()
    assert not demo_settings.TUMEN_AUDIT_SEAL_FILE.exists()


def test_demo_serves_on_the_given_address_without_the_reloader(db, demo_settings, monkeypatch):
    served = {}
    # The server itself is the network boundary: record what it was asked to do instead.
    monkeypatch.setattr(runserver.Command, "run", lambda self, **options: served.update(options))

    output = run("demo", "--addrport", "127.0.0.1:8123", "--scale", "0.02")

    assert served["addrport"] == "127.0.0.1:8123"
    assert served["use_reloader"] is False
    assert "http://127.0.0.1:8123/" in output
