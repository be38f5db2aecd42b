"""The same create sent several times at once with one Idempotency-Key makes one case.

Each request runs in a thread with its own connection (real commits, PostgreSQL row locks): the
stored answer's unique (official, key) lets one transaction commit; the others roll back their
case and replay the winner's answer.
"""

from __future__ import annotations

import pytest

from tumen.cases.models import Case
from tumen.tokens.tests.apiclient import Api

from .test_concurrency import together

pytestmark = pytest.mark.postgres_only


def test_concurrent_retries_of_one_create_make_one_case(
    postgres_only, committed_db, make_official, register
):
    clerk = make_official("t.race.clerk", "yanji-office", "clerk")
    principal = register()
    api = Api(clerk)
    body = {"case_type": "relocation", "principal_id": principal.pk, "details": {}}
    outcomes = together([lambda: api.post("cases", body, Idempotency_Key="race-1")] * 4)
    answers = [outcome.result for outcome in outcomes]
    assert [a.status_code for a in answers] == [201] * 4
    assert len({a.json()["number"] for a in answers}) == 1
    assert Case.objects.filter(members__person=principal).count() == 1
