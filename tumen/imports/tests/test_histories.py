"""Synthetic cases in every state (tumen.imports.histories): valid, audited, tallied, repeatable."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction

from tumen.audit.models import AuditEvent
from tumen.audit.verify import verify_chain
from tumen.authorizations import tmn1
from tumen.authorizations.models import Authorization, CheckpointScan, ScanOutcome
from tumen.authorizations.services import trusted_keys
from tumen.cases.intake import submission_problems
from tumen.cases.models import Case, ClearanceStatus, Decision, MemberOutcome, Status
from tumen.imports.histories import PATHS, STATES, CaseGenerator
from tumen.people.linkage.features import PROFILE_VERSION
from tumen.people.matching import candidates, match_data, refresh_keys
from tumen.people.models import Person, PersonMatchKey
from tumen.reports.tests.test_tally import assert_triggers_agree_with_rebuild

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 30, 4, 0, tzinfo=datetime.UTC)


def generate(count: int, *, seed: int = 5, batch_size: int = 40):
    return CaseGenerator(seed=seed, now=NOW, batch_size=batch_size).run(count)


def _member(m) -> tuple:
    p = m.person
    return (
        m.role, m.outcome, p.name_hangul, p.name_hanzi, p.name_latin, p.date_of_birth,
        p.personal_id_number, p.residence_permit_number, p.household_number,
        p.match_profile, sorted(k.key for k in p.match_keys.all()),
    )  # fmt: skip


def _case(case) -> tuple:
    return (
        case.number, case.case_type, case.status, case.created_at, case.details,
        case.submitted_at, case.decided_at,
        [_member(m) for m in sorted(case.members.all(), key=lambda m: m.pk)],
        sorted((c.unit_kind, c.status, c.due_at, c.acted_at) for c in case.clearances.all()),
        [(t.from_status, t.to_status, t.at) for t in case.transitions.order_by("pk")],
        [(d.outcome, d.clause_id, d.decided_at) for d in case.decisions.all()],
    )  # fmt: skip


def snapshot() -> list[tuple]:
    """What the generated cases hold, without ids (which depend on what was there before)."""
    cases = Case.objects.order_by("number").prefetch_related(
        "members__person__match_keys", "clearances", "transitions", "decisions"
    )
    return [_case(case) for case in cases]


def test_every_state_is_written_as_the_services_would_leave_it():
    summary = generate(240)

    assert summary.cases == 240
    assert set(summary.by_status) == set(STATES)
    assert len(summary.by_county) > 5
    keys = trusted_keys()
    for case in Case.objects.prefetch_related("members", "clearances", "decisions"):
        # Everything the pack asks of a case before submission, every member's documents.
        assert submission_problems(case) == {}, case.number
        moves = list(case.transitions.order_by("pk").values_list("from_status", "to_status"))
        path = PATHS[case.status]
        assert moves == list(zip(["", *path[:-1]], path, strict=True))
        checks = [c.status for c in case.clearances.all()]
        # Nothing is escalated (the deadline sweep escalates; it has not run), nothing acted on
        # that is still pending.
        assert all(c.escalated_at is None for c in case.clearances.all())
        assert all(
            (c.acted_at is None) == (c.status in ("pending", "cancelled"))
            for c in case.clearances.all()
        )
        decisions = list(case.decisions.all())
        members = list(case.members.all())
        if case.status != Status.ON_HOLD and case.status not in (
            Status.REFUSED,
            Status.AUTHORIZED,
            Status.CLOSED,
        ):
            assert case.decided_at is None
        if case.status in (Status.DRAFT, Status.DISCARDED):
            assert case.decision_due is None
            assert not checks
            assert case.submitted_at is None
        elif case.status == Status.IN_CLEARANCE:
            assert ClearanceStatus.PENDING in checks
        elif case.status == Status.WITHDRAWN:
            assert ClearanceStatus.PENDING not in checks
        else:
            assert set(checks) == {ClearanceStatus.CLEARED}
        if case.status in (Status.ON_HOLD, Status.REFUSED, Status.AUTHORIZED, Status.CLOSED):
            [decision] = decisions
            assert {m.outcome for m in members} == {decision.outcome}
            assert decision.decided_at >= case.submitted_at
        else:
            assert not decisions
            assert {m.outcome for m in members} == {MemberOutcome.PENDING}
        documents = list(Authorization.objects.filter(case=case))
        if case.status in (Status.AUTHORIZED, Status.CLOSED):
            assert len(documents) == len(members)
            for document in documents:
                signed = tmn1.verify(document.payload, keys, now=document.issued_at)
                assert signed.case_number == case.number
                assert document.crossing_points.exists()
            crossed = CheckpointScan.objects.filter(
                authorization__case=case, outcome=ScanOutcome.CROSSED
            ).count()
            assert crossed == (len(members) if case.status == Status.CLOSED else 0)
        else:
            assert not documents
    # The audit chain verifies; the tally's figures are those its set-based rebuild computes.
    assert verify_chain().ok
    assert AuditEvent.objects.filter(action="case.opened").count() == 240
    kept = assert_triggers_agree_with_rebuild()
    assert sum(n for k, n in kept.items() if k[2] == "opened") == 240
    assert {"opened", "moved", "step", "decision", "pending", "issue", "flag"} <= {
        k[2] for k in kept
    }
    assert Decision.objects.count() > 0


def test_the_same_seed_gives_the_same_cases_whatever_the_batch_size():
    with transaction.atomic():
        generate(90, batch_size=90)
        first = snapshot()
        transaction.set_rollback(True)
    generate(90, batch_size=7)
    assert snapshot() == first
    assert len(first) == 90
    assert all(member[-1] for case in first for member in case[7])  # every member has keys


def matching_rows() -> dict[int, tuple[dict, list[str]]]:
    """Each person's stored matching profile and blocking keys, in key order."""
    keys: dict[int, list[str]] = {}
    for person_id, key in PersonMatchKey.objects.order_by("person_id", "key").values_list(
        "person_id", "key"
    ):
        keys.setdefault(person_id, []).append(key)
    return {
        pk: (profile, keys.get(pk, []))
        for pk, profile in Person.objects.values_list("pk", "match_profile")
    }


def test_every_generated_person_has_the_profile_and_keys_the_services_write():
    summary = generate(60, seed=4, batch_size=25)

    written = matching_rows()
    assert len(written) == summary.rows["people.person"] > 60
    assert sum(len(k) for _p, k in written.values()) == summary.rows["people.personmatchkey"]
    # Stored as a JSON object on either engine, not as a JSON string of one.
    assert Person.objects.filter(match_profile__v=PROFILE_VERSION).count() == len(written)
    persons = list(Person.objects.order_by("pk"))
    for person in persons:
        assert written[person.pk] == match_data(person)
        assert written[person.pk][1]
    for person in persons:
        refresh_keys(person)  # what the person services would write
    assert matching_rows() == written


def test_the_matcher_finds_a_generated_person_by_their_name_in_another_script():
    generate(30, seed=6, batch_size=30)
    person = Person.objects.exclude(name_hanzi="").order_by("pk").first()

    # The name in one script only, as a clerk types it at intake: each of the three finds the
    # person, through the keys the generator wrote.
    for name in (
        {"name_hanzi": person.name_hanzi},
        {"name_hangul": person.name_hangul},
        {"name_latin": person.name_latin},
    ):
        found = candidates(official=None, date_of_birth=person.date_of_birth, limit=50, **name)
        assert person in [c.person for c in found], name


def test_memory_holds_one_batch_whatever_the_count():
    small = generate(30, seed=8, batch_size=10)
    large = generate(300, seed=9, batch_size=10)
    assert small.peak_rows > 0
    # One batch's rows: a batch of 10 cases holds some hundreds, never the 300 cases' thousands.
    assert large.peak_rows < 2 * small.peak_rows
    assert large.peak_rows * 5 < sum(large.rows.values())


def test_the_command_writes_each_case_once():
    def run(*args):
        out = io.StringIO()
        call_command("generate", *args, "--no-progress", stdout=out)
        return out.getvalue()

    output = run("--cases", "60", "--seed", "3", "--batch-size", "25", "--now", NOW.isoformat())
    assert "cases: 60 written, 0 already there" in output
    assert "0 written, 60 already there" in run("--cases", "60", "--seed", "3")
    assert "40 written, 60 already there" in run("--cases", "100", "--seed", "3")
    assert Case.objects.count() == 100
    assert verify_chain().ok


def test_a_load_without_the_triggers_ends_with_the_same_tally():
    from tumen.imports.histories import generate_cases
    from tumen.reports.tests.test_tally import tally_rows

    with transaction.atomic():
        generate(80, seed=11)
        expected = tally_rows()
        transaction.set_rollback(True)
    generate_cases(80, seed=11, now=NOW, batch_size=40, rebuild_tally=True)
    assert tally_rows() == expected
    assert_triggers_agree_with_rebuild()
