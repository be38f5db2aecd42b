"""The synthetic cases `tumen demo` adds: in every state, across the counties, audited, once."""

from __future__ import annotations

import datetime
import random
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from tumen.audit.models import AuditEvent
from tumen.audit.verify import verify_chain, verify_seal
from tumen.cases.models import Case, Clearance, Decision, ForeignRequest, Status
from tumen.imports.models import ImportedRow
from tumen.org.models import Official
from tumen.people.models import Person
from tumen.scenario.synthetic import SURNAMES, korean_name

EVERY_STATE = {
    Status.DRAFT,
    Status.IN_CLEARANCE,
    Status.AWAITING_DECISION,
    Status.ON_HOLD,
    # Approval issues the documents at once, so an approved case is authorized.
    Status.AUTHORIZED,
    # Households that crossed: departed, then closed at once (every holder crossed).
    Status.CLOSED,
    Status.REFUSED,
    Status.WITHDRAWN,
    Status.RETYPED,
}


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo_settings(settings, tmp_path, fast_hasher):
    settings.TUMEN_AUDIT_SEAL_FILE = tmp_path / "audit-seal.json"
    settings.TUMEN_AUDIT_KEY_FILE = tmp_path / "keys" / "audit-seal.pem"
    settings.TUMEN_DEMO_PASSWORD = "a demo password for 1963"
    return settings


def rows() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Case, Person, Official, ForeignRequest, AuditEvent)
    }


def test_the_demo_adds_cases_in_every_state_across_the_counties_once(db, demo_settings):
    """
    GIVEN a database with the scenario's organisation and no cases
    WHEN `tumen demo` runs, and runs again
    THEN synthetic cases are there in every state, in at least five counties,
         made through the services (the audit chain verifies and the seal covers them), and the
         second run adds nothing
    """
    output = run("demo", "--no-serve", "--scale", "0.2")

    # The bulk (a fifth of a thousand) is `tumen generate`'s; the story goes through the services.
    bulk = ImportedRow.objects.filter(key__startswith="GC1963-").values_list("object_id")
    assert bulk.count() == 200
    everything = Case.objects.all()
    cases = everything.exclude(pk__in=bulk)
    statuses = Counter(cases.values_list("status", flat=True))
    assert set(statuses) >= EVERY_STATE, statuses
    # A fifth of the full plan keeps the test quick; every line of the plan keeps one household.
    assert 40 <= cases.count() <= 100
    assert f"Synthetic cases added: {everything.count()}" in output
    assert "Synthetic cases: 100%" in output
    assert cases.values("jurisdiction").distinct().count() >= 5
    assert Decision.objects.filter(outcome="partly_approved").exists()
    # The checkpoint's story: crossings recorded, a household crossed in part, a single-use
    # document shown twice and refused as an existing issue.
    from tumen.authorizations.models import CheckpointScan
    from tumen.cases.models import ExistingIssue

    assert CheckpointScan.objects.filter(outcome="crossed").exists()
    assert CheckpointScan.objects.filter(outcome="refused", reason="already_used").count() == 1
    assert ExistingIssue.objects.filter(kind="reused").count() == 1
    in_part = cases.filter(status=Status.AUTHORIZED, authorizations__scans__outcome="crossed")
    assert in_part.exists()
    in_clearance = Clearance.objects.filter(case__status=Status.IN_CLEARANCE)
    assert in_clearance.filter(status="flagged").exists()
    assert in_clearance.filter(escalated_to__isnull=False).exists()
    # Backdated on the one clock: escalations happened after their deadlines and before now,
    # submissions lie in the past, and some pending checks are overdue today.
    now = timezone.now()
    escalated = Clearance.objects.filter(escalated_at__isnull=False)
    assert escalated.exists()
    assert not escalated.filter(escalated_at__lt=F("due_at")).exists()
    assert not escalated.filter(escalated_at__gt=now).exists()
    assert cases.filter(submitted_at__lt=now - datetime.timedelta(days=10)).exists()
    assert in_clearance.filter(status="pending", due_at__lt=now).exists()
    assert not AuditEvent.objects.filter(occurred_at__gt=now).exists()
    family = cases.filter(case_type="family_travel", foreign_request__isnull=False)
    assert family.values("foreign_request").distinct().count() == 2
    assert set(family.values_list("status", flat=True)) >= {Status.IN_CLEARANCE, Status.AUTHORIZED}
    retyped = cases.filter(status=Status.RETYPED)
    assert cases.filter(retyped_from__in=retyped, status=Status.DRAFT).count() == retyped.count()
    # Synthetic people say so, in every document number they carry.
    assert not Person.objects.exclude(household_number__startswith="DEMO-").exists()
    assert set(ForeignRequest.objects.values_list("reference", flat=True)) == {
        "DEMO-DPRK-MFA-0182",
        "DEMO-DPRK-MFA-0197",
    }
    # Every case was opened by an official, through case_open or a split, and audited.
    assert AuditEvent.objects.filter(action="case.opened").count() == everything.count()
    assert verify_chain().ok
    assert verify_seal().ok

    before = rows()
    again = run("demo", "--no-serve", "--scale", "0.2")

    assert "Synthetic cases added: 0" in again
    assert rows() == before


def test_the_full_demo_plan_holds_a_few_hundred_cases():
    from tumen.scenario.demo import NOTES, PLAN, scaled

    households = sum(scaled(count, 1.0) for *_rest, count in PLAN)
    family = sum(count for *_rest, count in NOTES)
    assert 250 <= households + family <= 400
    assert scaled(3, 0.01) == 1  # a small demo still has every state


def test_loading_the_scenario_adds_no_cases(db):
    run("scenario", "load")

    assert not Case.objects.exists()
    assert not Person.objects.filter(household_number__startswith="DEMO-").exists()


def test_synthetic_names_agree_across_scripts_and_repeat_for_a_seed():
    first = [korean_name(random.Random(1963), "female") for _ in range(3)]
    again = [korean_name(random.Random(1963), "female") for _ in range(3)]
    assert first == again
    for seed in range(200):
        name = korean_name(random.Random(seed), random.Random(seed).choice(("male", "female")))
        syllables = name.latin.split()
        assert len(name.hangul) == len(name.hanzi) == len(syllables) in (2, 3)
        assert any(s.hangul == name.hangul[0] and s.latin == syllables[0] for s in SURNAMES)
