"""Running an import: validate every row, write the good ones in large batches, exactly once.

One batch is one transaction holding its rows, their ledger entries (`ImportedRow`, unique per
kind and key) and one audit event naming the batch's keys. A crash loses at most the batch in
flight, and nothing of it; a re-run skips every key the ledger already holds with the same
content, so it completes the file with no duplicate and no gap. A key that comes back with
different content is reported, never overwritten.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from operator import itemgetter
from pathlib import Path
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from tumen.audit.services import audit_record
from tumen.cases.models import Case, CaseMember, CaseNumberCounter, MemberRole, Status, Transition
from tumen.cases.workflow import authority_for
from tumen.imports.bulk import TableWriter
from tumen.imports.columns import CleanRow, Lookups, RowChecker, header_problems
from tumen.imports.models import ImportedRow, ImportKind, ImportRun, RunStatus
from tumen.imports.notes import NoteWriter
from tumen.imports.outcome import Outcome
from tumen.imports.reports import ErrorReport
from tumen.imports.sources import Source, SourceError, SourceRow
from tumen.imports.synthetic import GeneratedSource
from tumen.lib import clock
from tumen.org.access import authorised, require
from tumen.org.models import Jurisdiction, Official
from tumen.people.matching import match_data
from tumen.people.models import Person, PersonMatchKey
from tumen.reports.db import BatchTally, batch_tally

BATCH_SIZE = 5_000
# SQLite's page cache for the importing connection, in KiB (its default is 2 MiB). Each batch
# touches every index of six tables; with the default cache the index pages are read again
# batch after batch and the import slows as the database grows. Bounded, so memory stays flat.
SQLITE_CACHE_KIB = 64 * 1024
# Serialises imports on PostgreSQL, so two runs never check the same key or document at once.
_IMPORT_LOCK_KEY = 0x7475_6D65_6E12
# Importing persons is registering them; importing applications is opening cases.
AUTHORITY = {
    ImportKind.PERSONS: "person.register",
    ImportKind.CASES: authority_for("open"),
    ImportKind.FOREIGN_REQUESTS: authority_for("register"),
}
# The personal numbers that identify one person (people.models.Person's constraints).
DOCUMENT_FIELDS = ("personal_id_number", "residence_permit_number", "passport_number")


class ImportRefused(Exception):
    """The file as a whole cannot be imported; nothing was written."""


def _scope_path(actor: Official | None, kind: str) -> str:
    """Everything for the system (the command line without --as); the official's subtree else."""
    if actor is None:
        if kind == ImportKind.FOREIGN_REQUESTS:
            raise ImportRefused(
                _(
                    "A foreign request is registered by an official of a foreign affairs office; "
                    "give --as USERNAME."
                )
            )
        return "/"
    require(actor, AUTHORITY[kind])
    if actor.unit is None:
        raise PermissionDenied(_("Your account belongs to no work unit."))
    return actor.unit.jurisdiction.path


def importable_kinds(official: Official) -> list[str]:
    """The kinds of file the official may import: what the upload page offers them."""
    return [kind for kind, authority in AUTHORITY.items() if authorised(official, authority)]


def run_create(
    *,
    actor: Official | None,
    kind: str,
    path: Path | None,
    file_name: str,
    encoding: str = "",
    dry_run: bool = False,
    language: str = "",
) -> ImportRun:
    """Record a run before it starts, so its progress can be followed from elsewhere."""
    _scope_path(actor, kind)
    return ImportRun.objects.create(
        kind=kind,
        file_name=file_name[:200],
        stored_path=str(path or ""),
        encoding=encoding,
        dry_run=dry_run,
        language=language or getattr(actor, "language", "") or translation.get_language() or "",
        actor=actor,
        unit=getattr(actor, "unit", None),
        bytes_total=Path(path).stat().st_size if path else 0,
    )


def _batches(rows: Iterable[SourceRow], size: int) -> Iterator[list[SourceRow]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def import_run(
    *,
    run: ImportRun,
    batch_size: int = BATCH_SIZE,
    on_batch: Callable[[ImportRun], None] | None = None,
    source: Source | GeneratedSource | None = None,
) -> ImportRun:
    """Carry out a recorded run; every bad row goes to the error report, every good one in.

    The rows come from the run's stored file, or from `source` (generated rows).
    """
    with translation.override(run.language or None), _large_page_cache():
        try:
            source = source or Source(Path(run.stored_path), encoding=run.encoding or None)
            return _carry_out(run, source, batch_size, on_batch)
        except (SourceError, ImportRefused) as exc:
            run.status, run.failure, run.finished_at = RunStatus.FAILED, str(exc), clock.now()
            run.save(update_fields=["status", "failure", "finished_at"])
            raise ImportRefused(str(exc)) from None


@contextmanager
def _large_page_cache() -> Iterator[None]:
    """SQLite: SQLITE_CACHE_KIB of page cache for this connection while the run lasts."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{int(SQLITE_CACHE_KIB)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _carry_out(run: ImportRun, source, batch_size: int, on_batch) -> ImportRun:
    actor = run.actor
    lookups = Lookups.load(_scope_path(actor, run.kind))
    checker = RowChecker(run.kind, lookups, today=clock.today())
    rows = source.rows()
    first = next(rows, None)
    problems = header_problems(source.header, checker.columns)
    if problems:
        raise ImportRefused(" ".join(problems))
    run.status, run.encoding = RunStatus.RUNNING, source.encoding
    run.save(update_fields=["status", "encoding"])
    report = ErrorReport.for_run(run, source)
    writer = (NoteWriter if run.kind == ImportKind.FOREIGN_REQUESTS else BatchWriter)(run, checker)
    try:
        all_rows = rows if first is None else _chain(first, rows)
        for batch in _batches(all_rows, batch_size):
            outcome = writer.write(batch)
            report.add(outcome.rejected_rows)
            _count(run, outcome, source)
            if on_batch:
                on_batch(run)
        outcome = writer.last()
        report.add(outcome.rejected_rows)
        _count(run, outcome, source)
    finally:
        report.close()
    run.status, run.finished_at = RunStatus.DONE, clock.now()
    run.error_path = report.path_if_any()
    run.save(update_fields=["status", "finished_at", "error_path"])
    return run


def _chain(first, rest):
    yield first
    yield from rest


def _count(run: ImportRun, outcome: Outcome, source: Source) -> None:
    run.rows_imported += outcome.imported
    run.rows_skipped += outcome.skipped
    run.rows_rejected += outcome.rejected
    run.rows_read += outcome.imported + outcome.skipped + outcome.rejected
    run.bytes_read = source.bytes_read
    ImportRun.objects.filter(pk=run.pk).update(
        rows_imported=run.rows_imported,
        rows_skipped=run.rows_skipped,
        rows_rejected=run.rows_rejected,
        rows_read=run.rows_read,
        bytes_read=run.bytes_read,
    )


class BatchWriter:
    """Checks one batch against the file so far and the registry, then writes it in one go."""

    def __init__(self, run: ImportRun, checker: RowChecker) -> None:
        self.run = run
        self.checker = checker
        self.kind = run.kind

    def write(self, batch: list[SourceRow]) -> Outcome:
        outcome = Outcome()
        candidates = self._checked(batch, outcome)
        with transaction.atomic():
            self._lock()
            fresh = self._not_yet_imported(candidates, outcome)
            persons = self._documents(fresh, outcome)
            if fresh and self.kind == ImportKind.CASES:
                # The report tally counts the batch's cases and transitions in a few set-based
                # statements, not in a trigger per row (tumen.reports.db.batch_tally).
                with batch_tally() as tally:
                    self._insert(fresh, persons, tally)
            elif fresh:
                self._insert(fresh, persons, None)
            outcome.imported = len(fresh)
            outcome.written = fresh
            if self.run.dry_run:
                transaction.set_rollback(True)
        return outcome.counted()

    def last(self) -> Outcome:
        return Outcome()

    def _checked(
        self, batch: list[SourceRow], outcome: Outcome
    ) -> list[tuple[SourceRow, CleanRow]]:
        good, seen = [], {}
        for row in batch:
            clean, problems = self.checker.check(row.line, row.values)
            if clean is not None and clean.key in seen:
                first = seen[clean.key]
                if first.digest == clean.digest:
                    outcome.skipped += 1
                    continue
                problems = [
                    (
                        "record_id",
                        clean.key,
                        _("duplicate key: line %(line)d has the same record_id with other values")
                        % {"line": first.line},
                    )
                ]
                clean = None
            if clean is None:
                outcome.rejected_rows.append((row, problems))
                continue
            seen[clean.key] = clean
            good.append((row, clean))
        return good

    def _lock(self) -> None:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_IMPORT_LOCK_KEY])

    def _not_yet_imported(self, candidates, outcome: Outcome) -> list[tuple[SourceRow, CleanRow]]:
        keys = [clean.key for _row, clean in candidates]
        known = {
            key: (digest, line)
            for key, digest, line in _select_in(
                'SELECT "key", digest, line FROM imports_importedrow WHERE kind = %s AND "key" IN',
                [self.kind],
                keys,
            )
        }
        fresh = []
        for row, clean in candidates:
            if clean.key not in known:
                fresh.append((row, clean))
            elif known[clean.key][0] == clean.digest:
                outcome.skipped += 1
            else:
                reason = _(
                    "duplicate key: already imported from line %(line)d with other values"
                ) % {"line": known[clean.key][1]}
                outcome.rejected_rows.append((row, [("record_id", clean.key, reason)]))
        return fresh

    def _documents(self, fresh, outcome: Outcome) -> dict[int, int]:
        """Match document numbers with the registry: a persons import refuses a number already
        registered (in the registry or earlier in the batch); an application links that person."""
        existing = _registered_documents([clean for _row, clean in fresh])
        linked: dict[int, int] = {}
        taken: dict[tuple[str, str], int] = {}
        keep = []
        for row, clean in fresh:
            clash = None
            for doc in _document_keys(clean.person):
                if doc in existing:
                    clash = (doc, existing[doc], None)
                elif doc in taken:
                    clash = (doc, None, taken[doc])
                if clash:
                    break
            if clash and self.kind == ImportKind.CASES and clash[1] is not None:
                linked[id(clean)] = clash[1]
                keep.append((row, clean))
                continue
            if clash:
                doc, person_pk, line = clash
                column = "id_number"
                if person_pk is not None:
                    reason = _("already registered as person P%(pk)d") % {"pk": person_pk}
                else:
                    reason = _("the same document number is on line %(line)d") % {"line": line}
                outcome.rejected_rows.append((row, [(column, row.values.get(column, ""), reason)]))
                continue
            for doc in _document_keys(clean.person):
                taken[doc] = clean.line
            keep.append((row, clean))
        fresh[:] = keep
        return linked

    def _insert(self, fresh, linked: dict[int, int], tally: BatchTally | None) -> None:
        now = clock.now()
        rows = [clean for _row, clean in fresh]
        new_persons = [clean for clean in rows if id(clean) not in linked]
        persons = TableWriter(Person, now=now)
        person_ids = persons.ids(len(new_persons))
        actor, unit_id = self.run.actor, self.run.unit_id
        match_keys: list[tuple[int, str]] = []
        if new_persons:
            fields = tuple(new_persons[0].person)
            values_of = itemgetter(*fields)
            fill = persons.filler(("id", "registered_by_id", "match_profile", *fields))
            data = []
            for pk, clean in zip(person_ids, new_persons, strict=True):
                linked[id(clean)] = pk
                # The matcher's profile goes in the person's own row and its keys after them,
                # from one computation of the features; a namespace of the row's values costs
                # less than a model instance.
                profile, keys = match_data(SimpleNamespace(pk=pk, **clean.person))
                match_keys.extend((pk, key) for key in keys)
                data.append(fill((pk, unit_id, profile, *values_of(clean.person))))
            persons.insert(data)
        _write_match_keys(match_keys, now)
        object_ids = [linked[id(clean)] for clean in rows]
        if self.kind == ImportKind.CASES:
            object_ids = self._insert_cases(rows, linked, now, tally)
        self._ledger(rows, object_ids, now)
        audit_record(
            actor=actor,
            action=f"import.{self.kind}",
            unit=self.run.unit,
            payload={
                "run": self.run.pk,
                "keys": [clean.key for clean in rows],
                "first": object_ids[0],
                "last": object_ids[-1],
                "persons_registered": len(new_persons),
            },
        )

    def _insert_cases(
        self, rows: list[CleanRow], person_of: dict[int, int], now, tally: BatchTally
    ) -> list[int]:
        cases = TableWriter(Case, now=now)
        members, transitions = TableWriter(CaseMember, now=now), TableWriter(Transition, now=now)
        case_ids = cases.ids(len(rows))
        member_ids = members.ids(len(rows))
        transition_ids = transitions.ids(len(rows))
        numbers = _numbers([clean.case["county_id"] for clean in rows])
        offices = self.checker.lookups.offices
        case_of = cases.filler((
            "id", "number", "case_type", "policy_pack_id", "jurisdiction_id", "intake_unit_id",
            "status", "priority", "details",
        ))  # fmt: skip
        member_of = members.filler(("id", "case_id", "person_id", "role"))
        transition_of = transitions.filler(
            ("id", "case_id", "from_status", "to_status", "actor_id", "unit_id", "clause_id", "at")
        )
        draft, principal = Status.DRAFT.value, MemberRole.PRINCIPAL.value
        actor_id, unit_id = self.run.actor_id, self.run.unit_id
        case_rows, member_rows, transition_rows = [], [], []
        for pk, member_pk, transition_pk, clean, number in zip(
            case_ids, member_ids, transition_ids, rows, numbers, strict=True
        ):
            case, kind = clean.case, clean.case["case_type"]
            county = case["county_id"]
            office = offices[county]
            case_rows.append(case_of((
                pk, number, kind.code, case["pack_id"], county, office,
                draft, kind.priority, case["details"],
            )))  # fmt: skip
            member_rows.append(member_of((member_pk, pk, person_of[id(clean)], principal)))
            transition_rows.append(transition_of((
                transition_pk, pk, "", draft, actor_id, unit_id or office, kind.clause, now,
            )))  # fmt: skip
        cases.insert(case_rows)
        tally.cases_inserted(case_ids)
        members.insert(member_rows)
        transitions.insert(transition_rows)
        tally.transitions_inserted(transition_ids)
        return case_ids

    def _ledger(self, rows: list[CleanRow], object_ids: list[int], now) -> None:
        ledger = TableWriter(ImportedRow, now=now)
        fill = ledger.filler(("id", "kind", "key", "digest", "object_id", "run_id", "line"))
        kind, run_id = self.kind, self.run.pk
        ledger.insert(
            [
                fill((pk, kind, clean.key, clean.digest, object_id, run_id, clean.line))
                for pk, clean, object_id in zip(
                    ledger.ids(len(rows)), rows, object_ids, strict=True
                )
            ]
        )


def _write_match_keys(match_keys: list[tuple[int, str]], now) -> None:
    """The matcher's keys of the new persons, given as (person id, key), so that the matcher
    at intake finds an imported person as one registered through the services."""
    writer = TableWriter(PersonMatchKey, now=now)
    fill = writer.filler(("id", "person_id", "key"))
    ids = writer.ids(len(match_keys))
    writer.insert([fill((pk, *pair)) for pk, pair in zip(ids, match_keys, strict=True)])


def _document_keys(person: dict) -> list[tuple[str, str]]:
    keys = []
    for name in DOCUMENT_FIELDS:
        value = person.get(name)
        if value:
            # A passport number is unique within its issuing state only.
            keys.append(
                (
                    name,
                    f"{person['passport_state']}:{value}" if name == "passport_number" else value,
                )
            )
    return keys


def _registered_documents(rows: list[CleanRow]) -> dict[tuple[str, str], int]:
    wanted: dict[str, set[str]] = {name: set() for name in DOCUMENT_FIELDS}
    for clean in rows:
        for name in DOCUMENT_FIELDS:
            if clean.person.get(name):
                wanted[name].add(clean.person[name])
    found: dict[tuple[str, str], int] = {}
    for name, values in wanted.items():
        # Plain SQL: at thousands of values per batch the ORM's IN () costs more than the query.
        sql = f"SELECT id, {name}, passport_state FROM people_person WHERE {name} IN"  # noqa: S608
        for pk, value, state in _select_in(sql, [], sorted(values)):
            found[(name, f"{state}:{value}" if name == "passport_number" else value)] = pk
    return found


def _select_in(sql: str, params: list, values: list, chunk: int = 5_000) -> Iterator[tuple]:
    """Rows of `sql … IN (values)`, asked in chunks that every engine accepts."""
    with connection.cursor() as cursor:
        for start in range(0, len(values), chunk):
            part = values[start : start + chunk]
            cursor.execute(f"{sql} ({', '.join(['%s'] * len(part))})", [*params, *part])
            yield from cursor.fetchall()


def _numbers(county_ids: list[int]) -> list[str]:
    """Case numbers for the batch, taken from each county's counter under its row lock."""
    year = clock.today().year
    needed: dict[int, int] = {}
    for county_id in county_ids:
        needed[county_id] = needed.get(county_id, 0) + 1
    codes = dict(Jurisdiction.objects.filter(pk__in=needed).values_list("pk", "code"))
    next_of: dict[int, int] = {}
    for county_id in sorted(needed):
        counter, _created = CaseNumberCounter.objects.select_for_update().get_or_create(
            jurisdiction_id=county_id, year=year
        )
        next_of[county_id] = counter.last + 1
        counter.last += needed[county_id]
        counter.save(update_fields=["last"])
    numbers = []
    for county_id in county_ids:
        numbers.append(f"{codes[county_id].upper()}-{year}-{next_of[county_id]:06d}")
        next_of[county_id] += 1
    return numbers


def import_file(
    *,
    actor: Official | None,
    kind: str,
    path: Path,
    encoding: str = "",
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
    on_batch: Callable[[ImportRun], None] | None = None,
) -> ImportRun:
    """Record and carry out an import of one file (the command line's entry point)."""
    run = run_create(
        actor=actor,
        kind=kind,
        path=path,
        file_name=Path(path).name,
        encoding=encoding,
        dry_run=dry_run,
    )
    return import_run(run=run, batch_size=batch_size, on_batch=on_batch)
