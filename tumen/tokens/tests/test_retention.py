"""Stored Idempotency-Key answers are kept for their retention, then deleted by the worker."""

from __future__ import annotations

import datetime
import io
import signal
import threading

import pytest
from django.core.management import call_command
from django.utils import timezone

from tumen.lib.periodic import Periodic
from tumen.tokens.models import IdempotentRequest
from tumen.tokens.retention import idempotency_prune
from tumen.tokens.tests.apiclient import Api


def _person(n: int) -> dict:
    return {
        "name_latin": f"Retention Person {n}",
        "sex": "female",
        "date_of_birth": "1930-01-01",
        "nationality": "prc",
        "ethnicity": "korean",
        "residence_code": "yanji",
    }


def _age(key: str, hours: float) -> None:
    IdempotentRequest.objects.filter(key=key).update(
        created_at=timezone.now() - datetime.timedelta(hours=hours)
    )


@pytest.mark.django_db
def test_answers_past_their_retention_are_deleted_and_younger_ones_still_replay(
    yanji_clerk, settings
):
    """
    GIVEN two creates sent with an Idempotency-Key, one answered 25 hours ago, one 23 hours ago
    WHEN the answers are pruned with a retention of 24 hours
    THEN the old answer is gone, the young one stays and a retry of it still replays
    """
    settings.TUMEN_IDEMPOTENCY_RETENTION_HOURS = 24
    clerk = Api(yanji_clerk)
    assert clerk.post("persons", _person(1), Idempotency_Key="old-1").status_code == 201
    young = clerk.post("persons", _person(2), Idempotency_Key="young-1")
    assert young.status_code == 201
    _age("old-1", 25)
    _age("young-1", 23)

    assert idempotency_prune() == 1
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["young-1"]
    again = clerk.post("persons", _person(2), Idempotency_Key="young-1")
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == young.json()
    assert idempotency_prune() == 0


@pytest.mark.django_db
def test_the_token_command_prunes_and_says_how_many(yanji_clerk, settings):
    settings.TUMEN_IDEMPOTENCY_RETENTION_HOURS = 1
    clerk = Api(yanji_clerk)
    for n in range(3):
        clerk.post("persons", _person(n), Idempotency_Key=f"k-{n}")
    _age("k-0", 2)
    _age("k-1", 2)
    out = io.StringIO()
    call_command("token", "prune", stdout=out)
    assert out.getvalue().strip() == "Deleted 2 stored answers past their retention."
    assert IdempotentRequest.objects.count() == 1


def test_a_failing_round_is_logged_and_the_next_round_runs(caplog):
    calls = []

    def job():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("first round fails")

    periodic = Periodic("test-periodic", 0.02, job)
    threading.Timer(0.2, periodic.stopped.set).start()
    periodic.run()
    assert len(calls) >= 3
    assert periodic.rounds == len(calls) - 1
    assert "test-periodic failed" in caplog.text


def test_the_worker_prunes_when_it_starts(committed_db, yanji_clerk, settings, tmp_path):
    settings.TUMEN_AUDIT_SEAL_FILE = tmp_path / "seal.json"
    settings.TUMEN_AUDIT_SEAL_COPY = None
    settings.TUMEN_AUDIT_KEY_FILE = tmp_path / "keys" / "seal.pem"
    settings.TUMEN_IDEMPOTENCY_RETENTION_HOURS = 24
    clerk = Api(yanji_clerk)
    clerk.post("persons", _person(1), Idempotency_Key="stale")
    clerk.post("persons", _person(2), Idempotency_Key="fresh")
    _age("stale", 48)

    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command("worker", batch=True, verbosity=0)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["fresh"]
