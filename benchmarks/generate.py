"""`tumen generate --cases`: speed and memory of the one synthetic-data generator as counts grow.

    .venv/bin/python benchmarks/generate.py            # 10,000 and 40,000 cases, 2,000 a batch
    .venv/bin/python benchmarks/generate.py --quick    # 1,000 and 4,000 cases, 250 a batch

Each size runs in a fresh interpreter on a fresh SQLite file (migrated, the 1963 scenario
loaded), through tumen.imports.histories as `tumen generate` runs it (tally triggers on). What
is measured: CPU seconds of the generation (wall time means little on a shared machine), cases
and rows per CPU second, and memory: the resident set after each batch, less the resident set
before the first, and the most rows the generator held at once (counted, not timed).

Target (issue #12, point 6: "streaming with flat memory"): four times the cases take no more
than 16 MB more memory than one, and the rows held at once do not grow with the count. The last
line is one JSON object with `meets_targets`.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

from _common import emit_json, machine, make_parser, note, print_table, run_child

FLAT_MB = 16.0
PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * PAGE / 2**20


def child(cases: int, batch_size: int) -> dict:
    directory = Path(tempfile.mkdtemp(prefix="tumen-generate-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{directory / 'db.sqlite3'}"
    os.environ["TUMEN_VAR_DIR"] = str(directory / "var")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tumen.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from tumen.imports.histories import generate_cases
    from tumen.lib import clock
    from tumen.scenario.loader import load_scenario

    call_command("migrate", verbosity=0)
    load_scenario("1963")
    generate_cases(50, seed=1, now=clock.now())  # imports, caches and keys, before measuring
    before = rss_mb()
    samples = []
    cpu, wall = time.process_time(), time.perf_counter()
    summary = generate_cases(
        cases,
        seed=1963,
        now=clock.now(),
        batch_size=batch_size,
        on_batch=lambda _s: samples.append(rss_mb()),
    )
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    rows = sum(summary.rows.values())
    return {
        "cases": cases,
        "batch_size": batch_size,
        "rows": rows,
        "cpu_s": round(cpu, 2),
        "wall_s": round(wall, 2),
        "cases_per_cpu_s": round(cases / cpu),
        "rows_per_cpu_s": round(rows / cpu),
        "rss_before_mb": round(before, 1),
        "rss_growth_mb": round(max(samples) - before, 1),
        "peak_rows": summary.peak_rows,
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "by_status": dict(summary.by_status),
    }


def main() -> None:
    parser = make_parser(__doc__.splitlines()[0])
    parser.add_argument("--child", type=int, help="internal: one size, in this interpreter")
    parser.add_argument("--batch-size", type=int, default=0, help="cases a batch")
    args = parser.parse_args()
    if args.child:
        emit_json(child(args.child, args.batch_size))
        return
    sizes = (1_000, 4_000) if args.quick else (10_000, 40_000)
    batch = args.batch_size or (250 if args.quick else 2_000)
    started = time.perf_counter()
    results = []
    for size in sizes:
        note(f"generating {size:,} cases in a fresh interpreter and database …")
        arguments = ["--child", str(size), "--batch-size", str(batch)]
        results.append(run_child(Path(__file__), arguments, env={}))
    small, large = results
    growth = large["rss_growth_mb"] - small["rss_growth_mb"]
    flat_rows = large["peak_rows"] <= 1.2 * small["peak_rows"]
    print_table(
        ["cases", "rows", "cpu s", "wall s", "cases/cpu s", "rows/cpu s", "rss growth MB",
         "peak rows held"],
        [[r["cases"], r["rows"], r["cpu_s"], r["wall_s"], r["cases_per_cpu_s"],
          r["rows_per_cpu_s"], r["rss_growth_mb"], r["peak_rows"]] for r in results],
    )  # fmt: skip
    load = os.getloadavg()[0]
    print(
        f"\n{sizes[1] // sizes[0]}x the cases: {growth:+.1f} MB of memory (target: at most "
        f"+{FLAT_MB:.0f} MB), most rows held at once {small['peak_rows']:,} -> "
        f"{large['peak_rows']:,}. 1-minute load average {load:.1f} on {os.cpu_count()} cores: "
        "CPU seconds are the figure to compare."
    )
    emit_json(
        {
            "benchmark": "generate",
            "quick": args.quick,
            "engine": "sqlite",
            "results": results,
            "memory_growth_mb": round(growth, 1),
            "meets_targets": growth <= FLAT_MB and flat_rows,
            "load_average": load,
            "elapsed_s": round(time.perf_counter() - started, 1),
            "machine": machine(),
        }
    )


if __name__ == "__main__":
    main()
