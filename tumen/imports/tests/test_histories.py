"""Synthetic cases in every state (tumen.imports.histories): valid, audited, tallied, repeatable."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction

from tumen.audit.verify import verify_chain
from tumen.authorizations.models import Authorization, CheckpointScan
from tumen.cases.models import Case, Clearance, ClearanceStatus, Decision, Status, Transition
from tumen.imports.histories import PATHS, STATES, CaseGenerator
from tumen.people.models import Person
from tumen.reports.tests.test_tally import assert_triggers_agree_with_rebuild

pytestmark = pytest.mark.django_db(transaction=False)

NOW = datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.UTC)


def test_smoke():
    summary = CaseGenerator(seed=5, now=NOW, batch_size=40).run(120)
    assert summary.cases == 120
    assert set(summary.by_status) == set(STATES)
    assert verify_chain().ok
    assert_triggers_agree_with_rebuild()
