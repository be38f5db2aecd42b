"""Shared helpers for Tumen's benchmarks: arguments, timing, the table, the JSON last line.

Every benchmark is `benchmarks/<name>.py`, runs on its own with `.venv/bin/python`, compares
itself with a baseline or a ceiling in the same run, prints a readable table and, as its very
last line, one JSON object of its figures so that a script can read the result with
`last_json_line`. `--quick` must finish in under a minute on the 2-core reference machine.

Nothing here imports Django: a benchmark that needs it sets it up itself, usually in a child
process per database engine (`run_child`), because Django's settings are process-global.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def make_parser(description: str) -> argparse.ArgumentParser:
    """An argument parser with the flags every benchmark shares."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--quick", action="store_true", help="a smaller run that finishes in under a minute"
    )
    return parser


def empty_pg_database(url: str) -> None:
    """Make the PostgreSQL database `url` names exist (created when missing) and empty (its
    public schema dropped and made again): a benchmark's own, never one that holds data."""
    import psycopg

    url = url.replace("postgres://", "postgresql://")
    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(url, autocommit=True) as database:
        database.execute("DROP SCHEMA public CASCADE")
        database.execute("CREATE SCHEMA public")


def machine() -> dict[str, object]:
    """What the figures were measured on; goes into every JSON line."""
    return {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(terse=True),
    }


@dataclass
class StepTimer:
    """Wall and CPU time per named step, summed over many repetitions.

    `with timer.step("submit"): …` adds the elapsed time to that step. Wall time is the figure
    that counts; this process's CPU time is kept beside it because, on a shared 2-core machine,
    it is what stays stable when something else competes for the cores (it leaves out a
    database server's own work, so it flatters client-server engines). Steps keep the order
    they were first seen in, so a table lists them in process order.
    """

    seconds: dict[str, float] = field(default_factory=dict)
    cpu_seconds: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        start, cpu_start = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - start, time.process_time() - cpu_start)

    def add(self, name: str, elapsed: float, cpu: float = 0.0) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + elapsed
        self.cpu_seconds[name] = self.cpu_seconds.get(name, 0.0) + cpu
        self.counts[name] = self.counts.get(name, 0) + 1

    @property
    def total(self) -> float:
        return sum(self.seconds.values())

    @property
    def cpu_total(self) -> float:
        return sum(self.cpu_seconds.values())

    def ms_per(self, per: int) -> dict[str, float]:
        """Wall milliseconds per step, divided by `per` (usually the number of cases)."""
        return {name: round(1000 * s / per, 4) for name, s in self.seconds.items()}


def timed(function: Callable[[], object]) -> float:
    """Seconds one call of `function` takes."""
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def ratio(a: float | None, b: float | None) -> float | None:
    """a / b, or None when either side is missing (an engine that was skipped)."""
    if a is None or b is None or b == 0:
        return None
    return round(a / b, 3)


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A plain aligned table: text columns left, numbers right, None shown as a dash."""
    cells = [[_cell(value) for value in row] for row in rows]
    widths = [
        max(len(str(header)), *(len(row[i]) for row in cells)) if cells else len(header)
        for i, header in enumerate(headers)
    ]
    numeric = [
        all(isinstance(row[i], int | float) or row[i] is None for row in rows)
        for i in range(len(headers))
    ]

    def line(values: Sequence[str]) -> str:
        parts = [
            value.rjust(width) if is_number else value.ljust(width)
            for value, width, is_number in zip(values, widths, numeric, strict=True)
        ]
        return " | ".join(parts).rstrip()

    print(line([str(h) for h in headers]))
    print("-+-".join("-" * width for width in widths))
    for row in cells:
        print(line(row))


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if value >= 100:
            return f"{value:,.0f}"
        if value >= 10:
            return f"{value:.1f}"
        return f"{value:.2f}"
    return str(value)


def emit_json(figures: dict) -> None:
    """Print the figures as one JSON object on one line; call it last."""
    print(json.dumps(figures, sort_keys=True, ensure_ascii=False, default=str), flush=True)


def last_json_line(output: str) -> dict:
    """The JSON object a benchmark (or a child run) printed as its last non-empty line."""
    for line in reversed(output.strip().splitlines()):
        line = line.strip()
        if line:
            return json.loads(line)
    raise ValueError("the run printed nothing")


def run_child(script: Path, args: Sequence[str], *, env: dict[str, str]) -> dict:
    """Run `script` again in a fresh interpreter and return the JSON its last line holds.

    The child's stderr passes through (progress notes, profiles); stdout is kept for the JSON.
    """
    completed = subprocess.run(  # noqa: S603  (our own script, our own interpreter)
        [sys.executable, str(script), *args],
        env={**os.environ, **env},
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"{script.name} {' '.join(args)} exited with {completed.returncode}:\n"
            f"{completed.stdout[-2000:]}"
        )
    return last_json_line(completed.stdout)


def note(message: str) -> None:
    """Progress for the reader, on stderr so that stdout stays table + JSON."""
    print(message, file=sys.stderr, flush=True)
