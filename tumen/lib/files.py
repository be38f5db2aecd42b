"""Files only their owner may read: the SQLite database and its WAL, audit seals and keys.

Directories are made 0700 and files 0600 whatever the process umask, so another account on the
host cannot read personal data or the signing key.
"""

from __future__ import annotations

import os
from pathlib import Path

FILE_MODE = 0o600
DIRECTORY_MODE = 0o700


def private_directory(path: Path) -> Path:
    """Make `path` (and missing parents) and restrict it to its owner.

    An existing directory owned by another account (a shared backup mount) is left as it is.
    """
    path.mkdir(parents=True, exist_ok=True, mode=DIRECTORY_MODE)
    if path.stat().st_uid == os.getuid():
        os.chmod(path, DIRECTORY_MODE)
    return path


def write_private(path: Path, content: bytes) -> None:
    """Write `content` to `path`, readable and writable by its owner only."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(descriptor, "wb") as handle:
        os.fchmod(handle.fileno(), FILE_MODE)
        handle.write(content)


def restrict_file(path: Path) -> None:
    """Make an existing file (the database, its WAL and shared memory) owner-only."""
    if path.exists():
        os.chmod(path, FILE_MODE)


def private_sqlite_files(name: str) -> None:
    """The SQLite database's directory 0700 and its file 0600, before SQLite first opens it.

    SQLite gives the WAL and shared-memory files the database file's own mode, so creating the
    file owner-only is enough for new databases; an existing one (and its WAL) is tightened.
    """
    path = Path(name)
    private_directory(path.parent)
    if not path.exists():
        write_private(path, b"")
    for candidate in (path, Path(f"{name}-wal"), Path(f"{name}-shm")):
        if candidate.exists() and candidate.stat().st_uid == os.getuid():
            restrict_file(candidate)
