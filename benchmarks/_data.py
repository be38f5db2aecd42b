"""Synthetic cases for benchmarks: `tumen generate`'s generator, many realistic rows, fast.

    generate(cases=100_000, seed=1963, progress=note)

adds `cases` cases through tumen.imports.histories, the one generator of synthetic data (also
behind `tumen generate --cases` and the bulk of `tumen demo`): households of persons with names
in all three scripts, cases of the two county types in every state across the scenario's
counties, with their members, clearances, decisions, existing issues, transitions, travel
authorizations and crossings, and the audit events the services would have written (a valid hash
chain, so `tumen audit verify` passes on the result; the report tally is rebuilt at the end).

Rows go straight into the tables in batches with tumen.imports.bulk.TableWriter (executemany on
SQLite, COPY on PostgreSQL), NOT through the services: their checks, locks and per-row audit
appends are what `benchmarks/lifecycle.py` measures; here only the shape and volume of the data
matter, for timing reads. Django must be set up and the 1963 scenario loaded first. The cases
are deterministic for a seed (and the time they end at); a second call adds the next ones.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tumen.imports.histories import Summary, generate_cases, import_key
from tumen.imports.models import ImportedRow, ImportKind
from tumen.lib import clock

BATCH = 2_000
PROGRESS_EVERY = 20_000


def generate(
    *, cases: int, seed: int = 1963, progress: Callable[[str], None] = lambda _m: None
) -> Summary:
    """Add `cases` synthetic cases (and everything around them); returns what was written."""
    prefix = import_key(seed, 0)[:-1]
    there = ImportedRow.objects.filter(kind=ImportKind.CASES, key__startswith=prefix).count()
    reported = [0]

    def on_batch(summary: Summary) -> None:
        if summary.cases - reported[0] >= PROGRESS_EVERY or summary.cases == cases:
            reported[0] = summary.cases
            progress(f"  {summary.cases:,} / {cases:,} cases")

    # A fresh database that nothing else writes: the tally is rebuilt once at the end, instead
    # of its triggers running on every row (the same figures; tumen/imports/tests/test_histories).
    return generate_cases(
        there + cases,
        seed=seed,
        now=clock.now(),
        batch_size=BATCH,
        on_batch=on_batch,
        rebuild_tally=True,
    )


def describe(summary: Summary) -> str:
    rows: Sequence[tuple[str, int]] = sorted(summary.rows.items())
    return ", ".join(f"{count:,} {label.split('.')[1]}" for label, count in rows)
