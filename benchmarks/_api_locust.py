"""The load benchmarks/api.py puts on the server: one scenario per locust run.

TUMEN_BENCH_PLAN names a JSON file written by benchmarks/api.py: tokens, case numbers and the
pending clearances (id, version, token) that the clearance action grants, each once.
TUMEN_BENCH_SCENARIO picks the task: ceiling, case_read, worklist or clearance_grant.
"""

from __future__ import annotations

import json
import os
import random

from locust import FastHttpUser, constant, task
from locust.exception import StopUser

PLAN = json.loads(open(os.environ["TUMEN_BENCH_PLAN"]).read())  # noqa: SIM115
SCENARIO = os.environ["TUMEN_BENCH_SCENARIO"]
PENDING = list(PLAN["clearances"])
random.Random(1963).shuffle(PENDING)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


class Official(FastHttpUser):
    wait_time = constant(0)

    @task
    def act(self) -> None:
        getattr(self, SCENARIO)()

    def ceiling(self) -> None:
        self.client.get("/bench/constant", name="ceiling")

    def case_read(self) -> None:
        number = random.choice(PLAN["cases"])
        self.client.get(f"/api/v1/cases/{number}", headers=bearer(PLAN["reader"]), name="case read")

    def worklist(self) -> None:
        self.client.get(
            "/api/v1/cases?status=in_clearance&limit=25",
            headers=bearer(PLAN["reader"]),
            name="worklist page",
        )

    def clearance_grant(self) -> None:
        if not PENDING:
            raise StopUser()
        clearance_id, version, token = PENDING.pop()
        self.client.post(
            f"/api/v1/clearances/{clearance_id}/grant",
            json={"note": ""},
            headers={**bearer(token), "If-Match": f'"{version}"'},
            name="clearance grant",
        )
