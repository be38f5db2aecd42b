"""A province's report figures at 1M and 10M cases: from the tally, and from raw GROUP BYs.

    .venv/bin/python benchmarks/reports.py --quick                 # 100,000 cases, both engines
    .venv/bin/python benchmarks/reports.py                         # 1,000,000 and 10,000,000
    .venv/bin/python benchmarks/reports.py --sizes 1000000 --engines sqlite

For each engine and size, a child process makes a fresh database (a temporary SQLite file, or
the PostgreSQL database BENCH_REPORTS_PG_URL names (`tumen_bench_reports` on the local server by
default, created when missing), with its schema dropped
first), loads the 1963 scenario and writes the cases with set-based SQL (INSERT … SELECT over a
generated series, one statement per table and stage, with the tally's triggers dropped
meanwhile): cases, their transitions, decisions, refusal issues, clearances, and for one approved
case in five a member, a travel authorization and, for half of those, its crossing (the case
then authorized, departed and closed). It then fills the tally with its set-based rebuild and
reinstalls the triggers: the state a site reaches when every case step has gone through the
triggers. It then times Jilin's figures for one month:

- **tally**: `derive(tally_for(...))`, what the report page, the PDF, the exports, the API and
  `tumen report` run (median of several calls);
- **baseline**: the same figures by plain GROUP BYs over the raw tables, with exact medians
  and 90th percentiles by ROW_NUMBER over the durations (the nearest rank, as the tally's), and
  checks that both give the same numbers.

Target (issue #9): the tally's figures under 100 ms at both sizes on both engines.
"""

from __future__ import annotations

import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    REPO,
    emit_json,
    empty_pg_database,
    machine,
    make_parser,
    note,
    print_table,
    ratio,
    run_child,
)

sys.path.insert(0, str(REPO))

TARGET_MS = 100.0
FULL_SIZES = (1_000_000, 10_000_000)
QUICK_SIZES = (100_000,)
PG_URL = os.environ.get(
    "BENCH_REPORTS_PG_URL", "postgres://postgres@127.0.0.1:5432/tumen_bench_reports"
)
PROVINCE = "jilin"
PERIOD = "2025-01"
AS_OF = datetime.datetime(2026, 1, 15, 12, tzinfo=datetime.UTC)
BATCH = 1_000_000
COMPARED = (
    "cases_opened",
    "cases_opened_by_type",
    "cases_opened_by_status",
    "cases_opened_by_priority",
    "decisions_by_outcome",
    "decisions_by_clause",
    "refusals_by_ground",
    "flags_by_ground",
    "flags_by_unit_kind",
    "retypings",
    "withdrawals",
    "clearances_pending_by_unit_kind",
    "clearances_overdue_by_unit_kind",
    "clearances_overdue_by_age",
    "processing_days_by_type",
    "step_days_by_status",
    "backlog_by_county",
    "cases_opened_decided",
    "cases_opened_departed",
    "authorizations_issued",
    "authorizations_used",
    "authorizations_expired_unused",
    "departures",
)


# --- the child: one engine, one size ------------------------------------------------------------


def _setup(engine: str, workdir: Path) -> None:
    if engine == "sqlite":
        url = f"sqlite:///{workdir / 'reports-bench.sqlite3'}"
    else:
        empty_pg_database(PG_URL)
        url = PG_URL
    os.environ.update(
        DJANGO_SETTINGS_MODULE="tumen.settings",
        DATABASE_URL=url,
        TUMEN_VAR_DIR=str(workdir / "var"),
        TUMEN_DEBUG="false",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from tumen.scenario.loader import load_scenario

    load_scenario("1963")


class Sql:
    """The few expressions the generator writes differently per engine."""

    def __init__(self, vendor: str):
        self.vendor = vendor

    def series(self, lo: int, hi: int) -> str:
        if self.vendor == "sqlite":
            return (
                f"(WITH RECURSIVE s(i) AS (SELECT {lo} UNION ALL SELECT i + 1 FROM s "
                f"WHERE i < {hi}) SELECT i FROM s)"
            )
        return f"(SELECT generate_series({lo}::bigint, {hi}::bigint) AS i)"

    def at(self, days: str, hours: str) -> str:
        if self.vendor == "sqlite":
            return (
                f"datetime('2024-01-01', '+' || ({days}) || ' days', '+' || ({hours}) || ' hours')"
            )
        return (
            f"(timestamptz '2024-01-01 00:00+00' + ({days}) * interval '1 day' "
            f"+ ({hours}) * interval '1 hour')"
        )

    def json(self, text: str) -> str:
        return f"'{text}'" if self.vendor == "sqlite" else f"'{text}'::jsonb"


# Per case i: county i % K, type by i % 7, state by i % 10, opened on day D of 730 at hour H,
# C days in clearance, E days awaiting the decision.
D, H, C, E = "((s.i * 7919) % 730)", "(s.i % 24)", "((s.i * 13) % 20)", "((s.i * 17) % 15)"
# Of the approved cases, one in five has its document (every case here has one member): those with
# i % 10 = 5 still hold it, those with i % 10 = 0 crossed X days after the decision.
AUTHORIZED = "(s.i % 10 < 6 AND s.i % 50 <> 0 AND s.i % 5 = 0)"
DEPARTED = "(s.i % 10 = 0 AND s.i % 50 <> 0)"
X = "((s.i * 7) % 40)"
STATUS = (
    "CASE WHEN s.i % 10 < 6 THEN (CASE WHEN s.i % 50 = 0 THEN 'refused' "
    f"WHEN {DEPARTED} THEN 'closed' WHEN {AUTHORIZED} THEN 'authorized' ELSE 'approved' END) "
    "WHEN s.i % 10 = 6 THEN 'in_clearance' WHEN s.i % 10 = 7 THEN 'awaiting_decision' "
    "WHEN s.i % 10 = 8 THEN 'withdrawn' ELSE 'draft' END"
)
CASE_TYPE = (
    "CASE WHEN s.i % 7 < 4 THEN 'relocation' WHEN s.i % 7 < 6 THEN 'repatriation' "
    "ELSE 'family_travel' END"
)


def _generate(cursor, sql: Sql, lo: int, hi: int, ids: dict) -> None:
    series = f"{sql.series(lo, hi)} s JOIN bench_counties b ON b.rn = s.i % {ids['k']}"
    decided = "s.i % 10 < 6"
    submitted = "s.i % 10 < 8"
    cleared = "(s.i % 10 < 6 OR s.i % 10 = 7)"
    opened = sql.at(D, H)
    decided_at = sql.at(f"{D} + {C} + {E}", H + " + 3")
    crossed_at = sql.at(f"{D} + {C} + {E} + {X}", H + " + 4")
    statements = [
        "INSERT INTO cases_case (id, number, case_type, policy_pack_id, jurisdiction_id, "
        "intake_unit_id, status, priority, details, created_at, submitted_at, decided_at, version) "
        f"SELECT s.i, 'B-' || s.i, {CASE_TYPE}, {ids['pack']}, b.jurisdiction_id, b.unit_id, "
        f"{STATUS}, CASE WHEN s.i % 7 = 6 THEN 2 WHEN s.i % 13 = 0 THEN 1 ELSE 0 END, "
        f"{sql.json('{}')}, {opened}, "
        f"CASE WHEN {submitted} THEN {sql.at(D, H + ' + 2')} END, "
        f"CASE WHEN {decided} THEN {sql.at(f'{D} + {C} + {E}', H + ' + 3')} END, 1 FROM {series}",
    ]
    transitions = [
        ("''", "'draft'", opened, "1 = 1"),
        ("'draft'", "'submitted'", sql.at(D, H + " + 2"), submitted),
        ("'submitted'", "'in_clearance'", sql.at(D, H + " + 2"), submitted),
        ("'in_clearance'", "'awaiting_decision'", sql.at(f"{D} + {C}", H + " + 2"), cleared),
        (
            "'awaiting_decision'",
            "CASE WHEN s.i % 50 = 0 THEN 'refused' ELSE 'approved' END",
            decided_at,
            decided,
        ),
        ("'approved'", "'authorized'", decided_at, AUTHORIZED),
        ("'authorized'", "'departed'", crossed_at, DEPARTED),
        ("'departed'", "'closed'", crossed_at, DEPARTED),
        ("'draft'", "'withdrawn'", sql.at(f"{D} + 1", H), "s.i % 10 = 8"),
    ]
    for source, target, at, where in transitions:
        statements.append(
            "INSERT INTO cases_transition (case_id, from_status, to_status, reason, clause_id, at) "
            f"SELECT s.i, {source}, {target}, '', '', {at} FROM {series} WHERE {where}"
        )
    statements += [
        "INSERT INTO cases_decision (case_id, outcome, proposed_outcome, policy_pack_id, "
        "clause_id, member_outcomes, note, decided_by_id, decided_at) "
        "SELECT s.i, CASE WHEN s.i % 50 = 0 THEN 'refused' ELSE 'approved' END, "
        "CASE WHEN s.i % 50 = 0 THEN 'refused' ELSE 'approved' END, "
        f"{ids['pack']}, CASE WHEN s.i % 50 = 0 THEN 'cc1963.5' ELSE 'cc1963.4' END, "
        f"{sql.json('[]')}, '', {ids['official']}, {sql.at(f'{D} + {C} + {E}', H + ' + 3')} "
        f"FROM {series} WHERE {decided}",
        "INSERT INTO cases_existingissue (case_id, jurisdiction_id, kind, ground, clause_id, "
        "note, raised_at) SELECT s.i, b.jurisdiction_id, 'refusal', 'not_eligible', 'cc1963.5', "
        f"'', {sql.at(f'{D} + {C} + {E}', H + ' + 3')} FROM {series} WHERE s.i % 50 = 0",
    ]
    statements += [
        "INSERT INTO cases_casemember (id, case_id, person_id, role, relationship, outcome, "
        f"ground, clause_id) SELECT s.i, s.i, {ids['person']}, 'principal', '', 'approved', '', '' "
        f"FROM {series} WHERE {AUTHORIZED}",
        "INSERT INTO authorizations_authorization (id, number, case_id, member_id, person_id, "
        "status, valid_from, valid_until, single_use, clause_id, authority, kid, payload, "
        "issued_at, revoked_reason, printed_count, version) "
        f"SELECT s.i, 'TA-B-' || s.i, s.i, s.i, {ids['person']}, 'valid', {decided_at}, "
        f"{sql.at(f'{D} + {C} + {E} + 90', H + ' + 3')}, TRUE, 'cc1963.3', 'jilin-security', "
        f"'bench', '', {decided_at}, '', 0, 1 FROM {series} WHERE {AUTHORIZED}",
        "INSERT INTO authorizations_checkpointscan (authorization_id, point_id, outcome, reason, "
        "point_named, official_id, unit_id, at) "
        f"SELECT s.i, {ids['point']}, 'crossed', 'valid', TRUE, {ids['official']}, {ids['unit']}, "
        f"{crossed_at} FROM {series} WHERE {DEPARTED}",
    ]
    for kind in ("public_security", "foreign_affairs", "border_defence", "customs"):
        flagged = f"s.i % 30 = 6 AND '{kind}' = 'customs'"
        statements.append(
            "INSERT INTO cases_clearance (case_id, unit_kind, unit_id, status, clause_id, ground, "
            "note, due_at, acted_at, version) "
            f"SELECT s.i, '{kind}', b.unit_id, CASE WHEN {flagged} THEN 'flagged' ELSE 'pending' "
            f"END, 'cc1963.4', CASE WHEN {flagged} THEN 'identity_unverified' ELSE '' END, '', "
            f"{sql.at(f'{D} + 10', H)}, CASE WHEN {flagged} THEN {sql.at(f'{D} + 3', H)} END, 1 "
            f"FROM {series} WHERE s.i % 10 = 6"
        )
    for statement in statements:
        cursor.execute(statement)


def _reference_ids(cursor) -> dict:
    from tumen.org.models import Jurisdiction, Official, WorkUnit
    from tumen.policy.models import PolicyPack

    offices = list(
        WorkUnit.objects.filter(kind="county_office", jurisdiction__level="county")
        .order_by("jurisdiction__path")
        .values_list("jurisdiction_id", "pk")
    )
    cursor.execute(
        "CREATE TABLE bench_counties (rn integer, jurisdiction_id integer, unit_id integer)"
    )
    for rn, (jurisdiction_id, unit_id) in enumerate(offices):
        cursor.execute(
            "INSERT INTO bench_counties VALUES (%s, %s, %s)", [rn, jurisdiction_id, unit_id]
        )
    from tumen.authorizations.models import CrossingPoint
    from tumen.people.models import Person

    approver = Official.objects.create_user(
        username="bench.approver", unit=WorkUnit.objects.get(code="yanji-office")
    )
    assert Jurisdiction.objects.filter(code=PROVINCE).exists()
    return {
        "k": len(offices),
        "pack": PolicyPack.objects.get(code="cc1963").pk,
        "official": approver.pk,
        "unit": approver.unit_id,
        "person": Person.objects.create(name_latin="BENCH HOLDER", nationality="prc").pk,
        "point": CrossingPoint.objects.order_by("code").first().pk,
    }


def generate(cases: int) -> dict:
    from django.db import connection, transaction

    from tumen.reports import db

    timings = {}
    sql = Sql(connection.vendor)
    start = time.perf_counter()
    db.drop_triggers()
    with connection.cursor() as cursor:
        ids = _reference_ids(cursor)
        for lo in range(1, cases + 1, BATCH):
            hi = min(cases, lo + BATCH - 1)
            with transaction.atomic():
                _generate(cursor, sql, lo, hi, ids)
            note(f"  {connection.vendor}: {hi:,} of {cases:,} cases written")
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('cases_case', 'id'), "
                "(SELECT MAX(id) FROM cases_case))"
            )
            cursor.execute("ANALYZE")
    timings["generate_s"] = round(time.perf_counter() - start, 1)
    start = time.perf_counter()
    db.rebuild()
    db.install_triggers()
    timings["tally_rebuild_s"] = round(time.perf_counter() - start, 1)
    with connection.cursor() as cursor:
        for table in (
            "cases_case",
            "cases_transition",
            "authorizations_authorization",
            "reports_tally",
        ):
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            timings[f"{table}_rows"] = cursor.fetchone()[0]
    return timings


# --- the baseline: plain GROUP BYs and exact percentiles over the raw tables -------------------


def _rows(sql: str) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def _percentiles(durations_sql: str) -> dict:
    """Count, median and 90th percentile per group, by ROW_NUMBER (the nearest rank)."""
    rows = _rows(
        f"WITH d AS ({durations_sql}), r AS (SELECT g, v, "
        "ROW_NUMBER() OVER (PARTITION BY g ORDER BY v) AS rn, COUNT(*) OVER (PARTITION BY g) AS n "
        "FROM d) SELECT g, MAX(n), MAX(CASE WHEN rn = (n + 1) / 2 THEN v END), "
        "MAX(CASE WHEN rn = (9 * n + 9) / 10 THEN v END) FROM r GROUP BY g"
    )
    return {g: {"count": n, "median": m, "p90": p} for g, n, m, p in sorted(rows)}


def baseline(ids: list[int], period: str, as_of: datetime.datetime) -> dict:
    from django.db import connection

    from tumen.cases.models import OPEN_STATUSES, Priority
    from tumen.reports.db import dialect, not_automatic
    from tumen.reports.figures import (
        DECIDED_STATUSES,
        DEPARTED_STATUSES,
        _age_bucket,
        local_day_number,
        month_bounds,
    )

    d = dialect(connection.vendor)
    zone = datetime.timezone(datetime.timedelta(seconds=d.offset))
    first, following = month_bounds(period)
    # Literals, not parameters: Django's SQLite cursor would read strftime('%s') as a placeholder.
    start, end = (
        _literal(connection.vendor, datetime.datetime.combine(day, datetime.time(), zone))
        for day in (first, following)
    )
    inside = ", ".join(str(int(i)) for i in ids)
    of_case = f"JOIN cases_case c ON c.id = x.case_id AND c.jurisdiction_id IN ({inside})"

    def grouped(select: str, source: str, where: str) -> list[tuple]:
        return _rows(f"SELECT {select}, COUNT(*) FROM {source} WHERE {where} GROUP BY {select}")

    def span(column: str) -> str:
        return f"{column} >= {start} AND {column} < {end}"

    opened = grouped(
        "case_type, status, priority",
        "cases_case",
        f"jurisdiction_id IN ({inside}) AND {span('created_at')}",
    )
    f: dict = {"cases_opened": sum(n for *_k, n in opened)}
    for name, index in (("type", 0), ("status", 1)):
        out: dict = {}
        for row in opened:
            out[row[index]] = out.get(row[index], 0) + row[-1]
        f[f"cases_opened_by_{name}"] = dict(sorted(out.items()))
    priorities: dict = {}
    for row in opened:
        priorities[row[2]] = priorities.get(row[2], 0) + row[-1]
    f["cases_opened_by_priority"] = {
        Priority(p).name.lower(): n for p, n in sorted(priorities.items(), key=lambda i: str(i[0]))
    }
    decisions = grouped(
        "x.outcome, x.clause_id", f"cases_decision x {of_case}", span("x.decided_at")
    )
    f["decisions_by_outcome"] = _sum_by(decisions, 0)
    f["decisions_by_clause"] = _sum_by(decisions, 1)
    refusals = grouped(
        "ground",
        "cases_existingissue",
        f"jurisdiction_id IN ({inside}) AND kind = 'refusal' AND {span('raised_at')}",
    )
    f["refusals_by_ground"] = dict(sorted(refusals))
    flags = grouped(
        "x.unit_kind, x.ground",
        f"cases_clearance x {of_case}",
        f"x.status = 'flagged' AND {span('x.acted_at')}",
    )
    f["flags_by_ground"] = _sum_by(flags, 1)
    f["flags_by_unit_kind"] = _sum_by(flags, 0)
    moved = dict(
        grouped(
            "x.to_status",
            f"cases_transition x {of_case}",
            f"x.to_status IN ('retyped', 'withdrawn') AND {span('x.at')}",
        )
    )
    f["retypings"], f["withdrawals"] = moved.get("retyped", 0), moved.get("withdrawn", 0)
    pending = grouped(
        f"x.unit_kind, {d.day('x.due_at')}", f"cases_clearance x {of_case}", "x.status = 'pending'"
    )
    today = local_day_number(as_of)
    by_kind, overdue, ages = {}, {}, {}
    for kind, due_day, n in pending:
        by_kind[kind] = by_kind.get(kind, 0) + n
        age = _age_bucket(today - due_day)
        if age != "not_due":
            overdue[kind] = overdue.get(kind, 0) + n
            ages[age] = ages.get(age, 0) + n
    f["clearances_pending_by_unit_kind"] = dict(sorted(by_kind.items()))
    f["clearances_overdue_by_unit_kind"] = dict(sorted(overdue.items()))
    f["clearances_overdue_by_age"] = dict(sorted(ages.items()))
    f["processing_days_by_type"] = _percentiles(
        f"SELECT c.case_type AS g, {d.days('c.submitted_at', 'x.at')} AS v "
        f"FROM cases_transition x {of_case} WHERE x.to_status IN ('approved', 'refused') "
        f"AND c.submitted_at IS NOT NULL AND {span('x.at')}"
    )
    f["step_days_by_status"] = _percentiles(
        f"SELECT y.from_status AS g, {d.days('y.prev', 'y.at')} AS v FROM (SELECT x.from_status, "
        "x.to_status, x.at, LAG(x.at) OVER (PARTITION BY x.case_id ORDER BY x.id) AS prev "
        f"FROM cases_transition x {of_case}) y WHERE y.from_status <> '' AND y.prev IS NOT NULL "
        f"AND {span('y.at')} AND {not_automatic('y.from_status', 'y.to_status')}"
    )
    f.update(_authorization_baseline(d, of_case, span, local_day_number(as_of)))
    moved_out = dict(
        grouped(
            "x.to_status",
            f"cases_transition x {of_case}",
            f"x.to_status = 'departed' AND {span('x.at')}",
        )
    )
    f["departures"] = moved_out.get("departed", 0)
    by_status = f["cases_opened_by_status"]
    f["cases_opened_decided"] = sum(by_status.get(s, 0) for s in DECIDED_STATUSES)
    f["cases_opened_departed"] = sum(by_status.get(s, 0) for s in DEPARTED_STATUSES)
    statuses = ", ".join(f"'{s}'" for s in OPEN_STATUSES)
    backlog = grouped(
        "j.code",
        "cases_case c JOIN org_jurisdiction j ON j.id = c.jurisdiction_id",
        f"c.jurisdiction_id IN ({inside}) AND c.status IN ({statuses})",
    )
    f["backlog_by_county"] = dict(sorted(backlog))
    return f


def _authorization_baseline(d, of_case: str, span, today: int) -> dict:
    """Documents issued, first crossed and expired unused in the month, over the raw tables."""
    of_document = f"FROM authorizations_authorization x {of_case}"
    issued = _rows(f"SELECT COUNT(*) {of_document} WHERE {span('x.issued_at')}")[0][0]
    used = _rows(
        "SELECT COUNT(*) FROM (SELECT x.id, MIN(y.at) AS first_at FROM "
        f"authorizations_checkpointscan y JOIN authorizations_authorization x "
        f"ON x.id = y.authorization_id {of_case} WHERE y.outcome = 'crossed' GROUP BY x.id) u "
        f"WHERE {span('u.first_at')}"
    )[0][0]
    expired = _rows(
        f"SELECT COUNT(*) {of_document} WHERE x.status = 'valid' AND {span('x.valid_until')} "
        f"AND {d.day('x.valid_until')} < {today} AND NOT EXISTS (SELECT 1 FROM "
        "authorizations_checkpointscan y WHERE y.authorization_id = x.id "
        "AND y.outcome = 'crossed')"
    )[0][0]
    return {
        "authorizations_issued": issued,
        "authorizations_used": used,
        "authorizations_expired_unused": expired,
    }


def _literal(vendor: str, moment: datetime.datetime) -> str:
    """A moment as the engine stores it: UTC text on SQLite, a timestamptz on PostgreSQL."""
    utc = moment.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")
    return f"'{utc}'" if vendor == "sqlite" else f"'{utc}+00'"


def _sum_by(rows: list[tuple], index: int) -> dict:
    out: dict = {}
    for row in rows:
        out[row[index]] = out.get(row[index], 0) + row[-1]
    return dict(sorted(out.items()))


def measure(repeat: int) -> dict:
    from tumen.org.models import Jurisdiction
    from tumen.reports.figures import derive, subtree_ids, tally_for

    ids = subtree_ids(Jurisdiction.objects.get(code=PROVINCE))
    times, figures = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        figures = derive(tally_for(ids, PERIOD, as_of=AS_OF))
        times.append(1000 * (time.perf_counter() - start))
    start = time.perf_counter()
    raw = baseline(ids, PERIOD, AS_OF)
    baseline_ms = 1000 * (time.perf_counter() - start)
    ours = {name: figures[name] for name in COMPARED}
    differ = sorted(name for name in COMPARED if ours[name] != raw[name])
    for name in differ:
        note(f"  DIFFERS {name}: tally {ours[name]!r} / baseline {raw[name]!r}")
    return {
        "tally_ms": round(statistics.median(times), 2),
        "tally_max_ms": round(max(times), 2),
        "baseline_ms": round(baseline_ms, 1),
        "agree": not differ,
        "differ": differ,
        "cases_opened": figures["cases_opened"],
        "processing_days_by_type": figures["processing_days_by_type"],
    }


def child(engine: str, cases: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory(prefix="tumen-reports-bench-") as workdir:
        _setup(engine, Path(workdir))
        result = {"engine": engine, "cases": cases, **generate(cases), **measure(repeat)}
        emit_json(result)


# --- the parent: every engine and size, side by side ---------------------------------------------


def main() -> int:
    parser = make_parser(__doc__.splitlines()[0])
    parser.add_argument("--sizes", help="comma-separated case counts (1000000,10000000)")
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--repeat", type=int, default=9, help="timed calls of the tally figures")
    parser.add_argument("--child", choices=("sqlite", "postgres"), help="internal: one engine")
    parser.add_argument("--cases", type=int, help="internal: the child's size")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.cases, args.repeat)
        return 0
    sizes = (
        [int(s) for s in args.sizes.split(",")]
        if args.sizes
        else list(QUICK_SIZES if args.quick else FULL_SIZES)
    )
    load_before = os.getloadavg()[0]
    runs = []
    for cases in sizes:
        for engine in args.engines.split(","):
            note(f"{engine}, {cases:,} cases …")
            child_args = ["--child", engine, "--cases", str(cases), "--repeat", str(args.repeat)]
            try:
                runs.append(run_child(Path(__file__), child_args, env={}))
            except RuntimeError as failure:  # keep the other runs' figures
                note(f"  {engine} at {cases:,} failed: {str(failure)[-500:]}")
    report(runs, load_before)
    return 0


def report(runs: list[dict], load_before: float) -> None:
    rows = [
        (
            r["engine"],
            r["cases"],
            r["generate_s"],
            r["tally_rebuild_s"],
            r["tally_ms"],
            r["tally_max_ms"],
            r["baseline_ms"],
            ratio(r["baseline_ms"], r["tally_ms"]),
            "yes" if r["agree"] else "NO: " + ",".join(r["differ"]),
            "meets" if r["tally_ms"] < TARGET_MS else "MISSES",
        )
        for r in runs
    ]
    headers = (
        "engine",
        "cases",
        "generate s",
        "rebuild s",
        "tally ms",
        "tally max ms",
        "baseline ms",
        "baseline/tally",
        "agree",
        f"< {TARGET_MS:.0f} ms",
    )
    print(f"Figures of {PROVINCE} for {PERIOD}: the tally against plain GROUP BYs")
    print_table(headers, rows)
    targets = {
        f"{r['engine']}_{r['cases']}_under_{TARGET_MS:.0f}ms": r["tally_ms"] < TARGET_MS
        for r in runs
    }
    targets.update({f"{r['engine']}_{r['cases']}_agree": r["agree"] for r in runs})
    emit_json(
        {
            "benchmark": "reports",
            "runs": runs,
            "ratios": {
                f"{r['engine']}_{r['cases']}": ratio(r["baseline_ms"], r["tally_ms"]) for r in runs
            },
            "targets": targets,
            "meets_targets": all(targets.values()),
            "machine": machine(),
            "load_average": {"before": load_before, "after": os.getloadavg()[0]},
        }
    )


if __name__ == "__main__":
    raise SystemExit(main())
