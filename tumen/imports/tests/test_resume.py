"""Exactly once: `kill -9` in the middle of an import, run it again, and every row is there once.

The import runs in a child process (`tumen import`), against a database the test can read while
the child writes: on SQLite a copy of the test database in a file, on PostgreSQL the test
database itself with real commits.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from .conftest import person_row, write_csv

ROWS = 30_000
BAD_EVERY = 1_000  # every 1,000th row has an impossible date


def _database_url(tmp_path: Path) -> tuple[str, object]:
    """A URL the child can use, and a function that runs one query on that database."""
    if connection.vendor == "sqlite":
        path = tmp_path / "resume.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()

        def query(sql: str):
            with sqlite3.connect(path, timeout=20) as db:
                return db.execute(sql).fetchall()

        return f"sqlite:///{path}", query
    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"

    def query(sql: str):
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()

    return url, query


def _import(url: str, path: Path, import_dir: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "TUMEN_IMPORT_DIR": str(import_dir)}
    command = [sys.executable, "-m", "tumen.cli", "import", "persons", str(path)]
    return subprocess.Popen(  # noqa: S603 - our own command line, no shell
        [*command, "--batch-size", "500", "--no-progress"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_rows(query, child: subprocess.Popen, at_least: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and child.poll() is None:
        imported = query("SELECT COALESCE(SUM(rows_imported), 0) FROM imports_importrun")[0][0]
        if imported >= at_least:
            return
        time.sleep(0.05)
    pytest.fail("the import ended or stalled before it could be interrupted")


def test_kill_9_in_the_middle_and_a_re_run_leave_exactly_the_right_rows(
    committed_db, tmp_path, import_dir
):
    rows = [
        person_row(n, birth_date="1950-02-31") if n % BAD_EVERY == 0 else person_row(n)
        for n in range(1, ROWS + 1)
    ]
    expected = {row["id_number"] for row in rows if row["birth_date"] != "1950-02-31"}
    path = write_csv(tmp_path / "register.csv", rows)
    url, query = _database_url(tmp_path)

    child = _import(url, path, import_dir)
    _wait_for_rows(query, child, at_least=2_000)
    child.send_signal(signal.SIGKILL)
    child.wait()
    interrupted = query("SELECT status, rows_imported FROM imports_importrun")
    assert interrupted[0][0] == "running"
    assert 2_000 <= interrupted[0][1] < len(expected)

    rerun = _import(url, path, import_dir)
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err

    numbers = [n for (n,) in query("SELECT residence_permit_number FROM people_person")]
    assert len(numbers) == len(set(numbers)) == len(expected)
    assert set(numbers) == expected
    assert query("SELECT COUNT(*) FROM imports_importedrow")[0][0] == len(expected)
    assert f"{ROWS // BAD_EVERY} rejected" in out
    # The chain is walked, and a seal made now (in a var dir of the test's own) is checked.
    env = {**os.environ, "DATABASE_URL": url, "TUMEN_VAR_DIR": str(tmp_path / "var")}
    audit = [sys.executable, "-m", "tumen.cli", "audit"]
    subprocess.run([*audit, "seal"], env=env, capture_output=True, check=True)  # noqa: S603
    verify = subprocess.run(  # noqa: S603 - our own command line, no shell
        [*audit, "verify"], env=env, capture_output=True, text=True, check=False
    )
    assert "chain intact" in verify.stdout, verify.stdout + verify.stderr
