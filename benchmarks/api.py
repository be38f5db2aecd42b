"""The REST API under load: requests/s and p50/p95/p99 for a case read, a worklist page and a
clearance action, beside a bare Django view returning a constant (the ceiling).

    .venv/bin/python benchmarks/api.py            # 100,000 cases, 15 s per scenario
    .venv/bin/python benchmarks/api.py --quick    # 20,000 cases, 5 s per scenario
    .venv/bin/python benchmarks/api.py --db /tmp/api.sqlite3   # keep the database, reuse it

Needs the bench extras (`.venv/bin/pip install -e '.[bench]'`: gunicorn and locust).

A fresh SQLite database (WAL) is migrated, the 1963 scenario loaded and N synthetic cases
bulk-inserted (benchmarks/_data.py, as benchmarks/pages.py does). Tokens are made for a Yanji
county clerk (the reads) and for one clearing officer per unit with pending clearances (the
actions). Then gunicorn serves Tumen on 127.0.0.1 with sync workers sized for 2 cores, and
locust (headless, one process, FastHttpUser, no wait between calls) drives one scenario at a
time over real HTTP:

  ceiling           GET /bench/constant: a bare Django view, same server and middleware
  case read         GET /api/v1/cases/{number}: a random case of the clerk's county
  worklist page     GET /api/v1/cases?status=in_clearance&limit=25
  clearance grant   POST /api/v1/clearances/{id}/grant with If-Match, each clearance once

Targets (issue #10): at least 2,000 reads/s and 1,000 actions/s, p95 under 50 ms. The load tool
shares the two cores with the server, so on this machine the ceiling row says what the setup
itself can reach. The last line is one JSON object of every figure.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

from _common import REPO, emit_json, machine, make_parser, note, print_table
from pages import prepare, set_up_django

FULL_CASES, QUICK_CASES = 100_000, 20_000
FULL_SECONDS, QUICK_SECONDS = 15, 5
READS_PER_S, ACTIONS_PER_S, P95_MS = 2_000, 1_000, 50
SCENARIOS = {
    "ceiling": "ceiling",
    "case read": "case_read",
    "worklist page": "worklist",
    "clearance grant": "clearance_grant",
}
BIN = Path(sys.executable).parent


def parse_args():
    parser = make_parser(__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, help="how many cases (default 100,000; quick 20,000)")
    parser.add_argument("--db", type=Path, help="keep the SQLite database here and reuse it")
    parser.add_argument("--seconds", type=int, help="load per scenario (default 15; quick 5)")
    parser.add_argument("--users", type=int, default=16, help="concurrent locust users")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers (2 cores: 3)")
    parser.add_argument("--port", type=int, default=8110)
    return parser.parse_args()


def _official(username: str, unit, role: str):
    from tumen.org.models import Official, RoleGrant

    official, created = Official.objects.get_or_create(username=username, defaults={"unit": unit})
    if created:
        RoleGrant.objects.create(official=official, role=role)
    return Official.objects.get(pk=official.pk)


def _token(official) -> str:
    from tumen.tokens.services import token_create

    official.api_tokens.all().delete()
    return token_create(official=official, name="bench", days=1).secret


def make_plan(needed_actions: int) -> dict:
    """Tokens, case numbers to read, and pending clearances to grant (each once)."""
    from tumen.cases.models import Clearance, ClearanceStatus, Status
    from tumen.cases.selectors.cases import cases_for
    from tumen.org.models import Role, WorkUnit

    clerk = _official(
        "bench.api.yanji.clerk", WorkUnit.objects.get(code="yanji-office"), Role.CLERK
    )
    numbers = list(cases_for(clerk).order_by("?").values_list("number", flat=True)[:2000])
    pending = (
        Clearance.objects.filter(status=ClearanceStatus.PENDING, case__status=Status.IN_CLEARANCE)
        .select_related("unit")
        .order_by("pk")
    )
    tokens: dict[int, str] = {}
    clearances = []
    for item in pending.iterator():
        if len(clearances) >= needed_actions:
            break
        if item.unit_id not in tokens:
            officer = _official(f"bench.api.{item.unit.code}", item.unit, Role.CLEARING_OFFICER)
            tokens[item.unit_id] = _token(officer)
        clearances.append((item.pk, item.version, tokens[item.unit_id]))
    return {"reader": _token(clerk), "cases": numbers, "clearances": clearances}


def serve(args, env: dict) -> subprocess.Popen:
    command = [
        str(BIN / "gunicorn"),
        "--pythonpath",
        f"{REPO / 'benchmarks'},{REPO}",
        "--workers",
        str(args.workers),
        "--bind",
        f"127.0.0.1:{args.port}",
        "--log-level",
        "warning",
        "tumen.wsgi:application",
    ]
    server = subprocess.Popen(command, env=env, cwd=REPO)  # noqa: S603
    url = f"http://127.0.0.1:{args.port}/bench/constant"
    for _ in range(100):
        try:
            with urllib.request.urlopen(url, timeout=2):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not come up")


def load(args, env: dict, scenario: str, seconds: int, workdir: Path) -> dict:
    prefix = workdir / scenario
    command = [
        str(BIN / "locust"),
        "-f",
        str(REPO / "benchmarks" / "_api_locust.py"),
        "--headless",
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.users),
        "--run-time",
        f"{seconds}s",
        "--host",
        f"http://127.0.0.1:{args.port}",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "ERROR",
    ]
    subprocess.run(  # noqa: S603
        command,
        env={**env, "TUMEN_BENCH_SCENARIO": scenario},
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with open(f"{prefix}_stats.csv", newline="") as stats:
        row = next(r for r in csv.DictReader(stats) if r["Name"] == "Aggregated")
    return {
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "per_s": round(float(row["Requests/s"]), 1),
        "p50_ms": float(row["50%"]),
        "p95_ms": float(row["95%"]),
        "p99_ms": float(row["99%"]),
    }


def targets(results: dict) -> dict:
    def read_ok(name):
        r = results[name]
        return r["per_s"] >= READS_PER_S and r["p95_ms"] < P95_MS and r["failures"] == 0

    grant = results["clearance grant"]
    return {
        "case_read_2000_per_s_p95_50ms": read_ok("case read"),
        "worklist_2000_per_s_p95_50ms": read_ok("worklist page"),
        "clearance_grant_1000_per_s_p95_50ms": grant["per_s"] >= ACTIONS_PER_S
        and grant["p95_ms"] < P95_MS
        and grant["failures"] == 0,
    }


def main() -> int:
    args = parse_args()
    cases = args.cases or (QUICK_CASES if args.quick else FULL_CASES)
    seconds = args.seconds or (QUICK_SECONDS if args.quick else FULL_SECONDS)
    workdir = Path(tempfile.mkdtemp(prefix="tumen-bench-api-"))
    db_path = args.db.resolve() if args.db else workdir / "api.sqlite3"
    set_up_django(db_path, workdir / "var")
    server = None
    try:
        started = time.perf_counter()
        prepared = prepare(db_path, cases)
        plan = make_plan(needed_actions=ACTIONS_PER_S * seconds * 2)
        plan_path = workdir / "plan.json"
        plan_path.write_text(json.dumps(plan))
        from django.db import connections

        connections.close_all()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "_api_settings",
            "TUMEN_API_RATE_PER_MINUTE": str(10**9),
            "TUMEN_BENCH_PLAN": str(plan_path),
        }
        server = serve(args, env)
        note(f"gunicorn: {args.workers} sync workers; locust: {args.users} users, {seconds} s each")
        results = {}
        for name, scenario in SCENARIOS.items():
            results[name] = load(args, env, scenario, seconds, workdir)
            note(f"  {name}: {results[name]['per_s']} requests/s")
        report(results, cases, len(plan["clearances"]), args, seconds, prepared, started)
        return 0
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        from django.db import connections

        connections.close_all()
        shutil.rmtree(workdir, ignore_errors=True)


def report(results, cases, pool, args, seconds, prepared, started) -> None:
    ceiling = results["ceiling"]["per_s"]
    print(
        f"\nThe API at {cases:,} synthetic cases on SQLite: gunicorn ({args.workers} sync "
        f"workers) and locust ({args.users} users, {seconds} s per scenario) on one shared "
        f"2-core machine."
    )
    print_table(
        ["scenario", "requests", "failures", "req/s", "of ceiling", "p50 ms", "p95 ms", "p99 ms"],
        [
            [
                name,
                r["requests"],
                r["failures"],
                r["per_s"],
                round(r["per_s"] / ceiling, 2) if ceiling else None,
                r["p50_ms"],
                r["p95_ms"],
                r["p99_ms"],
            ]
            for name, r in results.items()
        ],
    )
    meets = targets(results)
    for target, ok in meets.items():
        print(f"  {target}: {'yes' if ok else 'NO'}")
    emit_json(
        {
            "benchmark": "api",
            "cases": cases,
            "seconds_per_scenario": seconds,
            "workers": args.workers,
            "users": args.users,
            "clearances_available": pool,
            "results": results,
            "ratios_to_ceiling": {
                name: round(r["per_s"] / ceiling, 3) if ceiling else None
                for name, r in results.items()
            },
            "prepared": {k: v for k, v in prepared.items() if not k.startswith("by_")},
            "elapsed_s": round(time.perf_counter() - started, 1),
            "machine": machine(),
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "meets_targets": meets,
        }
    )


if __name__ == "__main__":
    raise SystemExit(main())
