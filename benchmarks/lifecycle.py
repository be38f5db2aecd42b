"""Cases per second through the whole lifecycle, against a BPMN engine and against a replay of
Tumen's own statements.

    .venv/bin/python benchmarks/lifecycle.py            # 2,000 cases, SQLite and PostgreSQL
    .venv/bin/python benchmarks/lifecycle.py --quick    # 200 cases, about a minute
    .venv/bin/python benchmarks/lifecycle.py --engines sqlite --profile
    BENCH_PG_DB=mine .venv/bin/python benchmarks/lifecycle.py   # PostgreSQL database to (re)make

One case is: intake (`case_open`, then `case_submit`, which routes the four clearances), four
`clearance_grant`, then `case_decide`: seven service calls, each its own transaction with its
audit event, as an official's clicks would make them. The runs:

tumen-sqlite    the real service functions (access checks, policy, transitions, hash-chained
tumen-postgres  audit) on each engine, in a child process per engine (Django's settings are
                process-global) against a fresh database made for the run.
spiff-reload    SpiffWorkflow, a Python BPMN engine: intake → parallel gateway → the four
                clearances → join → decision. Every step reads the case's serialised state back
                from SQLite, deserialises it, runs the task and writes the state again in its
                own transaction: what a stateless web process must do between two clicks. The
                baseline.
spiff           the same without the reload (the workflow object kept in memory between steps,
                which no real server can do): a second, lean baseline.
replay          the ceiling: the statements Tumen's SQLite run issued for 200 more cases,
                recorded and replayed through raw `sqlite3` on a copy of the database as it was
                before them, transaction by transaction. The same writes, no Python above the
                driver.
bulk            a foreign request of 1,000 households (of two) split into cases and routed to
                clearance by `foreign_request_split`, on each engine.

Figures are compared by this process's CPU time: the machine they were taken on is shared and
loaded, so wall time is printed but noisy. Every Tumen run ends with `verify_chain()` (what
`tumen audit verify` runs). The targets (issue #13) are in TARGET_* below; the last line is one
JSON object with every figure, ratio and `meets_targets`.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

from _common import (
    StepTimer,
    emit_json,
    machine,
    make_parser,
    note,
    print_table,
    rate,
    ratio,
    run_child,
)

TARGET_VS_SPIFF_RELOAD = 1.0  # by CPU, in the same run
TARGET_STATEMENTS = 45  # per case, BEGIN included
TARGET_BULK_SECONDS = 5.0  # a 1,000-household foreign request split and routed, SQLite
TARGET_PG_FACTOR = 3
# PostgreSQL wall cases/s before the lean write path (main at b8944a1, `--quick --engines
# postgres`, load average 8.8 on 2 cores): see docs/performance.md.
PG_BEFORE_CASES_PER_S = 4.9
FULL_CASES = 2000
QUICK_CASES = 200
CLEARANCE_KINDS = ("public_security", "foreign_affairs", "border_defence", "customs")
STEPS = ("open", "submit", *(f"grant_{kind}" for kind in CLEARANCE_KINDS), "decide")
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
# Its own database, so that two people benchmarking on one server do not drop each other's.
PG_BENCH_DB = os.environ.get("BENCH_PG_DB", "tumen_bench")
BUSY_LOAD = 1.5  # a 1-minute load average above this on 2 cores means another job competed
SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON")
_QMARK = re.compile(r"(?<!%)%s")  # Django's SQLite placeholder conversion, for the replay


# --- SpiffWorkflow ------------------------------------------------------------------------------


def lifecycle_bpmn() -> str:
    """The case process in BPMN 2.0: intake, four clearances in parallel, decision."""
    clearances = "\n".join(
        f'    <bpmn:userTask id="clear_{kind}" name="{kind}"/>\n'
        f'    <bpmn:sequenceFlow id="to_{kind}" sourceRef="split" targetRef="clear_{kind}"/>\n'
        f'    <bpmn:sequenceFlow id="from_{kind}" sourceRef="clear_{kind}" targetRef="join"/>'
        for kind in CLEARANCE_KINDS
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  id="tumen_lifecycle" targetNamespace="https://tumen.invalid/bpmn">
  <bpmn:process id="case_lifecycle" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="to_intake" sourceRef="start" targetRef="intake"/>
    <bpmn:userTask id="intake" name="Intake"/>
    <bpmn:sequenceFlow id="to_split" sourceRef="intake" targetRef="split"/>
    <bpmn:parallelGateway id="split"/>
{clearances}
    <bpmn:parallelGateway id="join"/>
    <bpmn:sequenceFlow id="to_decision" sourceRef="join" targetRef="decision"/>
    <bpmn:userTask id="decision" name="Decision"/>
    <bpmn:sequenceFlow id="to_end" sourceRef="decision" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def spiff_run(cases: int, workdir: Path, *, reload: bool) -> dict:
    """The same process on SpiffWorkflow, its state serialised and committed after every step.

    With `reload`, every step after the first starts by reading the case's serialised state back
    from SQLite and deserialising it, as a request to a stateless web process must; without it
    the workflow object stays in memory between steps (no real server could do that).
    """
    try:
        from SpiffWorkflow.bpmn import BpmnWorkflow
        from SpiffWorkflow.bpmn.parser import BpmnParser
        from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
        from SpiffWorkflow.util.task import TaskState
    except ImportError:
        note("SpiffWorkflow is not installed: .venv/bin/pip install -e '.[bench]'; skipping it.")
        return {"skipped": "SpiffWorkflow not installed"}
    from importlib.metadata import version

    parser = BpmnParser()
    parser.add_bpmn_str(lifecycle_bpmn().encode(), "lifecycle.bpmn")
    spec = parser.get_spec("case_lifecycle")
    serializer = BpmnWorkflowSerializer()
    db = _sqlite(workdir / "spiff.sqlite3")
    db.execute("CREATE TABLE workflow (case_id INTEGER PRIMARY KEY, state TEXT NOT NULL)")

    def restore(case_id: int):
        (state,) = db.execute("SELECT state FROM workflow WHERE case_id = ?", (case_id,)).fetchone()
        return serializer.deserialize_json(state)

    def persist(case_id: int, workflow, *, first: bool) -> None:
        state = serializer.serialize_json(workflow)
        db.execute("BEGIN IMMEDIATE")
        if first:
            db.execute("INSERT INTO workflow (case_id, state) VALUES (?, ?)", (case_id, state))
        else:
            db.execute("UPDATE workflow SET state = ? WHERE case_id = ?", (state, case_id))
        db.execute("COMMIT")

    timer = StepTimer()
    size = 0
    for case_id in range(1, cases + 1):
        with timer.step("open"):
            workflow = BpmnWorkflow(spec)
            workflow.data["case_number"] = f"B-{case_id:07d}"
            workflow.do_engine_steps()
            persist(case_id, workflow, first=True)
        # The user tasks come READY in process order: intake, the four clearances, decision.
        for step in STEPS[1:]:
            with timer.step(step):
                if reload:
                    workflow = restore(case_id)
                task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
                task.data["outcome"] = "approved" if step == "decide" else "cleared"
                task.run()
                workflow.do_engine_steps()
                persist(case_id, workflow, first=False)
        if not workflow.is_completed():
            raise RuntimeError("the BPMN process did not reach its end event")
        size = max(size, len(serializer.serialize_json(workflow)))
    db.close()
    name = "spiff-reload" if reload else "spiff"
    return _figures(name, cases, timer, version=version("SpiffWorkflow"), state_bytes_per_case=size)


# --- the ceiling: Tumen's own statements, replayed through raw sqlite3 ---------------------------


class _Recorder:
    """A database execute wrapper that keeps every statement of each step's transaction."""

    def __init__(self) -> None:
        self.step = "setup"
        self.transactions: list[tuple[str, list[tuple[str, tuple]]]] = []

    def __call__(self, execute, sql, params, many, context):
        if self.step not in ("setup", "between"):
            if sql.startswith("BEGIN"):
                self.transactions.append((self.step, []))
            self.transactions[-1][1].append((_QMARK.sub("?", sql).replace("%%", "%"), params))
        return execute(sql, params, many, context)


def replay_run(recorder: _Recorder, database: Path, cases: int) -> dict:
    """Every recorded transaction again, statement by statement, on a copy of the database as it
    was before the recorded cases: the same writes with no Python above the driver."""
    db = _sqlite(database)
    timer = StepTimer()
    statements = 0
    for step, transaction in recorder.transactions:
        with timer.step(step):
            for sql, params in transaction:
                db.execute(sql, params or ())
            db.execute("COMMIT")
        statements += len(transaction)
    db.close()
    return _figures("replay", cases, timer, statements_per_case=round(statements / cases, 1))


def _sqlite(path: Path) -> sqlite3.Connection:
    """Autocommit connection (explicit BEGIN IMMEDIATE … COMMIT) with Tumen's pragmas."""
    db = sqlite3.connect(path, isolation_level=None)
    for pragma in SQLITE_PRAGMAS:
        db.execute(pragma)
    return db


def _figures(name: str, cases: int, timer: StepTimer, **extra) -> dict:
    return {
        "run": name,
        "cases": cases,
        "seconds": round(timer.total, 4),
        "cases_per_s": round(rate(cases, timer.total), 1),
        "ms_per_case": round(1000 * timer.total / cases, 4),
        "ms_per_step": timer.ms_per(cases),
        "cpu_seconds": round(timer.cpu_total, 4),
        "cpu_cases_per_s": round(rate(cases, timer.cpu_total), 1),
        **extra,
    }


# --- Tumen, in a child process per engine -----------------------------------------------------

WARMUP_CASES = 20
METERED_CASES = 20
REPLAY_CASES = 200
BULK_HOUSEHOLDS = 1000
# Yanbian's counties: the split routes each household to its principal's county office.
BULK_COUNTIES = ("yanji", "tumen", "longjing", "hunchun", "helong", "wangqing", "antu")


def _configure_django(engine: str, workdir: Path) -> None:
    """Point Tumen at a fresh database and a throw-away var dir, then start Django."""
    if engine == "sqlite":
        url = f"sqlite:///{workdir / 'tumen-bench.sqlite3'}"
    else:
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{PG_BENCH_DB}"
    os.environ.update(
        DJANGO_SETTINGS_MODULE="tumen.settings",
        DATABASE_URL=url,
        TUMEN_VAR_DIR=str(workdir / "var"),
        TUMEN_LOG_LEVEL="WARNING",
        TUMEN_DEBUG="false",
    )
    import django

    django.setup()


class _QueryMeter:
    """A database execute wrapper: queries and time inside `execute`, per lifecycle step.

    Cheaper than CaptureQueriesContext (no debug cursor, no SQL kept unless asked), and it sees
    BEGIN and SAVEPOINT statements too. Commit time is not in it: it is part of "other".
    """

    def __init__(self, *, keep_sql: bool = False) -> None:
        self.step = "setup"
        self.count: dict[str, int] = {}
        self.seconds: dict[str, float] = {}
        self.keep_sql = keep_sql
        self.sql: dict[str, list[str]] = {}

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - start
            self.count[self.step] = self.count.get(self.step, 0) + 1
            self.seconds[self.step] = self.seconds.get(self.step, 0.0) + elapsed
            if self.keep_sql:
                self.sql.setdefault(self.step, []).append(" ".join(sql.split())[:160])


def tumen_child(engine: str, cases: int, repeats: int, profile: Path | None) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix=f"tumen-bench-{engine}-"))
    try:
        _configure_django(engine, workdir)
        from django.db import connection

        setup_started = time.perf_counter()
        replayed = min(cases, REPLAY_CASES) if engine == "sqlite" else 0
        cast = prepare(
            persons=WARMUP_CASES + METERED_CASES + cases * (repeats + bool(profile)) + replayed
        )
        lifecycle = Lifecycle(cast)
        outcomes = {lifecycle.case(StepTimer()) for _ in range(WARMUP_CASES)}
        if outcomes != {"approved"}:
            raise RuntimeError(f"the warm-up cases ended {outcomes}, not approved")
        setup_seconds = time.perf_counter() - setup_started
        meter = _QueryMeter(keep_sql=profile is not None)
        metered_timer = StepTimer()
        with connection.execute_wrapper(meter):
            for _ in range(METERED_CASES):
                lifecycle.case(metered_timer, meter=meter)
        best: StepTimer | None = None
        for _ in range(repeats):
            timer = StepTimer()
            for _ in range(cases):
                lifecycle.case(timer)
            best = timer if best is None or timer.total < best.total else best
        if profile is not None:
            _profile(lifecycle, cases, profile, meter)
        replay = _record_and_replay(lifecycle, workdir, replayed) if replayed else None
        bulk = bulk_split(cast, BULK_HOUSEHOLDS)
        from tumen.audit.verify import verify_chain

        audit = verify_chain()
        server = connection.cursor().connection
        return _figures(
            f"tumen-{engine}",
            cases,
            best,
            repeats=repeats,
            setup_seconds=round(setup_seconds, 1),
            server_version=_server_version(connection, server),
            queries_per_step={s: meter.count.get(s, 0) / METERED_CASES for s in STEPS},
            db_ms_per_step={
                s: round(1000 * meter.seconds.get(s, 0.0) / METERED_CASES, 4) for s in STEPS
            },
            metered_ms_per_step=metered_timer.ms_per(METERED_CASES),
            statements_per_case=sum(meter.count.get(s, 0) for s in STEPS) / METERED_CASES,
            replay=replay,
            bulk=bulk,
            audit_verify_ok=audit.ok,
            audit_verify=str(audit),
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _record_and_replay(lifecycle, workdir: Path, cases: int) -> dict:
    """Copy the database, record `cases` more cases' statements, replay them on the copy."""
    from django.db import connection

    connection.ensure_connection()
    copy = sqlite3.connect(workdir / "replay.sqlite3")
    connection.connection.backup(copy)
    copy.close()
    recorder = _Recorder()
    with connection.execute_wrapper(recorder):
        for _ in range(cases):
            lifecycle.case(StepTimer(), meter=recorder)
    recorder.step = "between"
    return replay_run(recorder, workdir / "replay.sqlite3", cases)


def bulk_split(cast, households: int) -> dict:
    """A foreign request naming `households` households of two, split and routed in one call.

    The persons, the request and its entries are written in bulk beforehand (registering them
    is not what is measured); the split itself is the real service.
    """
    import datetime as dt

    from tumen.cases.models import Case, ForeignRequest, ForeignRequestPerson, Status
    from tumen.cases.services import foreign_request_split

    officer = _official("bench.jilin.foreign", "jilin-foreign", "clearing_officer")
    persons = _register_persons(
        2 * households,
        officer,
        BULK_COUNTIES,
        surname=("朴", "박"),
        relation="officer_family",
        per_household=2,
    )
    request = ForeignRequest.objects.create(
        reference=f"BENCH-{households}",
        received_on=dt.date(1963, 10, 1),
        authority="bench",
        registered_by=officer.unit,
        jurisdiction=officer.unit.jurisdiction,
    )
    ForeignRequestPerson.objects.bulk_create(
        ForeignRequestPerson(
            request=request,
            person=person,
            household=f"H{n // 2:05d}",
            is_principal=n % 2 == 0,
            officer_name="리철",
        )
        for n, person in enumerate(persons)
    )
    start, cpu_start = time.perf_counter(), time.process_time()
    cases = foreign_request_split(official=officer, request_id=request.pk, version=request.version)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    routed = Case.objects.filter(foreign_request=request, status=Status.IN_CLEARANCE).count()
    return {
        "households": households,
        "cases": len(cases),
        "routed": routed,
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3),
    }


def _server_version(connection, raw) -> str:
    if connection.vendor == "sqlite":
        return sqlite3.sqlite_version
    number = int(getattr(raw.info, "server_version", 0))  # 150020 is 15.20
    return f"{number // 10000}.{number % 10000}"


# Where a case's time goes, by the service internals that an optimisation would touch. Each row is
# cumulative (a row's time includes the rows it calls), so rows overlap and do not add up.
HOTSPOTS = (
    (
        "audit_record (chain head, savepoint, hash, insert)",
        "tumen/audit/services.py",
        "audit_record",
    ),
    ("access: get_for_update (scope check + lock)", "tumen/org/access.py", "get_for_update"),
    ("access: get_for_user (person at intake)", "tumen/org/access.py", "get_for_user"),
    ("case_type_for (parsed pack by id)", "tumen/policy/selectors.py", "case_type_for"),
    ("active_pack (active packs at intake)", "tumen/cases/intake.py", "active_pack"),
    ("next_number (counter row)", "tumen/cases/intake.py", "next_number"),
    ("submission checks + routing", "tumen/cases/intake.py", "_problems"),
    ("transition rows", "tumen/cases/workflow.py", "_record"),
    ("save_case (version bump)", "tumen/cases/workflow.py", "save_case"),
    ("clearance row save", "tumen/cases/clearances.py", "_record"),
    ("last-clearance check", "tumen/cases/clearances.py", "_advance_when_cleared"),
    ("decision_proposal", "tumen/cases/proposal.py", "decision_proposal"),
    ("member outcomes", "tumen/cases/decisions.py", "_record_members"),
    ("SQL execute (driver + server)", "django/db/backends/utils.py", "_execute"),
    ("SQL compile (ORM)", "django/db/models/sql/compiler.py", "as_sql"),
    ("model instances from rows", "django/db/models/base.py", "from_db"),
    ("JSON fields decoded", "django/db/models/fields/json.py", "from_db_value"),
    ("commit", "django/db/backends/base/base.py", "commit"),
)


def _hotspots(stats, cases: int) -> list[list[object]]:
    total = sum(
        ct for (path, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.stats.items()
        if name == "case" and path.endswith("lifecycle.py")
    )  # fmt: skip
    rows = []
    for label, path_suffix, function in HOTSPOTS:
        calls = seconds = 0.0
        for (path, _line, name), (_cc, nc, _tt, ct, _callers) in stats.stats.items():
            if name == function and path.endswith(path_suffix):
                calls, seconds = calls + nc, seconds + ct
        if calls:
            share = f"{100 * seconds / total:.0f}%" if total else "-"
            rows.append([label, calls / cases, 1000 * seconds / cases, share])
    return rows


def _profile(lifecycle, cases: int, path: Path, meter: _QueryMeter) -> None:
    """cProfile one more pass; print where the time goes, the top functions and the SQL."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(cases):
        lifecycle.case(StepTimer())
    profiler.disable()
    profiler.dump_stats(str(path))
    stats = pstats.Stats(profiler, stream=sys.stderr)
    note(f"\n== where the time goes: {cases} cases under cProfile (which slows them down);")
    note(f"   the stats file is {path}. Rows are cumulative and overlap.\n")
    stdout, sys.stdout = sys.stdout, sys.stderr
    try:
        print_table(["part", "calls/case", "ms/case", "share"], _hotspots(stats, cases))
    finally:
        sys.stdout = stdout
    stats.strip_dirs()
    stats.sort_stats("cumulative").print_stats(25)
    stats.sort_stats("tottime").print_stats(15)
    note("== SQL of one case, per step (metered pass)")
    for step in STEPS:
        statements = meter.sql.get(step, [])
        per_case = len(statements) // METERED_CASES
        note(f"-- {step}: {per_case} statements")
        for sql in statements[:per_case]:
            note(f"   {sql}")


class Cast:
    """The officials of one county's process, and the persons waiting to apply."""

    def __init__(self, clerk, approver, persons: list) -> None:
        self.clerk = clerk
        self.approver = approver
        self.officers: dict[int, object] = {}  # clearing officer by work unit id
        self.persons = persons

    def officer(self, unit_id: int):
        """The clearing officer of a unit, made the first time routing sends a case there."""
        if unit_id not in self.officers:
            from tumen.org.models import WorkUnit

            code = WorkUnit.objects.values_list("code", flat=True).get(pk=unit_id)
            self.officers[unit_id] = _official(f"bench.{code}", code, "clearing_officer")
        return self.officers[unit_id]


def prepare(*, persons: int) -> Cast:
    """Migrate, load the 1963 organisation and policy, make the officials, register persons.

    None of this is timed. Clearing officers are made once the first case has been routed,
    for whichever units the routing picked.
    """
    from django.core.management import call_command

    from tumen.policy.services import policy_pack_load
    from tumen.scenario.loader import load_scenario

    call_command("migrate", verbosity=0)
    load_scenario("1963")
    policy_pack_load(source="cc1963")
    clerk = _official("bench.yanji.clerk", "yanji-office", "clerk")
    approver = _official("bench.yanji.approver", "yanji-office", "approver")
    return Cast(clerk, approver, [p.pk for p in _register_persons(persons, clerk)])


def _official(username: str, unit_code: str, role: str):
    from tumen.org.models import Official, RoleGrant, WorkUnit

    official = Official.objects.create_user(
        username=username, password=None, unit=WorkUnit.objects.get(code=unit_code)
    )
    RoleGrant.objects.create(official=official, role=role)
    return Official.objects.get(pk=official.pk)


def _register_persons(
    count: int,
    official,
    counties=("yanji",),
    *,
    surname: tuple[str, str] = ("金", "김"),
    relation: str = "social_relation_korea",
    per_household: int = 1,
) -> list:
    """Ethnic Koreans with a relation the policy asks for (`relation`), living in `counties` in
    turn, `per_household` to a household: by default eligible for relocation from Yanji.

    Written in bulk: registration (people.services.person_register) is not what this benchmark
    measures, and thousands of audited registrations would only make the setup slow.
    """
    import datetime as dt

    from tumen.org.models import Jurisdiction
    from tumen.people.models import Person, Relation

    places = list(Jurisdiction.objects.filter(code__in=counties).order_by("code"))
    hanzi, hangul = surname
    persons = Person.objects.bulk_create(
        Person(
            name_hanzi=f"{hanzi}{n:06d}",
            name_hangul=f"{hangul}{n:06d}",
            sex="female" if n % 2 else "male",
            date_of_birth=dt.date(1920 + n % 40, 1 + n % 12, 1 + n % 28),
            nationality="prc",
            ethnicity="korean",
            residence=places[(n // per_household) % len(places)],
            household_number=f"{hangul}{n:08d}",
            registered_by=official.unit,
        )
        for n in range(count)
    )
    Relation.objects.bulk_create(
        Relation(person=person, kind=relation, relative_name="김형") for person in persons
    )
    return persons


class Lifecycle:
    """One relocation case through the real services, one official's click per step.

    Between steps the next official needs the ids and versions their page would show (the
    clearances the submission routed, the case version after the last grant); those reads are
    made outside the clock, like a page load, so only the service calls are timed.
    """

    DETAILS = {"destination": "평양 (Pyongyang)", "application_date": "1963-09-02"}

    def __init__(self, cast: Cast) -> None:
        self.cast = cast
        self.persons = iter(cast.persons)

    def case(self, timer: StepTimer, meter: _QueryMeter | None = None) -> str:
        from tumen.cases.models import Case, Clearance
        from tumen.cases.services import case_decide, case_open, case_submit, clearance_grant

        cast = self.cast

        def step(name: str, call):
            if meter is not None:
                meter.step = name
            with timer.step(name):
                result = call()
            if meter is not None:
                meter.step = "between"
            return result

        principal = next(self.persons)
        case = step(
            "open",
            lambda: case_open(
                official=cast.clerk,
                case_type="relocation",
                principal_id=principal,
                details=self.DETAILS,
            ),
        )
        case = step(
            "submit",
            lambda: case_submit(official=cast.clerk, case_id=case.pk, version=case.version),
        )
        clearances = {
            kind: (pk, unit_id, version)
            for pk, kind, unit_id, version in Clearance.objects.filter(case_id=case.pk).values_list(
                "pk", "unit_kind", "unit_id", "version"
            )
        }
        for kind in CLEARANCE_KINDS:
            pk, unit_id, version = clearances[kind]
            officer = cast.officer(unit_id)
            step(
                f"grant_{kind}",
                lambda pk=pk, officer=officer, version=version: clearance_grant(
                    official=officer, clearance_id=pk, version=version
                ),
            )
        version = Case.objects.values_list("version", flat=True).get(pk=case.pk)
        decision = step(
            "decide",
            lambda: case_decide(official=cast.approver, case_id=case.pk, version=version),
        )
        return decision.outcome


# --- the parent: runs, table, JSON ------------------------------------------------------------


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
        conn.execute(sql)


def _pg_fresh() -> str | None:
    """Create an empty tumen_bench database; the reason it could not be made, or None."""
    try:
        _pg_admin(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
        _pg_admin(f"CREATE DATABASE {PG_BENCH_DB}")
    except Exception as exc:  # any failure to reach the server means: skip PostgreSQL
        return f"PostgreSQL unreachable at {PG_ADMIN_URL} ({type(exc).__name__}: {exc})".strip()
    return None


def _run_tumen(engine: str, args) -> dict:
    if engine == "postgres":
        reason = _pg_fresh()
        if reason:
            note(f"skipping tumen-postgres: {reason}")
            return {"run": "tumen-postgres", "skipped": reason}
    child_args = ["--child", engine, "--cases", str(args.cases), "--repeats", str(args.repeats)]
    if args.profile:
        child_args += [
            "--profile-out",
            str(Path(tempfile.gettempdir()) / f"lifecycle-{engine}.prof"),
        ]
    try:
        return run_child(Path(__file__), child_args, env={})
    finally:
        if engine == "postgres":
            _pg_admin(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")


def _best_of(repeats: int, run) -> dict:
    results = [run(i) for i in range(repeats)]
    return min(results, key=lambda r: r.get("seconds", float("inf")))


def main(argv: list[str] | None = None) -> int:
    parser = make_parser(__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--cases", type=int, help=f"cases per run ({FULL_CASES}; --quick: {QUICK_CASES})"
    )
    parser.add_argument("--repeats", type=int, help="runs of each, best kept (3; --quick: 1)")
    parser.add_argument(
        "--engines", default="sqlite,postgres", help="Tumen's engines: sqlite, postgres or both"
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile Tumen and print the SQL of each step"
    )
    parser.add_argument("--child", choices=("sqlite", "postgres"), help="internal: one engine")
    parser.add_argument("--profile-out", type=Path, help="internal: where the child's profile goes")
    args = parser.parse_args(argv)
    args.cases = args.cases or (QUICK_CASES if args.quick else FULL_CASES)
    args.repeats = args.repeats or (1 if args.quick else 3)
    if args.child:
        emit_json(tumen_child(args.child, args.cases, args.repeats, args.profile_out))
        return 0
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = set(engines) - {"sqlite", "postgres"}
    if unknown:
        parser.error(f"unknown engine(s): {', '.join(sorted(unknown))}")

    started = time.perf_counter()
    args.load_before = [round(x, 2) for x in os.getloadavg()]
    runs: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="lifecycle-bench-") as tmp:
        for name, reload in (("spiff-reload", True), ("spiff", False)):
            note(f"{name}: SpiffWorkflow, {args.cases} cases × {args.repeats}")
            runs[name] = _best_of(
                args.repeats,
                lambda i, reload=reload: spiff_run(
                    args.cases, _fresh(tmp, f"{reload}{i}"), reload=reload
                ),
            )
    for engine in engines:
        note(f"tumen-{engine}: the service layer, {args.cases} cases × {args.repeats}")
        runs[f"tumen-{engine}"] = _run_tumen(engine, args)
    replay = runs.get("tumen-sqlite", {}).get("replay")
    if replay:
        runs["replay"] = replay
    figures = _summary(runs, args)
    figures["wall_seconds"] = round(time.perf_counter() - started, 1)
    _print_tables(runs, figures)
    emit_json(figures)
    return 0


def _fresh(tmp: str, name: str) -> Path:
    path = Path(tmp) / name
    path.mkdir()
    return path


def _cpu_ratio(run: dict, other: dict | None) -> float | None:
    return ratio(run.get("cpu_cases_per_s"), (other or {}).get("cpu_cases_per_s"))


def _summary(runs: dict[str, dict], args) -> dict:
    reload, replay = runs.get("spiff-reload"), runs.get("replay")
    for run in runs.values():
        run["cpu_vs_spiff_reload"] = _cpu_ratio(run, reload)
        run["cpu_vs_spiff"] = _cpu_ratio(run, runs.get("spiff"))
        run["cpu_vs_replay"] = _cpu_ratio(run, replay)
    sqlite_run, pg_run = runs.get("tumen-sqlite", {}), runs.get("tumen-postgres", {})
    bulk = sqlite_run.get("bulk") or {}
    meets = {
        "sqlite_cpu_vs_spiff_reload": (sqlite_run.get("cpu_vs_spiff_reload") or 0)
        >= TARGET_VS_SPIFF_RELOAD,
        "sqlite_statements_per_case": (sqlite_run.get("statements_per_case") or 999)
        <= TARGET_STATEMENTS,
        "bulk_split_seconds": bool(bulk) and bulk["seconds"] < TARGET_BULK_SECONDS,
        "audit_verify": all(
            run.get("audit_verify_ok") for name, run in runs.items() if name.startswith("tumen")
        ),
    }
    if "tumen-postgres" in runs and "skipped" not in pg_run:
        meets["postgres_vs_before"] = (
            pg_run["cases_per_s"] >= TARGET_PG_FACTOR * PG_BEFORE_CASES_PER_S
        )
    return {
        "benchmark": "lifecycle",
        "command": " ".join(["benchmarks/lifecycle.py", *sys.argv[1:]]),
        "quick": args.quick,
        "cases": args.cases,
        "repeats": args.repeats,
        "steps": list(STEPS),
        "machine": machine(),
        "load_average": args.load_before,
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "runs": runs,
        "targets": {
            "sqlite_cpu_vs_spiff_reload": TARGET_VS_SPIFF_RELOAD,
            "sqlite_statements_per_case": TARGET_STATEMENTS,
            "bulk_split_seconds": TARGET_BULK_SECONDS,
            "postgres_cases_per_s": TARGET_PG_FACTOR * PG_BEFORE_CASES_PER_S,
        },
        "meets_targets": meets,
    }


def _print_tables(runs: dict[str, dict], figures: dict) -> None:
    order = [
        name
        for name in ("tumen-sqlite", "tumen-postgres", "spiff-reload", "spiff", "replay")
        if name in runs
    ]
    print(
        f"\nlifecycle: {figures['cases']} cases, best of {figures['repeats']}; "
        f"7 commits per case (open, submit, 4 grants, decide). Compared by CPU time of this "
        f"process (the machine is shared; wall time is shown but noisy)."
    )
    load = figures["load_average"][0]
    if load > BUSY_LOAD:
        print(
            f"NOTE: the machine was busy (load average {load:.1f} on "
            f"{figures['machine']['cores']} cores): wall figures are low; CPU cases/s is steadier"
        )
    print()
    rows = []
    for name in order:
        run = runs[name]
        if "skipped" in run:
            rows.append([name, None, None, None, None, None, f"skipped: {run['skipped'][:60]}"])
            continue
        rows.append([
            name, run["cpu_cases_per_s"], run["cases_per_s"], run.get("statements_per_case"),
            run["cpu_vs_spiff_reload"], run["cpu_vs_replay"], _verdict(name, run),
        ])  # fmt: skip
    headers = ["run", "CPU cases/s", "wall cases/s", "statements/case", "vs spiff-reload"]
    print_table([*headers, "vs replay", "target"], rows)
    print("CPU cases/s counts this process's CPU only: it leaves out the PostgreSQL server's work.")
    bulk = runs.get("tumen-sqlite", {}).get("bulk")
    if bulk:
        print(
            f"\nbulk: a foreign request of {bulk['households']} households split into "
            f"{bulk['cases']} cases, {bulk['routed']} routed to clearance, in "
            f"{bulk['seconds']} s ({bulk['cpu_seconds']} s CPU) on SQLite "
            f"(target under {TARGET_BULK_SECONDS} s)"
        )
    for name in order:
        if name.startswith("tumen"):
            print(f"{name}: audit verify: {runs[name].get('audit_verify', 'skipped')}")
    print("\nms per step (wall; Tumen's statements counted on a separate metered pass)\n")
    measured = [name for name in order if "skipped" not in runs[name]]
    step_rows = []
    for step in STEPS:
        row: list[object] = [step]
        row += [runs[name]["ms_per_step"].get(step) for name in measured]
        row += [
            runs[name]["queries_per_step"].get(step)
            for name in measured
            if name.startswith("tumen")
        ]
        step_rows.append(row)
    queries = [f"statements {name[6:]}" for name in measured if name.startswith("tumen")]
    print_table(["step", *measured, *queries], step_rows)
    print()


def _verdict(name: str, run: dict) -> str:
    if name == "tumen-sqlite":
        fast = (run["cpu_vs_spiff_reload"] or 0) >= TARGET_VS_SPIFF_RELOAD
        lean = run["statements_per_case"] <= TARGET_STATEMENTS
        return (
            f"{'meets' if fast else 'MISSES'} {TARGET_VS_SPIFF_RELOAD}x spiff-reload; "
            f"{'meets' if lean else 'MISSES'} <= {TARGET_STATEMENTS} statements"
        )
    if name == "tumen-postgres":
        target = TARGET_PG_FACTOR * PG_BEFORE_CASES_PER_S
        return f"{'meets' if run['cases_per_s'] >= target else 'MISSES'} {target:.1f} cases/s"
    return {"spiff-reload": "baseline", "spiff": "second baseline"}.get(name, "ceiling")


if __name__ == "__main__":
    sys.exit(main())
