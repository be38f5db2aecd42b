"""The tally's triggers and its set-based rebuild: one SQL definition per engine.

Every case step writes case, transition, decision, clearance and existing-issue rows; the
triggers below add to `reports_tally` in the same statement's transaction, so the tally is never
behind the cases and no service needs to know about it. `rebuild()` computes the same rows from the
raw tables in a few GROUP BYs: it fills the tally when the app is installed over existing cases and
after bulk loads that ran with the triggers dropped, and the tests compare the two. A bulk writer
pauses the case and transition insert triggers in its own transaction and counts its batch
set-based instead (`batch_tally`).

Months and days are counted in TUMEN_TIME_ZONE. SQLite has no time zones, so both engines add the
zone's UTC offset, taken when the triggers are installed (`tumen report --rebuild` re-installs
them); a zone with summer time would need a rebuild at each change.
"""

from __future__ import annotations

import datetime
import json
import zoneinfo
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections, transaction

from tumen.cases.models import OPEN_STATUSES

TABLE = "reports_tally"
KEY = "jurisdiction_id, month, figure, key1, key2, value"
DECIDED = "('approved', 'refused')"
# Moves the system makes in the same service call as the move into their source status: the
# submission starts clearance at once, an approval that issues documents authorizes at once, and
# the last crossing closes the case. The status they leave was passed through, not waited in, so
# they end no step (docs/reports.md, "Processing time").
AUTOMATIC_MOVES = (
    ("submitted", "in_clearance"),
    ("approved", "authorized"),
    ("departed", "closed"),
)
AUTHORIZATIONS = "authorizations_authorization"
SCANS = "authorizations_checkpointscan"
# A bulk writer's pause of the row triggers below, visible to its own transaction only
# (`batch_tally`): on SQLite a row in this table, inserted and deleted inside the transaction; on
# PostgreSQL a transaction-local setting.
PAUSE_TABLE = "reports_tallypause"
PAUSE_SETTING = "tumen.tally_paused"
# The only triggers a pause silences: inserts of cases and transitions, which `batch_tally`
# counts set-based for the ids the writer hands it. Every other trigger keeps counting.
PAUSABLE = ("tally_case_in", "tally_transition_in")
# Where a batch statement takes its id list (SQLite's strftime('%s') rules out a plain %s).
IDS = "{ids}"


def utc_offset_seconds() -> int:
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return int(datetime.datetime.now(zone).utcoffset().total_seconds())


class Dialect:
    """The three time expressions the definitions need, written for one engine."""

    def __init__(self, offset: int):
        self.offset = offset


class SQLite(Dialect):
    def month(self, at: str) -> str:
        return f"strftime('%Y-%m', {at}, '{self.offset:+d} seconds')"

    def epoch(self, at: str) -> str:
        return f"CAST(strftime('%s', {at}) AS INTEGER)"

    def days(self, start: str, end: str) -> str:
        return f"(({self.epoch(end)} - {self.epoch(start)}) / 86400)"

    def day(self, at: str) -> str:
        # SQLite's integer division truncates towards zero; floor it, for dates before 1970.
        local = f"({self.epoch(at)} + {self.offset})"
        return f"(({local} - (({local} % 86400) + 86400) % 86400) / 86400)"

    def among(self, column: str) -> str:
        """SQL: `column` is one of the ids given as the statement's one parameter (`ids`)."""
        return f"{column} IN (SELECT value FROM json_each({IDS}))"  # noqa: S608 (a constant)

    def ids(self, values: list[int]) -> object:
        return json.dumps(values)

    def paused_when(self) -> str:
        return f"NOT EXISTS (SELECT 1 FROM {PAUSE_TABLE})"  # noqa: S608 (a constant)


class Postgres(Dialect):
    def month(self, at: str) -> str:
        return f"to_char(({at} AT TIME ZONE 'UTC') + interval '{self.offset} seconds', 'YYYY-MM')"

    def epoch(self, at: str) -> str:
        return f"extract(epoch from date_trunc('second', {at}))"

    def days(self, start: str, end: str) -> str:
        return f"floor(({self.epoch(end)} - {self.epoch(start)}) / 86400)::integer"

    def day(self, at: str) -> str:
        return f"floor(({self.epoch(at)} + {self.offset}) / 86400)::integer"

    def among(self, column: str) -> str:
        return f"{column} = ANY({IDS})"

    def ids(self, values: list[int]) -> object:
        return values

    def paused_when(self) -> str:
        return f"(current_setting('{PAUSE_SETTING}', true) IS DISTINCT FROM 'on')"


def dialect(vendor: str) -> Dialect:
    offset = utc_offset_seconds()
    if vendor == "sqlite":
        return SQLite(offset)
    if vendor == "postgresql":
        return Postgres(offset)
    raise RuntimeError(f"Tumen's report triggers support SQLite and PostgreSQL, not {vendor}.")


def add(select: str, *, where: str, grouped: bool = False, source: str = "") -> str:
    """INSERT the tally rows `select` yields (7 columns, n last), adding to rows already there."""
    tail = " GROUP BY 1, 2, 3, 4, 5, 6" if grouped else ""
    # SQLite needs the WHERE before ON CONFLICT to parse an upsert from a SELECT.
    return (
        f"INSERT INTO {TABLE} ({KEY}, n) SELECT {select} {source} WHERE {where}{tail} "
        f"ON CONFLICT ({KEY}) DO UPDATE SET n = {TABLE}.n + excluded.n"
    )


@dataclass(frozen=True)
class Trigger:
    name: str
    table: str
    event: str  # INSERT, UPDATE OF ..., DELETE
    statements: tuple[str, ...]


def _case_row(d: Dialect, row: str, n: object) -> str:
    return (
        f"{row}.jurisdiction_id, {d.month(f'{row}.created_at')}, 'opened', {row}.case_type, "
        f"{row}.status, {row}.priority, {n}"
    )


OPEN = "(" + ", ".join(f"'{status}'" for status in OPEN_STATUSES) + ")"
OPEN_MOVED = "(OLD.jurisdiction_id <> NEW.jurisdiction_id OR OLD.status <> NEW.status)"


def _open_row(row: str, n: object) -> str:
    """A case in an open status now (the backlog), whatever month it was opened."""
    return f"{row}.jurisdiction_id, '', 'open', {row}.status, '', 0, {n}"


def _pending_row(d: Dialect, row: str, n: object) -> str:
    return f"c.jurisdiction_id, '', 'pending', {row}.unit_kind, '', {d.day(f'{row}.due_at')}, {n}"


CASE_CHANGED = (
    "(OLD.jurisdiction_id <> NEW.jurisdiction_id OR OLD.created_at <> NEW.created_at OR "
    "OLD.case_type <> NEW.case_type OR OLD.status <> NEW.status OR OLD.priority <> NEW.priority)"
)
PENDING_MOVED = "(OLD.due_at <> NEW.due_at OR OLD.unit_kind <> NEW.unit_kind)"


def not_automatic(source: str, target: str) -> str:
    """SQL: the move source → target ends a step (it is not one of AUTOMATIC_MOVES)."""
    pairs = ", ".join(f"'{a}>{b}'" for a, b in AUTOMATIC_MOVES)
    return f"({source} || '>' || {target}) NOT IN ({pairs})"


def _crossed(authorization_id: str, *, before: str | None = None) -> str:
    """SQL: the document has been used to cross (by a scan before `before`, when given)."""
    earlier = f" AND q.id < {before}" if before else ""
    # Column names and constants only; the triggers take no values from outside.
    return (
        f"EXISTS (SELECT 1 FROM {SCANS} q WHERE q.authorization_id = {authorization_id} "  # noqa: S608
        f"AND q.outcome = 'crossed'{earlier})"
    )


def _unused_row(d: Dialect, a: str, n: object) -> str:
    """A valid document that has not crossed, in the month and on the day its validity ends."""
    return (
        f"c.jurisdiction_id, {d.month(f'{a}.valid_until')}, 'authz_unused', c.case_type, '', "
        f"{d.day(f'{a}.valid_until')}, {n}"
    )


def _issued_row(d: Dialect, a: str, n: object) -> str:
    month = d.month(f"{a}.issued_at")
    return f"c.jurisdiction_id, {month}, 'authz_issued', c.case_type, '', 0, {n}"


UNUSED_MOVED = "(OLD.status <> NEW.status OR OLD.valid_until <> NEW.valid_until)"
FIRST_CROSSING = _crossed("NEW.authorization_id", before="NEW.id")


def authorization_triggers(d: Dialect) -> list[Trigger]:
    """Documents issued, first used to cross, and still valid and unused (by expiry day)."""
    of_case = "FROM cases_case c"
    return [
        Trigger(
            "tally_authz_in",
            AUTHORIZATIONS,
            "INSERT",
            (
                add(_issued_row(d, "NEW", 1), source=of_case, where="c.id = NEW.case_id"),
                add(
                    _unused_row(d, "NEW", 1),
                    source=of_case,
                    where=f"c.id = NEW.case_id AND NEW.status = 'valid' "
                    f"AND NOT {_crossed('NEW.id')}",
                ),
            ),
        ),
        Trigger(
            "tally_authz_up",
            AUTHORIZATIONS,
            "UPDATE OF status, valid_until",
            (
                add(
                    _unused_row(d, "OLD", -1),
                    source=of_case,
                    where=f"c.id = OLD.case_id AND OLD.status = 'valid' AND {UNUSED_MOVED} "
                    f"AND NOT {_crossed('OLD.id')}",
                ),
                add(
                    _unused_row(d, "NEW", 1),
                    source=of_case,
                    where=f"c.id = NEW.case_id AND NEW.status = 'valid' AND {UNUSED_MOVED} "
                    f"AND NOT {_crossed('NEW.id')}",
                ),
            ),
        ),
        Trigger(
            "tally_authz_del",
            AUTHORIZATIONS,
            "DELETE",
            (
                add(_issued_row(d, "OLD", -1), source=of_case, where="c.id = OLD.case_id"),
                add(
                    _unused_row(d, "OLD", -1),
                    source=of_case,
                    where=f"c.id = OLD.case_id AND OLD.status = 'valid' "
                    f"AND NOT {_crossed('OLD.id')}",
                ),
            ),
        ),
        Trigger(
            "tally_scan_in",
            SCANS,
            "INSERT",
            (
                # The document's first crossing: it is used, and no longer waiting to be.
                add(
                    f"c.jurisdiction_id, {d.month('NEW.at')}, 'authz_used', c.case_type, '', 0, 1",
                    source=f"FROM {AUTHORIZATIONS} a, cases_case c",
                    where="NEW.outcome = 'crossed' AND a.id = NEW.authorization_id "
                    f"AND c.id = a.case_id AND NOT {FIRST_CROSSING}",
                ),
                add(
                    _unused_row(d, "a", -1),
                    source=f"FROM {AUTHORIZATIONS} a, cases_case c",
                    where="NEW.outcome = 'crossed' AND a.id = NEW.authorization_id "
                    "AND c.id = a.case_id AND a.status = 'valid' "
                    f"AND NOT {FIRST_CROSSING}",
                ),
            ),
        ),
    ]


def triggers(d: Dialect) -> list[Trigger]:
    of_case = "FROM cases_case c"
    return [
        Trigger(
            "tally_case_in",
            "cases_case",
            "INSERT",
            (
                add(_case_row(d, "NEW", 1), where="1 = 1"),
                add(_open_row("NEW", 1), where=f"NEW.status IN {OPEN}"),
            ),
        ),
        Trigger(
            "tally_case_up",
            "cases_case",
            "UPDATE OF jurisdiction_id, created_at, case_type, status, priority",
            (
                add(_case_row(d, "OLD", -1), where=CASE_CHANGED),
                add(_case_row(d, "NEW", 1), where=CASE_CHANGED),
                add(_open_row("OLD", -1), where=f"{OPEN_MOVED} AND OLD.status IN {OPEN}"),
                add(_open_row("NEW", 1), where=f"{OPEN_MOVED} AND NEW.status IN {OPEN}"),
            ),
        ),
        Trigger(
            "tally_case_del",
            "cases_case",
            "DELETE",
            (
                add(_case_row(d, "OLD", -1), where="1 = 1"),
                add(_open_row("OLD", -1), where=f"OLD.status IN {OPEN}"),
            ),
        ),
        Trigger(
            "tally_transition_in",
            "cases_transition",
            "INSERT",
            (
                add(
                    f"c.jurisdiction_id, {d.month('NEW.at')}, 'moved', NEW.to_status, "
                    "NEW.from_status, 0, 1",
                    source=of_case,
                    where="c.id = NEW.case_id",
                ),
                add(
                    f"c.jurisdiction_id, {d.month('NEW.at')}, 'step', NEW.from_status, "
                    f"c.case_type, {d.days('p.at', 'NEW.at')}, 1",
                    source=f"{of_case}, cases_transition p",
                    where="c.id = NEW.case_id AND NEW.from_status <> '' AND "  # noqa: S608
                    f"{not_automatic('NEW.from_status', 'NEW.to_status')} AND p.id = "
                    "(SELECT MAX(q.id) FROM cases_transition q "
                    "WHERE q.case_id = NEW.case_id AND q.id < NEW.id)",
                ),
                add(
                    f"c.jurisdiction_id, {d.month('NEW.at')}, 'processing', c.case_type, '', "
                    f"{d.days('c.submitted_at', 'NEW.at')}, 1",
                    source=of_case,
                    where=f"c.id = NEW.case_id AND NEW.to_status IN {DECIDED} "
                    "AND c.submitted_at IS NOT NULL",
                ),
            ),
        ),
        Trigger(
            "tally_decision_in",
            "cases_decision",
            "INSERT",
            (
                add(
                    f"c.jurisdiction_id, {d.month('NEW.decided_at')}, 'decision', NEW.outcome, "
                    "NEW.clause_id, 0, 1",
                    source=of_case,
                    where="c.id = NEW.case_id",
                ),
            ),
        ),
        Trigger(
            "tally_issue_in",
            "cases_existingissue",
            "INSERT",
            (
                add(
                    f"NEW.jurisdiction_id, {d.month('NEW.raised_at')}, 'issue', NEW.kind, "
                    "NEW.ground, 0, 1",
                    where="1 = 1",
                ),
            ),
        ),
        Trigger(
            "tally_clearance_in",
            "cases_clearance",
            "INSERT",
            (
                add(
                    _pending_row(d, "NEW", 1),
                    source=of_case,
                    where="c.id = NEW.case_id AND NEW.status = 'pending'",
                ),
            ),
        ),
        Trigger(
            "tally_clearance_up",
            "cases_clearance",
            "UPDATE OF status, due_at, unit_kind",
            (
                add(
                    _pending_row(d, "OLD", -1),
                    source=of_case,
                    where=f"c.id = NEW.case_id AND OLD.status = 'pending' "
                    f"AND (NEW.status <> 'pending' OR {PENDING_MOVED})",
                ),
                add(
                    _pending_row(d, "NEW", 1),
                    source=of_case,
                    where=f"c.id = NEW.case_id AND NEW.status = 'pending' "
                    f"AND (OLD.status <> 'pending' OR {PENDING_MOVED})",
                ),
                add(
                    f"c.jurisdiction_id, {d.month('NEW.acted_at')}, 'flag', NEW.unit_kind, "
                    "NEW.ground, 0, 1",
                    source=of_case,
                    where="c.id = NEW.case_id AND NEW.status = 'flagged' "
                    "AND OLD.status <> 'flagged' AND NEW.acted_at IS NOT NULL",
                ),
            ),
        ),
        Trigger(
            "tally_clearance_del",
            "cases_clearance",
            "DELETE",
            (
                add(
                    _pending_row(d, "OLD", -1),
                    source=of_case,
                    where="c.id = OLD.case_id AND OLD.status = 'pending'",
                ),
            ),
        ),
    ]


def rebuild_statements(d: Dialect) -> list[str]:
    """The same rows as the triggers keep, from the raw tables (flags: see docs/reports.md)."""
    of_transition = "FROM cases_transition t JOIN cases_case c ON c.id = t.case_id"
    steps = (
        "FROM (SELECT t.case_id, t.from_status, t.to_status, t.at, "
        "LAG(t.at) OVER (PARTITION BY t.case_id ORDER BY t.id) AS prev FROM cases_transition t) s "
        "JOIN cases_case c ON c.id = s.case_id"
    )
    return [
        "DELETE FROM reports_tally",
        add(
            _case_row(d, "c", "COUNT(*)"),
            source="FROM cases_case c",
            where="1 = 1",
            grouped=True,
        ),
        add(
            _open_row("c", "COUNT(*)"),
            source="FROM cases_case c",
            where=f"c.status IN {OPEN}",
            grouped=True,
        ),
        add(
            f"c.jurisdiction_id, {d.month('t.at')}, 'moved', t.to_status, t.from_status, 0, "
            "COUNT(*)",
            source=of_transition,
            where="1 = 1",
            grouped=True,
        ),
        add(
            f"c.jurisdiction_id, {d.month('s.at')}, 'step', s.from_status, c.case_type, "
            f"{d.days('s.prev', 's.at')}, COUNT(*)",
            source=steps,
            where="s.from_status <> '' AND s.prev IS NOT NULL "
            f"AND {not_automatic('s.from_status', 's.to_status')}",
            grouped=True,
        ),
        add(
            f"c.jurisdiction_id, {d.month('t.at')}, 'processing', c.case_type, '', "
            f"{d.days('c.submitted_at', 't.at')}, COUNT(*)",
            source=of_transition,
            where=f"t.to_status IN {DECIDED} AND c.submitted_at IS NOT NULL",
            grouped=True,
        ),
        add(
            f"c.jurisdiction_id, {d.month('x.decided_at')}, 'decision', x.outcome, x.clause_id, "
            "0, COUNT(*)",
            source="FROM cases_decision x JOIN cases_case c ON c.id = x.case_id",
            where="1 = 1",
            grouped=True,
        ),
        add(
            f"x.jurisdiction_id, {d.month('x.raised_at')}, 'issue', x.kind, x.ground, 0, COUNT(*)",
            source="FROM cases_existingissue x",
            where="1 = 1",
            grouped=True,
        ),
        add(
            _pending_row(d, "x", "COUNT(*)"),
            source="FROM cases_clearance x JOIN cases_case c ON c.id = x.case_id",
            where="x.status = 'pending'",
            grouped=True,
        ),
        # A resolved flag keeps no unit kind in the case tables; only open flags can be recounted.
        add(
            f"c.jurisdiction_id, {d.month('x.acted_at')}, 'flag', x.unit_kind, x.ground, 0, "
            "COUNT(*)",
            source="FROM cases_clearance x JOIN cases_case c ON c.id = x.case_id",
            where="x.status = 'flagged' AND x.acted_at IS NOT NULL",
            grouped=True,
        ),
    ]


def authorization_rebuild_statements(d: Dialect) -> list[str]:
    """The authorization rows of the tally, from the raw tables."""
    of_document = f"FROM {AUTHORIZATIONS} a JOIN cases_case c ON c.id = a.case_id"
    # Table names and constants only.
    first_crossings = (
        f"FROM (SELECT authorization_id, MIN(id) AS first_id FROM {SCANS} "  # noqa: S608
        "WHERE outcome = 'crossed' AND authorization_id IS NOT NULL GROUP BY authorization_id) u "
        f"JOIN {SCANS} s ON s.id = u.first_id "
        f"JOIN {AUTHORIZATIONS} a ON a.id = u.authorization_id "
        "JOIN cases_case c ON c.id = a.case_id"
    )
    return [
        add(_issued_row(d, "a", "COUNT(*)"), source=of_document, where="1 = 1", grouped=True),
        add(
            f"c.jurisdiction_id, {d.month('s.at')}, 'authz_used', c.case_type, '', 0, COUNT(*)",
            source=first_crossings,
            where="1 = 1",
            grouped=True,
        ),
        add(
            _unused_row(d, "a", "COUNT(*)"),
            source=of_document,
            where=f"a.status = 'valid' AND NOT {_crossed('a.id')}",
            grouped=True,
        ),
    ]


def _with_authorizations(connection) -> bool:
    """The authorization tables exist (the reports migrations may run before theirs)."""
    return AUTHORIZATIONS in connection.introspection.table_names()


def _all_triggers(connection, d: Dialect) -> list[Trigger]:
    extra = authorization_triggers(d) if _with_authorizations(connection) else []
    return [*triggers(d), *extra]


def _install_statements(
    vendor: str, d: Dialect, every: list[Trigger], *, pausable: bool = True
) -> list[str]:
    statements = []
    for trigger in every:
        when = f" WHEN {d.paused_when()}" if pausable and trigger.name in PAUSABLE else ""
        body = "; ".join(trigger.statements)
        if vendor == "sqlite":
            statements.append(f"DROP TRIGGER IF EXISTS {trigger.name}")
            statements.append(
                f"CREATE TRIGGER {trigger.name} AFTER {trigger.event} ON {trigger.table} "
                f"FOR EACH ROW{when} BEGIN {body}; END"
            )
        else:
            statements.append(
                f"CREATE OR REPLACE FUNCTION {trigger.name}_fn() RETURNS trigger "
                f"LANGUAGE plpgsql AS $$ BEGIN {body}; RETURN NULL; END $$"
            )
            statements.append(
                f"CREATE OR REPLACE TRIGGER {trigger.name} AFTER {trigger.event} "
                f"ON {trigger.table} FOR EACH ROW{when} EXECUTE FUNCTION {trigger.name}_fn()"
            )
    return statements


def install_triggers(using: str = "default", *, pausable: bool = True) -> None:
    """(Re)install every trigger; `pausable=False` (or no pause table yet) makes the ones of
    PAUSABLE unconditional, as they were before the pause existed."""
    connection = connections[using]
    d = dialect(connection.vendor)
    every = _all_triggers(connection, d)
    # The earlier migrations install the triggers before the pause table is made (0006).
    pausable = pausable and PAUSE_TABLE in connection.introspection.table_names()
    with connection.cursor() as cursor:
        for statement in _install_statements(connection.vendor, d, every, pausable=pausable):
            cursor.execute(statement)


def drop_triggers(using: str = "default") -> None:
    connection = connections[using]
    names = [(t.name, t.table) for t in _all_triggers(connection, dialect(connection.vendor))]
    with connection.cursor() as cursor:
        for name, table in names:
            on = "" if connection.vendor == "sqlite" else f" ON {table}"
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}{on}")


def rebuild(using: str = "default") -> None:
    """Recompute the whole tally from the case tables, in one transaction."""
    connection = connections[using]
    d = dialect(connection.vendor)
    statements = rebuild_statements(d)
    if _with_authorizations(connection):
        statements += authorization_rebuild_statements(d)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
        # The planner's statistics of a table that was just refilled (SQLite keeps none until
        # ANALYZE is run, and plans the few reads by the unique index anyway).
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {TABLE}")


def inserted_statements(d: Dialect) -> dict[str, list[str]]:
    """What the PAUSABLE triggers add for each inserted row, as set-based statements over the
    inserted rows' ids (the one parameter, `d.among`): the triggers' own expressions, grouped."""
    of_transition = "FROM cases_transition t JOIN cases_case c ON c.id = t.case_id"
    cases = [
        add(
            _case_row(d, "c", "COUNT(*)"),
            source="FROM cases_case c",
            where=d.among("c.id"),
            grouped=True,
        ),
        add(
            _open_row("c", "COUNT(*)"),
            source="FROM cases_case c",
            where=f"{d.among('c.id')} AND c.status IN {OPEN}",
            grouped=True,
        ),
    ]
    transitions = [
        add(
            f"c.jurisdiction_id, {d.month('t.at')}, 'moved', t.to_status, t.from_status, 0, "
            "COUNT(*)",
            source=of_transition,
            where=d.among("t.id"),
            grouped=True,
        ),
        add(
            f"c.jurisdiction_id, {d.month('t.at')}, 'step', t.from_status, c.case_type, "
            f"{d.days('p.at', 't.at')}, COUNT(*)",
            # The step ends at t and began at the case's transition before it, as in the trigger.
            source=f"{of_transition} JOIN cases_transition p ON p.id = "  # noqa: S608
            "(SELECT MAX(q.id) FROM cases_transition q WHERE q.case_id = t.case_id "
            "AND q.id < t.id)",
            where=f"{d.among('t.id')} AND t.from_status <> '' "
            f"AND {not_automatic('t.from_status', 't.to_status')}",
            grouped=True,
        ),
        add(
            f"c.jurisdiction_id, {d.month('t.at')}, 'processing', c.case_type, '', "
            f"{d.days('c.submitted_at', 't.at')}, COUNT(*)",
            source=of_transition,
            where=f"{d.among('t.id')} AND t.to_status IN {DECIDED} AND c.submitted_at IS NOT NULL",
            grouped=True,
        ),
    ]
    return {"cases": cases, "transitions": transitions}


@dataclass
class BatchTally:
    """The ids a bulk writer inserted while the row triggers were paused (`batch_tally`)."""

    cases: list[int] = field(default_factory=list)
    transitions: list[int] = field(default_factory=list)

    def cases_inserted(self, ids: Iterable[int]) -> None:
        self.cases.extend(ids)

    def transitions_inserted(self, ids: Iterable[int]) -> None:
        self.transitions.extend(ids)


@contextmanager
def batch_tally(using: str = "default") -> Iterator[BatchTally]:
    """Tally a bulk write once per batch instead of once per row, with the same figures.

    Inside the block (the caller's transaction, or one of its own) the
    PAUSABLE row triggers skip the rows this transaction inserts; the writer hands the ids of
    every case and transition it inserted to the `BatchTally` it is given, and on leaving the
    block they are tallied by `inserted_statements`, then the pause ends, before the transaction
    commits. The pause is this transaction's own (an uncommitted row on SQLite, a transaction-local
    setting on PostgreSQL): no other connection ever sees it, and a rollback ends it too. A row the
    writer does not hand over would be missing from the tally; `rebuild()` repairs that.
    """
    connection = connections[using]
    batch = BatchTally()
    # No savepoint: an error inside rolls the whole transaction back, the pause with it.
    with transaction.atomic(using=using, savepoint=False), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"INSERT INTO {PAUSE_TABLE} DEFAULT VALUES")
            token = cursor.lastrowid
        else:
            cursor.execute("SELECT set_config(%s, 'on', true)", [PAUSE_SETTING])
        yield batch
        count_inserted(batch, using)
        if connection.vendor == "sqlite":
            cursor.execute(f"DELETE FROM {PAUSE_TABLE} WHERE id = %s", [token])  # noqa: S608
        else:
            cursor.execute("SELECT set_config(%s, 'off', true)", [PAUSE_SETTING])


def count_inserted(batch: BatchTally, using: str = "default") -> None:
    """Add to the tally what the PAUSABLE triggers would have added for the batch's rows."""
    connection = connections[using]
    d = dialect(connection.vendor)
    statements = inserted_statements(d)
    with connection.cursor() as cursor:
        for name, ids in (("cases", batch.cases), ("transitions", batch.transitions)):
            if not ids:
                continue
            for statement in statements[name]:
                # SQLite's time expressions hold % (strftime); the id list is the one parameter.
                cursor.execute(statement.replace("%", "%%").replace(IDS, "%s"), [d.ids(ids)])
