"""Applications per second through `tumen import cases`, against raw inserts and bulk_create.

    .venv/bin/python benchmarks/import.py                    # 1,000,000 applications, both engines
    .venv/bin/python benchmarks/import.py --quick            # 10,000, under a minute
    .venv/bin/python benchmarks/import.py --rows 200000 --engines sqlite

A CSV of synthetic applications (tumen.imports.synthetic, one principal each) is written once;
then, per engine, in a child process against a fresh database (a temporary SQLite file; on
PostgreSQL the database BENCH_PG_URL names, `tumen_bench_import` by default, created when
missing and its schema emptied first):

tumen      `import_file(kind="cases")` as the command line runs it: read and decode the file,
           check every row against the pack and the jurisdiction tree, import keys and the
           ledger, document matching, case numbers, persons + cases + members + transitions +
           ledger rows by executemany (SQLite) or COPY (PostgreSQL), one audit event per batch
           of 5,000, one transaction per batch.
ceiling    the same tables' rows (five per application, and the persons' matching keys),
           prepared beforehand (untimed), written with the raw
           driver: `executemany` in one transaction per batch on SQLite, `COPY` on PostgreSQL,
           the report tally counted once per batch as Tumen counts it (reports.db.batch_tally).
           No parsing, no checks, no audit: the most the database can take. `--row-tally`
           adds a second ceiling run with the tally's row triggers firing per row.
baseline   Django's `bulk_create` of the same model instances (building them is timed, parsing
           and checking are not), batch by batch in transactions: what an ORM import does.
           On large runs it covers the first `--baseline-rows` rows only (its rate is flat).

Memory: the child's resident set size after the first quarter of the rows and at the end; flat
means it grew by less than 32 MiB while the file went on. The targets (issue text): at least
100,000 rows/s on SQLite and 150,000 on PostgreSQL including validation, keys and audit, at
least 5x bulk_create, memory flat. The last line is one JSON object with every figure.
"""

from __future__ import annotations

import csv
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

from _common import (
    emit_json,
    empty_pg_database,
    machine,
    make_parser,
    note,
    print_table,
    rate,
    ratio,
    run_child,
)

FULL_ROWS = 1_000_000
QUICK_ROWS = 10_000
BASELINE_ROWS = 100_000
BATCH = 5_000
TARGETS = {"sqlite": 100_000, "postgres": 150_000}
TARGET_VS_BULK_CREATE = 5
FLAT_BYTES = 32 * 1024 * 1024
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/tumen_bench_import")
TABLES = (
    "imports_importedrow", "cases_transition", "cases_casemember", "cases_case",
    "cases_casenumbercounter", "people_person",
)  # fmt: skip


def rss_bytes() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def write_csv(path: Path, rows: int) -> None:
    from tumen.imports.synthetic import GeneratedSource, Generator

    header = GeneratedSource("cases", iter(())).header
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in Generator(seed=1963).applications(rows):
            writer.writerow([row[name] for name in header])


# --- the child: one engine ---------------------------------------------------------------------


def _setup(engine: str, workdir: Path) -> None:
    url = f"sqlite:///{workdir / 'bench.sqlite3'}" if engine == "sqlite" else PG_URL
    if engine == "postgres":
        empty_pg_database(PG_URL)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="tumen.settings",
        DATABASE_URL=url,
        TUMEN_VAR_DIR=str(workdir / "var"),
        TUMEN_IMPORT_DIR=str(workdir / "imports"),
        TUMEN_LOG_LEVEL="WARNING",
        TUMEN_DEBUG="false",
    )
    import django

    django.setup()
    from django.core.management import call_command

    from tumen.scenario.loader import load_scenario

    call_command("migrate", verbosity=0)
    load_scenario("1963")


def _tables_to_empty() -> list[str]:
    """TABLES and every table that refers to one of them, however indirectly (match keys, the
    tables later issues hang off cases and persons), read from the models, not listed by hand."""
    from django.apps import apps

    tables = set(TABLES)
    models = apps.get_models()
    grew = True
    while grew:
        grew = False
        for model in models:
            if model._meta.db_table in tables:
                continue
            for field in model._meta.concrete_fields:
                target = field.related_model
                if target is not None and target._meta.db_table in tables:
                    tables.add(model._meta.db_table)
                    grew = True
                    break
    return sorted(tables)


def _empty_tables(engine: str) -> None:
    """Empty the imported tables between runs (untimed); the tally is rebuilt to match."""
    from django.db import connection, transaction

    from tumen.reports.db import drop_triggers, install_triggers, rebuild

    tables = _tables_to_empty()
    # Row by row the tally's DELETE triggers would take minutes over a million cases.
    drop_triggers()
    if engine == "postgres":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    else:
        with connection.cursor() as cursor:
            # Every referring table is emptied too, so no reference is left dangling; the check
            # below proves it. (The pragma has no effect inside a transaction.)
            cursor.execute("PRAGMA foreign_keys = OFF")
            with transaction.atomic():
                for table in tables:
                    cursor.execute(f'DELETE FROM "{table}"')
            cursor.execute("PRAGMA foreign_keys = ON")
            dangling = cursor.execute("PRAGMA foreign_key_check").fetchall()
            assert not dangling, dangling[:5]
    install_triggers()
    rebuild()
    if engine == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM")


def tumen_run(path: Path, rows: int) -> dict:
    from tumen.audit.verify import verify_chain
    from tumen.cases.models import Case
    from tumen.imports.services import import_file

    samples: list[tuple[int, int]] = []

    def sample(run) -> None:
        samples.append((run.rows_read, rss_bytes()))

    start, cpu = time.perf_counter(), time.process_time()
    run = import_file(actor=None, kind="cases", path=path, batch_size=BATCH, on_batch=sample)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert run.rows_imported == rows == Case.objects.count(), (run.rows_imported, run.failure)
    assert verify_chain().ok
    quarter = next(rss for read, rss in samples if read >= rows // 4)
    return {
        "seconds": round(seconds, 2),
        "rows_per_s": round(rate(rows, seconds)),
        "cpu_rows_per_s": round(rate(rows, cpu)),
        "rss_quarter_mib": round(quarter / 2**20, 1),
        "rss_end_mib": round(samples[-1][1] / 2**20, 1),
        "rss_growth_mib": round((samples[-1][1] - quarter) / 2**20, 1),
        "memory_flat": samples[-1][1] - quarter < FLAT_BYTES,
    }


def _prepared_batches(path: Path, limit: int):
    """The rows of each table, batch by batch, exactly as Tumen writes them (ids from 1)."""
    from django.utils import timezone

    from tumen.cases.models import Case, CaseMember, Transition
    from tumen.imports.bulk import TableWriter
    from tumen.imports.columns import Lookups, RowChecker
    from tumen.imports.models import ImportedRow
    from tumen.imports.sources import Source
    from tumen.people.matching import match_data
    from tumen.people.models import Person, PersonMatchKey

    now = timezone.now()
    writers = {m: TableWriter(m, now=now) for m in (Person, Case, CaseMember, Transition)}
    writers[ImportedRow] = TableWriter(ImportedRow, now=now)
    # The identity matcher's profile and keys Tumen writes with each new person (issue #11).
    writers[PersonMatchKey] = TableWriter(PersonMatchKey, now=now)
    key_id = 0
    lookups = Lookups.load("/")
    checker = RowChecker("cases", lookups, today=now.date())
    batch: dict = {model: [] for model in writers}
    numbers: dict[int, int] = {}
    for n, row in enumerate(Source(path).rows(), start=1):
        if n > limit:
            break
        clean, _problems = checker.check(row.line, row.values)
        case, kind = clean.case, clean.case["case_type"]
        county = case["county_id"]
        numbers[county] = numbers.get(county, 0) + 1
        profile, keys = match_data(SimpleNamespace(pk=n, **clean.person))
        batch[Person].append({**clean.person, "id": n, "match_profile": profile})
        for key in keys:
            key_id += 1
            batch[PersonMatchKey].append({"id": key_id, "person_id": n, "key": key})
        batch[Case].append({
            "id": n, "number": f"C{county}-{numbers[county]:07d}", "case_type": kind.code,
            "policy_pack_id": case["pack_id"], "jurisdiction_id": county,
            "intake_unit_id": lookups.offices[county], "status": "draft",
            "priority": kind.priority, "details": case["details"],
        })  # fmt: skip
        batch[CaseMember].append({"id": n, "case_id": n, "person_id": n, "role": "principal"})
        batch[Transition].append({
            "id": n, "case_id": n, "from_status": "", "to_status": "draft", "at": now,
            "unit_id": lookups.offices[county], "clause_id": kind.clause,
        })  # fmt: skip
        batch[ImportedRow].append({
            "id": n, "kind": "cases", "key": clean.key, "digest": clean.digest,
            "object_id": n, "run_id": None, "line": row.line,
        })  # fmt: skip
        if n % BATCH == 0:
            yield writers, batch
            batch = {model: [] for model in writers}
    if batch[Person]:
        yield writers, batch


def ceiling_run(path: Path, rows: int, *, row_tally: bool = False) -> dict:
    """The raw driver, with the report tally kept as Tumen keeps it: once per batch, set-based
    (or, with `row_tally`, by its row triggers, as any writer that does not pause them)."""
    from contextlib import nullcontext

    from django.db import connection, transaction

    from tumen.cases.models import Case, Transition
    from tumen.imports.models import ImportRun
    from tumen.reports.db import batch_tally

    seconds = 0.0
    run = ImportRun.objects.create(kind="cases", file_name="ceiling", stored_path="")
    for writers, batch in _prepared_batches(path, rows):
        data = {}
        for model, items in batch.items():
            if model._meta.model_name == "importedrow":
                for item in items:
                    item["run_id"] = run.pk
            data[model] = writers[model].tuples(items)
        start = time.perf_counter()
        with transaction.atomic(), nullcontext() if row_tally else batch_tally() as tally:
            for model, tuples in data.items():
                writers[model].insert(tuples)
            if tally is not None:
                tally.cases_inserted(item["id"] for item in batch[Case])
                tally.transitions_inserted(item["id"] for item in batch[Transition])
        seconds += time.perf_counter() - start
    assert connection.cursor().execute("SELECT COUNT(*) FROM cases_case").fetchone()[0] == rows
    return {"seconds": round(seconds, 2), "rows_per_s": round(rate(rows, seconds))}


def baseline_run(path: Path, rows: int) -> dict:
    from django.db import transaction

    from tumen.imports.models import ImportedRow, ImportRun

    run = ImportRun.objects.create(kind="cases", file_name="baseline", stored_path="")
    seconds = 0.0
    for _writers, batch in _prepared_batches(path, rows):
        start = time.perf_counter()
        with transaction.atomic():
            for model in batch:
                items = batch[model]
                if model is ImportedRow:
                    items = [{**item, "run_id": run.pk} for item in items]
                model.objects.bulk_create([model(**item) for item in items], batch_size=BATCH)
        seconds += time.perf_counter() - start
    return {"rows": rows, "seconds": round(seconds, 2), "rows_per_s": round(rate(rows, seconds))}


def child(engine: str, path: Path, rows: int, baseline_rows: int, row_tally: bool) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="import-bench-"))
    try:
        _setup(engine, workdir)
        note(f"  {engine}: tumen import of {rows:,} applications")
        tumen = tumen_run(path, rows)
        _empty_tables(engine)
        # The ceiling and the baseline get the page cache the importer gives its connection.
        from tumen.imports.services import _large_page_cache

        result = {"engine": engine}
        with _large_page_cache():
            note(f"  {engine}: ceiling (raw driver)")
            ceiling = ceiling_run(path, rows)
            _empty_tables(engine)
            if row_tally:
                note(f"  {engine}: ceiling with the tally's row triggers")
                result["ceiling_row_tally"] = ceiling_run(path, rows, row_tally=True)
                _empty_tables(engine)
            note(f"  {engine}: baseline (bulk_create) of {baseline_rows:,}")
            baseline = baseline_run(path, baseline_rows)
        return result | {"tumen": tumen, "ceiling": ceiling, "bulk_create": baseline}
    finally:
        if engine == "postgres":
            from django.db import connection

            connection.close()
        shutil.rmtree(workdir, ignore_errors=True)


# --- the parent ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = make_parser(__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--rows", type=int, help=f"applications ({FULL_ROWS:,}; --quick: {QUICK_ROWS:,})"
    )
    parser.add_argument("--baseline-rows", type=int, help=f"bulk_create rows (≤ {BASELINE_ROWS:,})")
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument(
        "--row-tally",
        action="store_true",
        help="also time the ceiling with the report tally's row triggers (one upsert per row)",
    )
    parser.add_argument("--child", choices=("sqlite", "postgres"), help="internal: one engine")
    parser.add_argument("--csv", type=Path, help="internal: the generated file")
    args = parser.parse_args(argv)
    args.rows = args.rows or (QUICK_ROWS if args.quick else FULL_ROWS)
    args.baseline_rows = min(args.rows, args.baseline_rows or BASELINE_ROWS)
    if args.child:
        emit_json(child(args.child, args.csv, args.rows, args.baseline_rows, args.row_tally))
        return 0
    started = time.perf_counter()
    load_before = [round(x, 2) for x in os.getloadavg()]
    runs = {}
    with tempfile.TemporaryDirectory(prefix="import-bench-") as tmp:
        path = Path(tmp) / "applications.csv"
        note(f"writing {args.rows:,} synthetic applications")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tumen.settings")
        import django

        django.setup()
        write_csv(path, args.rows)
        for engine in [e.strip() for e in args.engines.split(",") if e.strip()]:
            child_args = ["--child", engine, "--csv", str(path), "--rows", str(args.rows)]
            child_args += ["--baseline-rows", str(args.baseline_rows)]
            child_args += ["--row-tally"] if args.row_tally else []
            try:
                runs[engine] = run_child(Path(__file__), child_args, env={})
            except RuntimeError as exc:
                note(f"skipping {engine}: {exc}")
                runs[engine] = {"engine": engine, "skipped": str(exc)[:300]}
        size = path.stat().st_size
    figures = summary(runs, args, size)
    figures["load_average"] = {
        "before": load_before,
        "after": [round(x, 2) for x in os.getloadavg()],
    }
    figures["wall_seconds"] = round(time.perf_counter() - started, 1)
    figures["max_rss_parent_mib"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
    )
    print_tables(runs, figures)
    emit_json(figures)
    return 0


def summary(runs: dict, args, size: int) -> dict:
    meets = {}
    for engine, run in runs.items():
        if "skipped" in run:
            continue
        tumen = run["tumen"]
        tumen["vs_ceiling"] = ratio(tumen["rows_per_s"], run["ceiling"]["rows_per_s"])
        tumen["vs_bulk_create"] = ratio(tumen["rows_per_s"], run["bulk_create"]["rows_per_s"])
        meets[f"{engine}_rows_per_s"] = tumen["rows_per_s"] >= TARGETS[engine]
        meets[f"{engine}_vs_bulk_create"] = (tumen["vs_bulk_create"] or 0) >= TARGET_VS_BULK_CREATE
        meets[f"{engine}_memory_flat"] = tumen["memory_flat"]
    return {
        "benchmark": "import",
        "rows": args.rows,
        "baseline_rows": args.baseline_rows,
        "file_mib": round(size / 2**20, 1),
        "batch": BATCH,
        "runs": runs,
        "targets": {"rows_per_s": TARGETS, "vs_bulk_create": TARGET_VS_BULK_CREATE},
        "meets_targets": meets,
        "machine": machine(),
    }


def print_tables(runs: dict, figures: dict) -> None:
    rows = []
    for engine, run in runs.items():
        if "skipped" in run:
            rows.append([engine, "skipped", None, None, None, None, None])
            continue
        tumen = run["tumen"]
        rows.append(
            [
                f"tumen-{engine}",
                "import",
                tumen["rows_per_s"],
                tumen["cpu_rows_per_s"],
                tumen["vs_ceiling"],
                tumen["vs_bulk_create"],
                tumen["rss_growth_mib"],
            ]
        )
        rows.append(
            [f"ceiling-{engine}", "raw driver", run["ceiling"]["rows_per_s"], None, 1.0, None, None]
        )
        if "ceiling_row_tally" in run:
            per_row = run["ceiling_row_tally"]["rows_per_s"]
            rows.append(
                [
                    f"ceiling-{engine}",
                    "row triggers",
                    per_row,
                    None,
                    ratio(per_row, run["ceiling"]["rows_per_s"]),
                    None,
                    None,
                ]
            )
        rows.append(
            [
                f"bulk_create-{engine}",
                "baseline",
                run["bulk_create"]["rows_per_s"],
                None,
                ratio(run["bulk_create"]["rows_per_s"], run["ceiling"]["rows_per_s"]),
                1.0,
                None,
            ]
        )
    print(f"{figures['rows']:,} applications ({figures['file_mib']} MiB CSV), batches of {BATCH:,}")
    print_table(
        ["run", "path", "rows/s", "CPU rows/s", "vs ceiling", "vs bulk_create", "RSS growth MiB"],
        rows,
    )
    print("targets met:", ", ".join(f"{k}={v}" for k, v in figures["meets_targets"].items()))


if __name__ == "__main__":
    raise SystemExit(main())
