"""The REST API under load: requests/s and p50/p95/p99 for a case read, a worklist page and a
clearance action, beside a bare Django view returning a constant (the ceiling).

    .venv/bin/python benchmarks/api.py            # 100,000 cases, 15 s per scenario
    .venv/bin/python benchmarks/api.py --quick    # 20,000 cases, 5 s per scenario
    .venv/bin/python benchmarks/api.py --db /tmp/api.sqlite3   # keep the database, reuse it

Needs gunicorn (the bench extras: `.venv/bin/pip install -e '.[bench]'`) and Debian's wrk
(`apt-get install wrk`).

A fresh SQLite database (WAL) is migrated, the 1963 scenario loaded and N synthetic cases
bulk-inserted (benchmarks/_data.py, as benchmarks/pages.py does). Tokens are made for a Yanji
county clerk (the reads) and for one clearing officer per unit with pending clearances (the
actions). Then gunicorn serves Tumen on 127.0.0.1 with workers sized for 2 cores, and wrk
(one thread, C and LuaJIT, keep-alive connections, no wait between calls; the requests are
built once by benchmarks/_api_wrk.lua) drives one scenario at a time over real HTTP, after a
short warm-up of every worker:

  ceiling           GET /bench/constant: a bare Django view, same server and middleware
  case read         GET /api/v1/cases/{number}: a random case of the clerk's county
  worklist page     GET /api/v1/cases?status=in_clearance&limit=25
  clearance grant   POST /api/v1/clearances/{id}/grant with If-Match and an Idempotency-Key,
                    each clearance once (as a careful client sends it)

Targets (issue #10): at least 2,000 reads/s and 1,000 actions/s, p95 under 50 ms. The load tool
shares the two cores with the server (and, here, with everyone else's work: the load average
is in the output), so the ceiling row says what the setup itself can reach on this machine.
The last line is one JSON object of every figure.
"""

from __future__ import annotations

import json
import os
import random
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
WARM_UP_SECONDS = 2
READS_PER_S, ACTIONS_PER_S, P95_MS = 2_000, 1_000, 50
SCENARIOS = ("ceiling", "case read", "worklist page", "clearance grant")
BIN = Path(sys.executable).parent
WRK = shutil.which("wrk") or "/usr/bin/wrk"


def parse_args():
    parser = make_parser(__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, help="how many cases (default 100,000; quick 20,000)")
    parser.add_argument("--db", type=Path, help="keep the SQLite database here and reuse it")
    parser.add_argument("--seconds", type=int, help="load per scenario (default 15; quick 5)")
    parser.add_argument("--connections", type=int, default=16, help="wrk's open connections")
    # 2 x 4 gthread beat 3 sync workers in every paired run here (keep-alive, and a thread
    # waiting on SQLite's lock leaves the core to another): docs/performance.md, "API".
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2 cores: 2)")
    parser.add_argument(
        "--threads", type=int, default=4, help="threads per gunicorn worker (>1: gthread)"
    )
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
        "--threads",
        str(args.threads),
        # gthread keeps wrk's connections open between requests; sync workers close each one.
        "--keep-alive",
        "30",
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


def request_lines(plan: dict) -> dict[str, tuple[list[str], str]]:
    """Per scenario: the requests wrk sends (benchmarks/_api_wrk.lua's lines) and its mode."""
    reader = plan["reader"]
    order = random.Random(1963)
    numbers = list(plan["cases"])
    order.shuffle(numbers)
    grants = list(plan["clearances"])
    order.shuffle(grants)
    body = json.dumps({"note": ""})
    return {
        "ceiling": (["GET\t/bench/constant\t\t\t\t"], "cycle"),
        "case read": ([f"GET\t/api/v1/cases/{n}\t{reader}\t\t\t" for n in numbers], "cycle"),
        "worklist page": (
            [f"GET\t/api/v1/cases?status=in_clearance&limit=25\t{reader}\t\t\t"],
            "cycle",
        ),
        "clearance grant": (
            [
                f'POST\t/api/v1/clearances/{pk}/grant\t{token}\t"{version}"\tbench-{pk}\t{body}'
                for pk, version, token in grants
            ],
            "once",
        ),
    }


def wrk(args, lines: list[str], mode: str, seconds: int, path: Path) -> dict:
    path.write_text("\n".join(lines) + "\n")
    command = [
        WRK,
        "--threads",
        "1",
        "--connections",
        str(args.connections),
        "--duration",
        f"{seconds}s",
        "--timeout",
        "10s",
        "--script",
        str(REPO / "benchmarks" / "_api_wrk.lua"),
        f"http://127.0.0.1:{args.port}",
        "--",
        str(path),
        "1",
        mode,
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    line = next(x for x in done.stdout.splitlines() if x.startswith("WRK_JSON "))
    return json.loads(line.removeprefix("WRK_JSON "))


def load(args, lines: list[str], mode: str, seconds: int, path: Path) -> dict:
    figures = wrk(args, lines, mode, seconds, path)
    requests = figures["requests"]
    return {
        "requests": requests,
        "failures": figures["errors_status"] + figures["errors_socket"],
        "per_s": round(requests / (figures["duration_us"] / 1e6), 1),
        "p50_ms": figures["p50_ms"],
        "p95_ms": figures["p95_ms"],
        "p99_ms": figures["p99_ms"],
        "pool_exhausted": mode == "once" and requests >= len(lines),
        "load_average": [round(x, 2) for x in os.getloadavg()],
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
        from django.db import connections

        connections.close_all()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "_api_settings",
            "TUMEN_API_RATE_PER_MINUTE": str(10**9),
        }
        server = serve(args, env)
        note(
            f"gunicorn: {args.workers} workers x {args.threads} threads; wrk: "
            f"{args.connections} connections, {seconds} s each"
        )
        scenarios = request_lines(plan)
        warm = scenarios["ceiling"][0] + scenarios["case read"][0][:50]
        wrk(args, warm, "cycle", WARM_UP_SECONDS, workdir / "warm.tsv")
        results = {}
        for name in SCENARIOS:
            lines, mode = scenarios[name]
            results[name] = load(args, lines, mode, seconds, workdir / "requests.tsv")
            note(
                f"  {name}: {results[name]['per_s']} requests/s "
                f"(load average {results[name]['load_average'][0]})"
            )
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
        f"\nThe API at {cases:,} synthetic cases on SQLite: gunicorn ({args.workers} workers x "
        f"{args.threads} threads) and wrk ({args.connections} connections, {seconds} s per "
        f"scenario) on one shared 2-core machine."
    )
    print_table(
        [
            "scenario",
            "requests",
            "failures",
            "req/s",
            "of ceiling",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "load 1 min",
        ],
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
                r["load_average"][0],
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
            "threads": args.threads,
            "connections": args.connections,
            "load_tool": "wrk",
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
