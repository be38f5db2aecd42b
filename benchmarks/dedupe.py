"""Bulk de-duplication and online matching of persons, against the issue's ceilings.

    .venv/bin/python benchmarks/dedupe.py            # 1,000,000 records; 1,000,000 persons online
    .venv/bin/python benchmarks/dedupe.py --quick    # 20,000 records, under a minute
    .venv/bin/python benchmarks/dedupe.py --parts bulk,raw   # 1M records, no online register

Bulk: a labelled synthetic register (people.linkage.synthetic) is written to CSV; a child process
runs what `tumen dedupe INPUT.csv --out CLUSTERS.csv` runs (read, name keys, Splink 5 on DuckDB,
clustering, writing) and reports its wall time and peak memory (ru_maxrss: Python and DuckDB
alike). The same register is then run with names compared as raw strings, to show the gain of the
cross-script keys; both are scored against the truth (pairwise F1).

Online: a fresh SQLite database (WAL) holds one record per synthetic person with its blocking
keys and matching profile, as the person services store them but written set-based
(`executemany`, indexes built after the load); persons of another seed (303) fill it up to
`--online-persons` (default: as many as records). Each query is people.matching.candidates, the
function intake calls, run as the system (no jurisdiction filter). Known queries are the other
records of registered persons (other scripts, spellings, date errors); new queries are persons of
another seed; queries carry sex, nationality and, where the record has one, the identity number,
as intake's registration step does. As 1:N identification is measured (ISO/IEC 19795-1):
top-1 accuracy is the rank-1 identification rate, a known query whose first candidate shown
(probability >= the intake threshold) is its person; a false match is a new query whose first
candidate is called likely the same person (probability >= model.LIKELY_THRESHOLD), the false
positive identification rate. Known queries whose person is also called likely (1 - the false
negative identification rate) are given beside them, and both rates at other thresholds.

Ceilings (issue #11): bulk 1M records < 120 s and < 6 GB peak; online p95 < 5 ms at 1M persons;
top-1 >= 97 %; false matches <= 0.5 %; pairwise F1 >= 0.95 at 1M (0.97 at 100k).
"""

from __future__ import annotations

import csv
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

from _common import emit_json, machine, make_parser, note, print_table, run_child

BULK_SECONDS = 120.0
PEAK_GB = 6.0
P95_MS = 5.0
TOP1 = 0.97
FALSE_MATCH = 0.005
F1_AT_1M = 0.95
FULL, QUICK = 1_000_000, 20_000
QUERIES_FULL, QUERIES_QUICK = 2000, 300
# Thresholds at which the online rates are also given (how model.LIKELY_THRESHOLD was chosen).
BY_THRESHOLD = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95)
# The seeds of the register, of the new persons and of the filler persons: other than the
# training seeds (11, 12, 13), on which the model and its thresholds were chosen.
SEEDS = (101, 202, 303)
# Persons per record in a synthetic register (64,409 of 100,000 records at seed 101), a little less.
PERSONS_PER_RECORD = 0.6


def _child_bulk(register: str, truth: str, raw: bool) -> None:
    """In a fresh interpreter: the `tumen dedupe` run, timed, with its peak memory."""
    from tumen.people.linkage.runs import dedupe_file

    start = time.perf_counter()
    run = dedupe_file(register, out=register + ".clusters.csv", raw=raw)
    seconds = time.perf_counter() - start
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    from tumen.people.linkage import csvio, evaluate

    scores = evaluate.score(run.clusters, csvio.read_truth(truth))
    emit_json(
        {
            "seconds": seconds,
            "peak_gb": peak_gb,
            "f1": scores.pairwise_f1,
            "precision": scores.pairwise_precision,
            "recall": scores.pairwise_recall,
        }
    )


def _rows(path):
    with open(path, encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def _setup_django(db_path: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tumen.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _load_register(
    register: str, truth: str, limit: int, filler: str = "", filler_truth: str = ""
) -> tuple[dict, list[dict]]:
    """One record per person into the database; the other records become known queries.

    Set-based: each person row is the one `Person.save()` would write (every concrete field
    prepared by the field itself), with the matching profile and blocking keys
    `people.matching.refresh_keys` stores, written with `executemany`; the two tables' indexes
    are dropped while loading and built again after, as a bulk load does. When the register
    holds fewer than `limit` persons, the persons of `filler` (a register of another seed: more
    namesakes, never queried) make up the rest.
    """
    import datetime

    from django.db import connection, transaction

    from tumen.people.matching import match_data
    from tumen.people.models import Person, PersonMatchKey

    person_of = {r["record_id"]: r["cluster_id"] for r in _rows(truth)}
    registered: dict[str, int] = {}
    known: list[dict] = []
    sex = {"M": "male", "F": "female", "": "unknown"}
    fields = list(Person._meta.concrete_fields)
    person_sql = "INSERT INTO {} ({}) VALUES ({})".format(
        connection.ops.quote_name(Person._meta.db_table),
        ", ".join(connection.ops.quote_name(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    key_table = connection.ops.quote_name(PersonMatchKey._meta.db_table)
    key_sql = f"INSERT INTO {key_table} (person_id, key) VALUES (%s, %s)"
    tables = (Person._meta.db_table, PersonMatchKey._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            f" AND tbl_name IN ({', '.join(['%s'] * len(tables))})",
            tables,
        )
        indexes = cursor.fetchall()
        for name, _sql in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("PRAGMA synchronous = OFF")
    batch: list[Person] = []

    def flush():
        people, keys = [], []
        for p in batch:
            p.match_profile, held = match_data(p)
            people.append(
                tuple(
                    field.get_db_prep_save(field.pre_save(p, True), connection) for field in fields
                )
            )
            keys.extend((p.pk, k) for k in held)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(person_sql, people)
            cursor.executemany(key_sql, keys)
        batch.clear()

    def person(row: dict, pid: str) -> Person:
        registered[pid] = len(registered) + 1
        return Person(
            pk=registered[pid],
            name_hangul=row["name_hangul"],
            name_hanzi=row["name_hanzi"],
            name_latin=row["name_latin"],
            sex=sex[row["sex"]],
            date_of_birth=datetime.date.fromisoformat(row["birth_date"])
            if row["birth_date"]
            else None,
            nationality=row["nationality"] or "prc",
            # A quarter of the records carry the resident identity number; intake asks for it.
            personal_id_number=row["id_number"],
        )

    for row in _rows(register):
        pid = person_of[row["record_id"]]
        if pid in registered:
            known.append({**row, "person": pid})
            continue
        if len(registered) >= limit:
            continue
        batch.append(person(row, pid))
        if len(batch) >= 20_000:
            flush()
    if filler and len(registered) < limit:
        filler_of = {r["record_id"]: r["cluster_id"] for r in _rows(filler_truth)}
        for row in _rows(filler):
            pid = "filler:" + filler_of[row["record_id"]]
            if pid in registered:
                continue
            if len(registered) >= limit:
                break
            batch.append(person(row, pid))
            if len(batch) >= 20_000:
                flush()
    if batch:
        flush()
    with connection.cursor() as cursor:
        for _name, sql in indexes:
            cursor.execute(sql)
    return registered, known


def _query(row: dict):
    import datetime

    from tumen.people.matching import candidates

    born = datetime.date.fromisoformat(row["birth_date"]) if row["birth_date"] else None
    start, cpu = time.perf_counter(), time.process_time()
    found = candidates(
        official=None,
        name_hangul=row["name_hangul"],
        name_hanzi=row["name_hanzi"],
        name_latin=row["name_latin"],
        date_of_birth=born,
        sex=row["sex"],
        nationality=row["nationality"],
        id_number=row["id_number"],
        limit=1,
    )
    return (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000, found


def _child_online(
    register: str, truth: str, new_register: str, persons: int, queries: int, filler: list[str]
) -> None:
    from tumen.people.linkage import model

    db = str(Path(register).with_suffix(".sqlite3"))
    _setup_django(db)
    start = time.perf_counter()
    registered, known = _load_register(register, truth, persons, *filler)
    load_s = time.perf_counter() - start
    note(f"loaded {len(registered)} persons in {load_s:.0f} s")
    known = [k for k in known if k["birth_date"]][:queries]
    new = [r for r, _ in zip(_rows(new_register), range(queries), strict=False)]
    for row in known[:20]:
        _query(row)  # warm caches: the model, the lunar calendar, SQLite's pages
    latencies, cpu_ms, first, matched, false = [], [], 0, 0, 0
    # The best candidate's probability, for the rates at other thresholds (BY_THRESHOLD).
    known_best: list[float] = []
    new_best: list[float] = []
    for row in known:
        ms, cpu, found = _query(row)
        latencies.append(ms)
        cpu_ms.append(cpu)
        if found and found[0].person.pk == registered[row["person"]]:
            first += 1
            matched += found[0].likely
            known_best.append(found[0].probability)
    for row in new:
        ms, cpu, found = _query(row)
        latencies.append(ms)
        cpu_ms.append(cpu)
        false += bool(found and found[0].likely)
        if found:
            new_best.append(found[0].probability)
    latencies.sort()
    cpu_ms.sort()
    emit_json(
        {
            "persons": len(registered),
            "load_seconds": load_s,
            "queries": len(latencies),
            "p50_ms": statistics.median(latencies),
            "p95_ms": latencies[int(0.95 * (len(latencies) - 1))],
            # This process's CPU per query: what stays stable when other work competes for the
            # cores (it leaves out SQLite's I/O waits, which are in-process here anyway).
            "p95_cpu_ms": cpu_ms[int(0.95 * (len(cpu_ms) - 1))],
            # Rank-1 identification rate: the person is the first candidate intake shows.
            "top1": first / max(len(known), 1),
            # ... and is called likely the same person (1 - FNIR at the online threshold).
            "top1_likely": matched / max(len(known), 1),
            # False positive identification rate: a new person gets a candidate called likely.
            "false_match": false / max(len(new), 1),
            "likely_threshold": model.LIKELY_THRESHOLD,
            "by_threshold": [
                {
                    "threshold": t,
                    "top1_likely": sum(p >= t for p in known_best) / max(len(known), 1),
                    "false_match": sum(p >= t for p in new_best) / max(len(new), 1),
                }
                for t in BY_THRESHOLD
            ],
            "known": len(known),
            "new": len(new),
        }
    )


def main() -> int:
    parser = make_parser(__doc__.splitlines()[0])
    parser.add_argument(
        "--records", type=int, help="records in the register (default 1M, quick 20k)"
    )
    parser.add_argument(
        "--parts",
        default="bulk,raw,online",
        help="which measures to run, comma-separated: bulk, raw, online (default all three)",
    )
    parser.add_argument("--child", choices=["bulk", "bulk-raw", "online"], help=argparse_hidden())
    parser.add_argument("--files", nargs=4, help=argparse_hidden())
    parser.add_argument("--filler", nargs=2, default=[], help=argparse_hidden())
    parser.add_argument(
        "--online-persons",
        type=int,
        help="persons in the online register (default: as many as records, 1M / 20k quick)",
    )
    parser.add_argument("--persons", type=int, default=0, help=argparse_hidden())
    parser.add_argument(
        "--seeds",
        default=",".join(map(str, SEEDS)),
        help="seeds of the register, the new persons and the filler (default 101,202,303; the"
        " training seeds 11,12,13 show what the thresholds were chosen on)",
    )
    parser.add_argument("--queries", type=int, default=0, help=argparse_hidden())
    args = parser.parse_args()
    if args.child:
        register, truth, new_register, _new_truth = args.files
        if args.child == "online":
            _child_online(register, truth, new_register, args.persons, args.queries, args.filler)
        else:
            _child_bulk(register, truth, raw=args.child == "bulk-raw")
        return 0

    from tumen.people.linkage.synthetic import write_register

    records = args.records or (QUICK if args.quick else FULL)
    queries = QUERIES_QUICK if args.quick else QUERIES_FULL
    with tempfile.TemporaryDirectory(prefix="tumen-dedupe-") as tmp:
        files = [
            f"{tmp}/register.csv",
            f"{tmp}/truth.csv",
            f"{tmp}/new.csv",
            f"{tmp}/new_truth.csv",
        ]
        start = time.perf_counter()
        register_seed, new_seed, filler_seed = (int(x) for x in args.seeds.split(","))
        write_register(files[0], files[1], records, seed=register_seed)
        write_register(files[2], files[3], queries, seed=new_seed)
        persons = args.online_persons or records
        # A register of N records holds about 0.64 N persons; another seed's persons (namesakes
        # never queried) fill the online register up to `persons`.
        filler: list[str] = []
        missing = persons - int(PERSONS_PER_RECORD * records)
        if "online" in args.parts.split(",") and missing > 0:
            filler = [f"{tmp}/filler.csv", f"{tmp}/filler_truth.csv"]
            write_register(*filler, int(missing / PERSONS_PER_RECORD) + 1000, seed=filler_seed)
        note(f"generated {records} records in {time.perf_counter() - start:.0f} s")
        script = Path(__file__)
        parts = set(args.parts.split(","))
        bulk = raw = online = None
        if "bulk" in parts:
            bulk = run_child(script, ["--child", "bulk", "--files", *files], env={})
            note(f"bulk: {bulk}")
        if "raw" in parts:
            raw = run_child(script, ["--child", "bulk-raw", "--files", *files], env={})
            note(f"raw: {raw}")
        if "online" in parts:
            online = run_child(
                script,
                [
                    "--child",
                    "online",
                    "--files",
                    *files,
                    "--persons",
                    str(persons),
                    *(["--filler", *filler] if filler else []),
                    "--queries",
                    str(queries),
                ],
                env={},
            )
    _report(args, records, bulk, raw, online)
    return 0


def _report(args, records: int, bulk, raw, online) -> None:
    nothing = {k: float("nan") for k in ("seconds", "peak_gb", "f1")}
    bulk_ = bulk or nothing
    raw_ = raw or nothing
    online_ = online or {
        k: float("nan")
        for k in (
            "persons",
            "p50_ms",
            "p95_ms",
            "p95_cpu_ms",
            "top1",
            "top1_likely",
            "false_match",
            "likely_threshold",
        )
    }
    bulk, raw, online = bulk_, raw_, online_
    targets = {
        "bulk_under_120_s": bulk["seconds"] < BULK_SECONDS,
        "bulk_peak_under_6_gb": bulk["peak_gb"] < PEAK_GB,
        "online_p95_under_5_ms": online["p95_ms"] < P95_MS,
        "top1_at_least_97_pct": online["top1"] >= TOP1,
        "false_matches_at_most_0_5_pct": online["false_match"] <= FALSE_MATCH,
        "f1_at_least_0_95": bulk["f1"] >= F1_AT_1M,
    }
    print_table(
        ["measure", "value", "ceiling / target", "meets"],
        [
            ["records de-duplicated", records, None, None],
            [
                "bulk wall seconds",
                round(bulk["seconds"], 1),
                BULK_SECONDS,
                targets["bulk_under_120_s"],
            ],
            ["bulk peak GB", round(bulk["peak_gb"], 2), PEAK_GB, targets["bulk_peak_under_6_gb"]],
            [
                "pairwise F1, cross-script keys",
                _fraction(bulk["f1"]),
                F1_AT_1M,
                targets["f1_at_least_0_95"],
            ],
            ["pairwise F1, raw strings", _fraction(raw["f1"]), None, None],
            ["persons in the online register", online["persons"], None, None],
            ["online p50 ms", round(online["p50_ms"], 2), None, None],
            ["online p95 ms", round(online["p95_ms"], 2), P95_MS, targets["online_p95_under_5_ms"]],
            ["online p95 CPU ms", round(online["p95_cpu_ms"], 2), None, None],
            [
                "top-1 accuracy, known persons (shown first)",
                _fraction(online["top1"]),
                _fraction(TOP1),
                targets["top1_at_least_97_pct"],
            ],
            [
                f"  ... and called likely (>= {online['likely_threshold']})",
                _fraction(online["top1_likely"]),
                None,
                None,
            ],
            [
                "false matches, new persons called likely",
                _fraction(online["false_match"]),
                _fraction(FALSE_MATCH),
                targets["false_matches_at_most_0_5_pct"],
            ],
        ],
    )
    if online.get("by_threshold"):
        print()
        print_table(
            ["threshold", "known persons shown first and called likely", "new persons called"],
            [
                [row["threshold"], _fraction(row["top1_likely"]), _fraction(row["false_match"])]
                for row in online["by_threshold"]
            ],
        )
    emit_json(
        {
            "benchmark": "dedupe",
            "quick": args.quick,
            "records": records,
            "bulk": bulk,
            "raw_strings": raw,
            "online": online,
            "f1_gain_over_raw": bulk["f1"] - raw["f1"],
            "meets_targets": targets,
            "machine": machine(),
            "load_average": os.getloadavg(),
        }
    )


def _fraction(value: float) -> str:
    return f"{value:.4f}"


def argparse_hidden():
    import argparse

    return argparse.SUPPRESS


if __name__ == "__main__":
    raise SystemExit(main())
