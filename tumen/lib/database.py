"""DATABASE_URL parsing with an error that names the setting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from tumen.lib.files import private_sqlite_files

SUPPORTED_ENGINES = {
    "django.db.backends.sqlite3": "sqlite",
    "django.db.backends.postgresql": "postgresql",
}


def database_from_url(url: str, *, var_dir: Path) -> dict[str, Any]:
    try:
        config = dj_database_url.parse(url)
    except (ValueError, KeyError):
        # The URL itself is not echoed: it may carry a password.
        raise ImproperlyConfigured(
            "DATABASE_URL is not a database URL Tumen understands; use "
            "sqlite:///path/to/file.sqlite3 or postgres://user@host:5432/name."
        ) from None
    engine = config.get("ENGINE")
    if engine not in SUPPORTED_ENGINES:
        raise ImproperlyConfigured(
            f"DATABASE_URL names an unsupported engine ({engine}); Tumen runs on SQLite or "
            f"PostgreSQL."
        )
    if engine == "django.db.backends.sqlite3":
        name = config.get("NAME") or ""
        if not name or name == ":memory:":
            raise ImproperlyConfigured(
                "DATABASE_URL must name a SQLite file (sqlite:///var/tumen.sqlite3); an "
                "in-memory database would lose everything at exit."
            )
        private_sqlite_files(name)
        config["OPTIONS"] = {
            # IMMEDIATE takes the write lock at BEGIN, so two writers queue on busy_timeout
            # instead of failing with "database is locked" when a read turns into a write.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        }
        config["CONN_MAX_AGE"] = None
    else:
        config.setdefault("CONN_MAX_AGE", 60)
        config["CONN_HEALTH_CHECKS"] = True
    return config
