"""The SQLite database, its WAL, and Tumen's private directories are owner-only."""

from __future__ import annotations

import os
import sqlite3

from tumen.lib.database import database_from_url


def _mode(path) -> int:
    return path.stat().st_mode & 0o777


def test_a_new_sqlite_database_and_its_wal_are_readable_by_the_owner_only(tmp_path):
    old = os.umask(0o022)  # a typical umask, which would give 0644
    try:
        name = tmp_path / "var" / "tumen.sqlite3"
        database_from_url(f"sqlite:///{name}", var_dir=tmp_path / "var")
        connection = sqlite3.connect(name)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE t (x)")
        connection.execute("INSERT INTO t VALUES (1)")
        connection.commit()
        assert _mode(name) == 0o600
        assert _mode(tmp_path / "var" / "tumen.sqlite3-wal") == 0o600
        assert _mode(tmp_path / "var") == 0o700
        connection.close()
    finally:
        os.umask(old)


def test_an_existing_world_readable_database_is_tightened(tmp_path):
    name = tmp_path / "old.sqlite3"
    name.write_bytes(b"")
    name.chmod(0o644)
    database_from_url(f"sqlite:///{name}", var_dir=tmp_path)
    assert _mode(name) == 0o600
